import {
  AdHocVariableFilter,
  CustomVariableSupport,
  DataFrame,
  DataQueryResponse,
  Field,
  MetricFindValue,
  ScopedVars,
  VariableSupportType,
  mapInternalLinkToExplore,
} from '@grafana/data';
import { SEVERITIES } from '@gpt-runner-logs/contract';
import { firstValueFrom, lastValueFrom } from 'rxjs';

import { UnifiedLogsAnnotation, annotationEvents } from './annotations/events';
import { DataSource } from './datasource';
import { VALUE_VARIABLE } from './frames/derived';
import { connectDataSource, instanceSettings, queryRequest, timeRange } from './__tests__/support/instance';
import { realBackendForSuite } from './__tests__/support/realBackend';
import { DerivedFieldConfig, QueryType, UnifiedLogsOptions, UnifiedLogsQuery } from './types';
import { UnifiedLogsVariableQuery } from './variables';

/**
 * Labels end to end against the real backend over demo data: ad hoc filters (keys, values,
 * and their application in `query()`), label-values variables through the variable support
 * Grafana calls, derived links followed with Grafana's own `mapInternalLinkToExplore`, and
 * annotations from a logs query.
 */
const backend = realBackendForSuite();

const MINUTE = 60_000;
const lastHours = (hours: number) => timeRange(backend().nowMs - hours * 60 * MINUTE, backend().nowMs);
const burst = () => timeRange(backend().burst.fromMs, backend().burst.toMs);

function connect(
  options: { token?: string; variables?: Record<string, string | string[]>; jsonData?: UnifiedLogsOptions } = {}
) {
  return connectDataSource(backend().url, { token: backend().tokens.analyst, ...options });
}

const texts = (values: MetricFindValue[]) => values.map((v) => v.text);
const field = (frame: DataFrame, name: string): Field | undefined => frame.fields.find((f) => f.name === name);
const labelsOf = (frame: DataFrame): Array<Record<string, string>> => field(frame, 'labels')?.values ?? [];

async function logsFrame(
  ds: DataSource,
  target: Partial<UnifiedLogsQuery>,
  overrides: Parameters<typeof queryRequest>[1] = {}
): Promise<DataFrame> {
  const response = await runLogs(ds, target, overrides);
  expect(response.errors).toBeUndefined();
  return response.data[0] as DataFrame;
}

function runLogs(
  ds: DataSource,
  target: Partial<UnifiedLogsQuery>,
  overrides: Parameters<typeof queryRequest>[1] = {}
): Promise<DataQueryResponse> {
  const query: UnifiedLogsQuery = { refId: 'A', queryType: QueryType.Logs, limit: 2000, ...target };
  return firstValueFrom(ds.query(queryRequest([query], { range: lastHours(2), ...overrides })));
}

describe('ad hoc filters: keys and values', () => {
  it('offers the label names in the time range as keys', async () => {
    const keys = texts(await connect().getTagKeys({ filters: [], timeRange: lastHours(2) }));
    for (const name of ['symbol', 'side', 'strategy', 'order_id', 'pod', 'container', 'source', 'severity']) {
      expect(keys).toContain(name);
    }
    expect(keys).toEqual([...keys].sort());
  });

  it("offers only the token's sources' labels", async () => {
    const ds = connect({ token: backend().tokens.gcsOnly });
    const keys = texts(await ds.getTagKeys({ filters: [], timeRange: lastHours(2) }));
    expect(keys).toContain('object');
    expect(keys).not.toContain('pod');
  });

  it('offers a key’s values, narrowed by the other filters', async () => {
    const ds = connect();
    const symbols = texts(await ds.getTagValues({ key: 'symbol', filters: [], timeRange: lastHours(2) }));
    expect(symbols.length).toBeGreaterThan(1);
    symbols.forEach((s) => expect(s).toMatch(/^[A-Z]+$/));

    const sides = texts(await ds.getTagValues({ key: 'side', filters: [], timeRange: lastHours(2) }));
    expect(sides).toEqual(['buy', 'sell']);
    const podsOfFirestore = await ds.getTagValues({
      key: 'pod',
      filters: [{ key: 'source', operator: '=', value: 'firestore' }],
      timeRange: lastHours(2),
    });
    expect(podsOfFirestore).toEqual([]);
    // The key being edited does not narrow its own values.
    const same = await ds.getTagValues({
      key: 'side',
      filters: [{ key: 'side', operator: '=', value: 'buy' }],
      timeRange: lastHours(2),
    });
    expect(texts(same)).toEqual(['buy', 'sell']);
  });
});

describe('ad hoc filters: applied to every query from request.filters', () => {
  const symbolOfFirstTrade = async (ds: DataSource): Promise<string> => {
    const frame = await logsFrame(ds, { source: 'gcs', labels: [{ name: 'symbol', op: '!=', value: '' }], limit: 1 });
    return labelsOf(frame)[0]!.symbol!;
  };

  it('keeps only the lines with the value (filter for value)', async () => {
    const ds = connect();
    const symbol = await symbolOfFirstTrade(ds);
    const frame = await logsFrame(ds, {}, { filters: [{ key: 'symbol', operator: '=', value: symbol }] });
    expect(frame.length).toBeGreaterThan(0);
    labelsOf(frame).forEach((labels) => expect(labels.symbol).toBe(symbol));
  });

  it('drops the lines with the value (filter out value)', async () => {
    const ds = connect();
    const symbol = await symbolOfFirstTrade(ds);
    const all = await logsFrame(ds, { source: 'firestore' });
    const out = await logsFrame(
      ds,
      { source: 'firestore' },
      { filters: [{ key: 'symbol', operator: '!=', value: symbol }] }
    );
    const carrying = labelsOf(all).filter((labels) => labels.symbol === symbol).length;
    expect(carrying).toBeGreaterThan(0);
    expect(out.length).toBe(all.length - carrying);
    labelsOf(out).forEach((labels) => expect(labels.symbol).not.toBe(symbol));
  });

  it('matches regexes and "one of" lists, ANDed with the query’s own filters', async () => {
    const ds = connect();
    const filters: AdHocVariableFilter[] = [
      { key: 'side', operator: '=|', value: 'buy', values: ['buy', 'sell'] },
      { key: 'strategy', operator: '=~', value: 'momentum.*' },
    ];
    const frame = await logsFrame(ds, { labels: [{ name: 'status', op: '=', value: 'filled' }] }, { filters });
    expect(frame.length).toBeGreaterThan(0);
    for (const labels of labelsOf(frame)) {
      expect(['buy', 'sell']).toContain(labels.side);
      expect(labels.strategy).toMatch(/^momentum/);
      expect(labels.status).toBe('filled');
    }
  });

  it('narrows by source like any label', async () => {
    const frame = await logsFrame(connect(), {}, { filters: [{ key: 'source', operator: '=', value: 'pods' }] });
    expect(frame.length).toBeGreaterThan(0);
    labelsOf(frame).forEach((labels) => expect(labels.source).toBe('pods'));
  });

  it('reports an operator it cannot apply instead of ignoring the filter', async () => {
    const response = await runLogs(connect(), {}, { filters: [{ key: 'qty', operator: '>', value: '10' }] });
    expect(response.data).toEqual([]);
    expect(response.errors?.[0]?.message).toMatch(/qty > 10.*operator/);
  });

  it('adds the filters when queries are interpolated for Explore', () => {
    const [query] = connect().interpolateVariablesInQueries([{ refId: 'A', labels: [] }], {}, [
      { key: 'pod', operator: '!=', value: 'trader-1' },
    ]);
    expect(query?.labels).toEqual([{ name: 'pod', op: '!=', value: 'trader-1' }]);
  });
});

describe('variables: through the variable support Grafana calls', () => {
  const run = async (ds: DataSource, target: UnifiedLogsVariableQuery, scopedVars: ScopedVars = {}) => {
    const support = ds.variables as CustomVariableSupport<DataSource, UnifiedLogsVariableQuery>;
    const request = queryRequest([target as unknown as UnifiedLogsQuery], { range: lastHours(2), scopedVars });
    const response = await lastValueFrom(support.query(request as never));
    return texts(response.data as MetricFindValue[]);
  };

  it('is a custom variable support with its own editor', () => {
    const support = connect().variables as CustomVariableSupport<DataSource>;
    expect(support).toBeInstanceOf(CustomVariableSupport);
    expect(support.getType()).toBe(VariableSupportType.Custom);
    expect(support.editor).toBeDefined();
  });

  it('lists the values of symbol in the time range for $symbol', async () => {
    const ds = connect();
    const symbols = await run(ds, { refId: 'V', type: 'labelValues', label: 'symbol' });
    expect(symbols).toEqual(texts(await ds.getTagValues({ key: 'symbol', filters: [], timeRange: lastHours(2) })));
    symbols.forEach((s) => expect(s).toMatch(/^[A-Z]+$/));
  });

  it('narrows by source and by label filters holding other variables', async () => {
    const ds = connect({ variables: { strategy: 'momentum-v3' } });
    const narrowed = await run(ds, {
      refId: 'V',
      type: 'labelValues',
      label: 'strategy',
      source: 'firestore',
      labels: [{ name: 'strategy', op: '=', value: '$strategy' }],
    });
    expect(narrowed).toEqual(['momentum-v3']);
    expect(await run(ds, { refId: 'V', type: 'labelValues', label: 'pod', source: 'firestore' })).toEqual([]);
  });

  it('lists label names, and the lists the backend keeps', async () => {
    const ds = connect({ variables: { ns: 'gpt-runner' } });
    expect(await run(ds, { refId: 'V', type: 'labelNames' })).toContain('symbol');
    const pods = await run(ds, { refId: 'V', type: 'meta', field: 'pods', scope: { namespace: '$ns' } });
    expect(pods.length).toBeGreaterThan(1);
    pods.forEach((pod) => expect(pod).toMatch(/^[a-z0-9-]+$/));
  });

  it('still reads text queries saved before the editor', async () => {
    const ds = connect();
    expect(texts(await ds.metricFindQuery('label_values(side)', { range: lastHours(2) }))).toEqual(['buy', 'sell']);
    expect(texts(await ds.metricFindQuery('label_names()', { range: lastHours(2) }))).toContain('order_id');
    expect(texts(await ds.metricFindQuery('namespaces'))).toEqual(['gpt-runner']);
  });
});

describe('derived fields: links followed with Grafana’s own link mapping', () => {
  const ORDER_LINK: DerivedFieldConfig = {
    name: 'order_id',
    matcherType: 'payload',
    matcherRegex: 'order_id',
    datasourceUid: instanceSettings().uid,
    urlDisplayLabel: 'All lines of this order',
  };
  const BROKER_LINK: DerivedFieldConfig = {
    name: 'broker status',
    matcherType: 'regex',
    matcherRegex: 'broker returned (\\d+)',
    url: `https://status.example/broker/${VALUE_VARIABLE}`,
  };

  /** What Grafana's template service does with `${__value.raw}` of the clicked value. */
  const replaceVariables = (text: string, scopedVars?: ScopedVars) =>
    text.replace(VALUE_VARIABLE, String((scopedVars?.__value?.value as { raw?: unknown })?.raw ?? ''));

  it('links an order id to every line of the order, in GCS and Firestore', async () => {
    const ds = connect({ jsonData: { derivedFields: [ORDER_LINK] } });
    const frame = await logsFrame(ds, { source: 'firestore', limit: 50 });
    const orders = field(frame, 'order_id')!;
    expect(field(frame, 'order_id')).toBeDefined();
    const row = orders.values.findIndex((v: unknown) => typeof v === 'string' && v.startsWith('ord-'));
    expect(row).toBeGreaterThanOrEqual(0);
    const orderId = orders.values[row] as string;
    // Beside the correlation link the data source adds to order ids, the derived field's own.
    const link = orders.config.links?.find((l) => l.title === 'All lines of this order');
    expect(link?.internal?.datasourceUid).toBe(instanceSettings().uid);

    const model = mapInternalLinkToExplore({
      link: link!,
      internalLink: link!.internal!,
      scopedVars: { __value: { text: 'Raw value', value: { raw: orderId } } },
      field: orders,
      range: lastHours(24),
      replaceVariables,
    });
    // Grafana's Explore URL for the link: the pane's data source and its interpolated query.
    const url = new URL(model.href, 'http://grafana');
    expect(url.pathname).toBe('/explore');
    const pane = JSON.parse(url.searchParams.get('left') ?? '{}') as {
      datasource: string;
      queries: UnifiedLogsQuery[];
    };
    expect(pane.datasource).toBe(instanceSettings().uid);
    const query = pane.queries[0]!;
    expect(query.labels).toEqual([{ name: 'order_id', op: '=', value: orderId }]);

    const found = await logsFrame(ds, query, { range: lastHours(24) });
    const labels = labelsOf(found);
    labels.forEach((l) => expect(l.order_id).toBe(orderId));
    expect(new Set(labels.map((l) => l.source))).toEqual(new Set(['gcs', 'firestore']));
  });

  it('takes a value from the line with a regex and links it to a URL', async () => {
    const ds = connect({ jsonData: { derivedFields: [BROKER_LINK] } });
    const frame = await logsFrame(ds, { source: 'pods', search: 'broker returned' }, { range: burst() });
    const status = field(frame, 'broker status')!;
    expect(status.values.length).toBeGreaterThan(0);
    status.values.forEach((value: unknown) => expect(value).toBe('503'));
    expect(status.config.links?.[0]?.url).toBe(`https://status.example/broker/${VALUE_VARIABLE}`);
  });
});

describe('annotations from a logs query', () => {
  const annotation = (patch: Partial<UnifiedLogsAnnotation> = {}): UnifiedLogsAnnotation => ({
    name: 'Errors',
    enable: true,
    iconColor: 'red',
    target: {
      refId: 'Anno',
      queryType: QueryType.Logs,
      severities: SEVERITIES.slice(SEVERITIES.indexOf('ERROR')),
      limit: 1000,
    },
    ...patch,
  });

  async function eventsOf(ds: DataSource, anno: UnifiedLogsAnnotation) {
    const support = ds.annotations!;
    const query = support.prepareQuery!(anno)!;
    const response = await firstValueFrom(ds.query(queryRequest([query], { range: lastHours(2) })));
    expect(response.errors).toBeUndefined();
    const events = await firstValueFrom(support.processEvents!(anno, response.data as DataFrame[]));
    return { events: events ?? [], lines: (response.data[0] as DataFrame).length };
  }

  it('draws the error burst as one region of its error lines', async () => {
    const { events, lines } = await eventsOf(connect(), annotation());
    expect(lines).toBeGreaterThan(10);
    const overlapping = events.filter(
      (e) => (e.timeEnd ?? e.time ?? 0) >= backend().burst.fromMs && (e.time ?? 0) < backend().burst.toMs
    );
    expect(overlapping).toHaveLength(1);
    const region = overlapping[0]!;
    expect(region.isRegion).toBe(true);
    expect(region.timeEnd! - region.time!).toBeGreaterThan((backend().burst.toMs - backend().burst.fromMs) * 0.8);
    expect(region.tags).toContain('ERROR');
    expect(region.title).toMatch(/^\d+ lines$/);
    expect(events.length).toBeLessThan(lines);

    // A tighter grouping splits the same lines into more, shorter regions.
    const tight = await eventsOf(connect(), annotation({ groupWithinSeconds: 10 }));
    expect(tight.events.length).toBeGreaterThan(events.length);
  });

  it('draws one marker per line when asked, tagged with the chosen labels', async () => {
    const { events, lines } = await eventsOf(connect(), annotation({ groupWithinSeconds: 0, tagLabels: 'symbol' }));
    expect(events).toHaveLength(lines);
    expect(events.every((e) => !e.isRegion && e.tags?.includes(e.title ?? ''))).toBe(true);
    expect(
      events.some((e) => e.tags?.some((tag) => /^[A-Z]{2,5}$/.test(tag) && !SEVERITIES.includes(tag as never)))
    ).toBe(true);
  });

  it('makes annotations only from logs queries', () => {
    const anno = annotation({ target: { refId: 'V', queryType: QueryType.Volume } });
    expect(connect().annotations!.prepareQuery!(anno)).toBeUndefined();
    expect(annotationEvents(anno, [])).toEqual([]);
  });
});
