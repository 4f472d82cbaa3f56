import {
  DataFrame,
  DataFrameType,
  Field,
  InterpolateFunction,
  SplitOpenOptions,
  mapInternalLinkToExplore,
} from '@grafana/data';
import { firstValueFrom } from 'rxjs';

import { DataSource } from './datasource';
import { connectDataSource, queryRequest, timeRange } from './__tests__/support/instance';
import { RealBackend, startRealBackend } from './__tests__/support/realBackend';
import { QueryType, UnifiedLogsQuery } from './types';

/**
 * Related, Reconcile and the data links between them, against the real backend over the
 * in-memory demo data (a day ending at `backend.nowMs`, with two trades the archive disagrees
 * about). Links are followed with Grafana's own `mapInternalLinkToExplore`, the function
 * Explore's log details use to open an internal link in the split view.
 */
let backend: RealBackend;
let ds: DataSource;

beforeAll(async () => {
  backend = await startRealBackend();
  ds = connectDataSource(backend.url, { token: backend.tokens.viewer });
}, 90_000);

afterAll(async () => {
  await backend?.stop();
});

const HOUR = 3_600_000;
const lastDay = () => timeRange(backend.nowMs - 24 * HOUR, backend.nowMs);

async function frames(target: UnifiedLogsQuery, range = lastDay()): Promise<DataFrame[]> {
  const response = await firstValueFrom(ds.query(queryRequest([target], { range })));
  expect(response.errors).toBeUndefined();
  return response.data as DataFrame[];
}

const field = (frame: DataFrame | undefined, name: string): Field | undefined =>
  frame?.fields.find((f) => f.name === name);

/** What Grafana's template service does with the link's `${__value.raw}`. */
const replaceValue: InterpolateFunction = (text, scopedVars) =>
  text.replace(/\$\{__value\.raw\}/g, String(scopedVars?.__value?.value?.raw ?? ''));

/** Clicks a field's internal link for one value, as Explore does, and returns what would open in the split pane. */
function followLink(target: Field, value: string): SplitOpenOptions | undefined {
  const link = target.config.links?.[0];
  let opened: SplitOpenOptions | undefined;
  if (!link?.internal) {
    return undefined;
  }
  const model = mapInternalLinkToExplore({
    link,
    internalLink: link.internal,
    scopedVars: { __value: { value: { raw: value }, text: 'Raw value' } },
    field: target,
    range: lastDay(),
    replaceVariables: replaceValue,
    onClickFn: (options) => {
      opened = options;
    },
  });
  model.onClick?.({});
  return opened;
}

describe('data links from correlation fields', () => {
  it('links an order id found in a pod line’s text to the Related query of this data source', async () => {
    const [logs] = await frames({
      refId: 'A',
      queryType: QueryType.Logs,
      source: 'pods',
      search: 'order filled',
      limit: 20,
    });
    const orders = field(logs, 'order_id');
    expect(orders?.values.length).toBe(logs?.length);
    const value = String(orders?.values[0]);
    expect(value).toMatch(/^ord-[0-9a-f]{12}$/);
    expect(String(field(logs, 'body')?.values[0])).toContain(value);

    const opened = followLink(orders!, value);
    expect(opened?.datasourceUid).toBe(ds.uid);
    expect(opened?.queries[0]).toMatchObject({
      queryType: QueryType.Related,
      correlationKey: 'order_id',
      correlationValue: value,
    });
  });

  it('links the payload field of trades in GCS and Firestore', async () => {
    const [logs] = await frames({
      refId: 'A',
      queryType: QueryType.Logs,
      source: 'firestore',
      collections: 'gpt_runner_trades',
      limit: 5,
    });
    const orders = field(logs, 'order_id');
    expect(orders?.config.links?.[0]?.internal?.datasourceUid).toBe(ds.uid);
    expect(orders?.values.every((v) => /^ord-/.test(String(v)))).toBe(true);
  });
});

describe('query: related', () => {
  it('answers with the lines of every source, oldest first, and the timeline as a table', async () => {
    const opened = backend.mismatches.firestoreOnly;
    const [lines, timeline] = await frames({
      refId: 'R',
      queryType: QueryType.Related,
      correlationKey: 'order_id',
      correlationValue: opened,
    });
    expect(lines?.meta?.type).toBe(DataFrameType.LogLines);
    const bodies = field(lines, 'body')?.values.map(String) ?? [];
    expect(bodies.some((b) => b.includes(`order submitted ${opened}`))).toBe(true);
    const times = field(lines, 'timestamp')?.values as number[];
    expect(times).toEqual([...times].sort((a, b) => a - b));
    // Only Firestore has the trade: the archive is named as missing, in the notice and the table.
    expect(lines?.meta?.notices?.[0]?.text).toContain('missing from gcs prefix=trades/');
    expect(timeline?.meta?.preferredVisualisationType).toBe('table');
    const statuses = Object.fromEntries(
      (field(timeline, 'where')?.values ?? []).map((where, i) => [where, field(timeline, 'status')?.values[i]])
    );
    expect(statuses['gcs prefix=trades/']).toBe('missing');
    expect(statuses.pods).toBe('seen');
  });

  it('asks nothing until a value is given', async () => {
    await expect(frames({ refId: 'R', queryType: QueryType.Related, correlationKey: 'order_id' })).resolves.toEqual([]);
  });
});

describe('query: reconcile', () => {
  it('renders the trades only in Firestore and the differing fields as one table', async () => {
    const [table] = await frames({ refId: 'C', queryType: QueryType.Reconcile });
    expect(table?.meta?.preferredVisualisationType).toBe('table');
    const kinds = field(table, 'kind')?.values ?? [];
    const orders = field(table, 'order_id')?.values ?? [];
    const row = (kind: string) => kinds.findIndex((k) => k === kind);
    expect(orders[row('only in Firestore')]).toBe(backend.mismatches.firestoreOnly);
    expect(orders[row('differs')]).toBe(backend.mismatches.statusDiffers);
    expect(field(table, 'field')?.values[row('differs')]).toBe('status');
    // The order ids link to the Related view too.
    expect(followLink(field(table, 'order_id')!, backend.mismatches.statusDiffers)?.queries[0]).toMatchObject({
      queryType: QueryType.Related,
      correlationValue: backend.mismatches.statusDiffers,
    });
  });
});

describe('query: logs with dedupe', () => {
  it('shows the trades stored in both stores once, labelled with both origins', async () => {
    const range = timeRange(backend.nowMs - 2 * HOUR, backend.nowMs);
    const target = { refId: 'A', queryType: QueryType.Logs, source: 'all' as const, search: 'AAPL', limit: 5000 };
    const [plain] = await frames(target, range);
    const [deduped] = await frames({ ...target, dedupe: true }, range);
    const labels = (frame?: DataFrame) => (field(frame, 'labels')?.values ?? []) as Array<Record<string, string>>;
    const collapsed = labels(deduped).filter((l) => l.origins === 'gcs,firestore').length;
    expect(collapsed).toBeGreaterThan(0);
    expect(deduped?.length).toBe((plain?.length ?? 0) - collapsed);
  });
});
