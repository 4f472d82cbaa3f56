import {
  DataFrame,
  DataFrameType,
  findHighlightChunksInText,
  DataQueryResponse,
  FieldType,
  LogRowContextQueryDirection,
  SupplementaryQueryType,
  getFieldDisplayValuesProxy,
  mapInternalLinkToExplore,
} from '@grafana/data';
import { TableCellDisplayMode } from '@grafana/schema';
import { MAX_LIMIT, SEVERITIES, SOURCE_NAMES } from '@gpt-runner-logs/contract';
import { lastValueFrom, toArray } from 'rxjs';

import { DataSource } from './datasource';
import { connectDataSource, queryRequest, timeRange } from './__tests__/support/instance';
import {
  MINUTE,
  NANOS_PER_MS,
  epochNanos,
  field,
  labelsOf,
  lastHourSuite,
  rowAt,
  values,
} from './__tests__/support/realSuite';
import { QueryType, UnifiedLogsQuery } from './types';

/**
 * The data source against the real backend, started over in-memory demo data: a day of
 * trades, reflections and pod logs ending at `backend.nowMs`, with an error burst (the
 * broker answering 503) in its last hour.
 */
const { backend, lastHour, runOne, frameOf } = lastHourSuite();
const burst = () => timeRange(backend.burst.fromMs, backend.burst.toMs);

function analyst(variables?: Record<string, string | string[]>): DataSource {
  return connectDataSource(backend.url, { token: backend.tokens.analyst, variables });
}

async function run(ds: DataSource, targets: UnifiedLogsQuery[], overrides = {}): Promise<DataQueryResponse[]> {
  return lastValueFrom(ds.query(queryRequest(targets, { range: lastHour(), ...overrides })).pipe(toArray()));
}

const sum = (numbers: number[]) => numbers.reduce((total, n) => total + n, 0);
const countBy = (items: string[]) =>
  items.reduce<Record<string, number>>((counts, item) => ({ ...counts, [item]: (counts[item] ?? 0) + 1 }), {});

describe('query: logs', () => {
  it('returns a log-lines frame, newest first, with levels and labels from the demo data', async () => {
    const frame = await frameOf(analyst(), { refId: 'A', queryType: QueryType.Logs, limit: 300 });

    expect(frame.meta?.type).toBe(DataFrameType.LogLines);
    expect(frame.meta?.preferredVisualisationType).toBe('logs');
    expect(frame.fields.slice(0, 5).map((f) => [f.name, f.type])).toEqual([
      ['timestamp', FieldType.time],
      ['body', FieldType.string],
      ['severity', FieldType.string],
      ['id', FieldType.string],
      ['labels', FieldType.other],
    ]);
    // The records' own fields follow, for log details: a trade's order id, quantity and price.
    const extra = frame.fields.slice(5);
    extra.forEach((f) => expect(f.type).toBe(FieldType.string));
    expect(extra.map((f) => f.name)).toEqual(expect.arrayContaining(['order_id', 'qty', 'price']));
    expect(frame.length).toBe(300);
    const times = epochNanos(frame);
    times.slice(1).forEach((time, i) => expect(time <= times[i]!).toBe(true));
    expect(Number(times[0]! / NANOS_PER_MS)).toBeLessThanOrEqual(backend.nowMs);
    expect(Number(times[times.length - 1]! / NANOS_PER_MS)).toBeGreaterThanOrEqual(backend.nowMs - 60 * MINUTE);

    expect(new Set(values(frame, 'severity'))).toContain('info');
    values<string>(frame, 'severity').forEach((level) =>
      expect(['default', 'debug', 'info', 'warning', 'error']).toContain(level)
    );
    const labels = labelsOf(frame);
    expect(new Set(labels.map((l) => l.source))).toEqual(new Set(SOURCE_NAMES));
    const pods = labels.filter((l) => l.source === 'pods');
    pods.forEach((l) => expect(l).toMatchObject({ namespace: 'gpt-runner', pod: expect.any(String) }));
    values<string>(frame, 'id').forEach((id, i) => expect(id.startsWith(`${labels[i]?.source}:`)).toBe(true));
    // More lines than the limit: the backend offers the next page, and nothing went wrong.
    expect(frame.meta?.custom?.nextCursor).toEqual(expect.any(String));
    expect(frame.meta?.notices).toEqual([]);
  });

  it('filters by source and severity: the broker errors of the burst', async () => {
    const frame = await frameOf(analyst(), { refId: 'A', source: 'pods', severities: ['ERROR'] }, { range: burst() });

    expect(frame.length).toBeGreaterThan(5);
    expect(new Set(values(frame, 'severity'))).toEqual(new Set(['error']));
    labelsOf(frame).forEach((l) => expect(l).toMatchObject({ source: 'pods', container: 'trader', app: 'trader' }));
    // The trader's two kinds of failure line: a submission that failed, an order the broker rejected.
    values<string>(frame, 'body').forEach((body) =>
      expect(body).toMatch(/^(order submission failed for [A-Z]+|order rejected ord-[0-9a-f]+): broker returned 503/)
    );
    // Tracebacks are folded into the line they belong to.
    expect(values<string>(frame, 'body').some((body) => body.includes('Traceback (most recent call last)'))).toBe(true);
  });

  it('filters by label and search, and highlights what was searched', async () => {
    const ds = analyst();
    const plain = await frameOf(ds, {
      refId: 'A',
      source: 'firestore',
      search: 'rejected',
      labels: [{ name: 'collection', op: '=', value: 'gpt_runner_trades' }],
    });
    expect(plain.length).toBeGreaterThan(0);
    values<string>(plain, 'body').forEach((body) => expect(body).toContain('rejected'));
    labelsOf(plain).forEach((l) => expect(l).toMatchObject({ collection: 'gpt_runner_trades', status: 'rejected' }));

    const regex = await frameOf(ds, { refId: 'B', source: 'pods', search: 'tick (AAPL|NVDA) ', regex: true });
    expect(regex.length).toBeGreaterThan(0);
    values<string>(regex, 'body').forEach((body) => expect(body).toMatch(/tick (AAPL|NVDA) /));
  });

  it.each([
    ['a substring in another case', { source: 'pods' as const, search: 'TRACEBACK' }],
    ['a regex in another case', { source: 'pods' as const, search: 'TICK (aapl|nvda) ', regex: true }],
  ])("highlights every line the backend matched, %s, with Grafana's own highlighter", async (_name, filter) => {
    const frame = await frameOf(analyst(), { refId: 'A', ...filter });
    expect(frame.length).toBeGreaterThan(0);
    const searchWords = frame.meta?.searchWords ?? [];
    values<string>(frame, 'body').forEach((body) =>
      expect(findHighlightChunksInText({ searchWords, textToHighlight: body }).length).toBeGreaterThan(0)
    );
  });

  it('skips hidden queries and answers each query under its own key', async () => {
    const responses = await run(analyst(), [
      { refId: 'A', limit: 5 },
      { refId: 'B', hide: true },
      { refId: 'C', queryType: QueryType.Patterns, source: 'gcs' },
    ]);
    expect(responses.map((r) => r.key).sort()).toEqual(['A', 'C']);
    responses.forEach((response) => expect(response.errors).toBeUndefined());
  });
});

describe('query: volume', () => {
  it('gives one series per severity whose totals equal the logs count of the same range', async () => {
    const ds = analyst();
    const logsQuery: UnifiedLogsQuery = { refId: 'A', limit: MAX_LIMIT };
    const volumeQuery = ds.getSupplementaryQuery({ type: SupplementaryQueryType.LogsVolume }, logsQuery)!;
    const logs = await frameOf(ds, logsQuery);
    const response = await runOne(ds, volumeQuery, { intervalMs: MINUTE });
    expect(response.errors).toBeUndefined();
    const frames = response.data as DataFrame[];

    // Every line of the hour fits in one page, so the two answers describe the same lines.
    expect(logs.meta?.custom?.nextCursor).toBeNull();
    const levels = countBy(values<string>(logs, 'severity'));
    // One series per severity the lines carry, in the backend's severity order.
    const present = SEVERITIES.filter((s) => (levels[s.toLowerCase()] ?? 0) > 0 || (s === 'EMERGENCY' && levels.emerg));
    expect(frames.map((f) => f.name)).toEqual(present);
    expect(present.length).toBeGreaterThanOrEqual(3);
    for (const frame of frames) {
      const counts = values<number>(frame, 'Value');
      expect(sum(counts)).toBe(levels[(frame.name ?? '').toLowerCase()] ?? 0);
      expect(field(frame, 'Value')?.labels).toEqual({ level: frame.name?.toLowerCase(), severity: frame.name });
      expect(frame.meta?.type).toBe(DataFrameType.TimeSeriesMulti);
    }
    expect(sum(frames.flatMap((f) => values<number>(f, 'Value')))).toBe(logs.length);

    // One shared minute grid across series, so they stack.
    const grid = values<number>(frames[0], 'Time');
    expect(grid.length).toBeGreaterThanOrEqual(60);
    grid.slice(1).forEach((t, i) => expect(t - grid[i]!).toBe(MINUTE));
    frames.forEach((frame) => expect(values(frame, 'Time')).toEqual(grid));
    expect(field(frames[0], 'Time')?.config.interval).toBe(MINUTE);
    // The error burst is where the ERROR series is.
    const errors = values<number>(
      frames.find((f) => f.name === 'ERROR'),
      'Value'
    );
    const peak = grid[errors.indexOf(Math.max(...errors))]!;
    expect(peak).toBeGreaterThanOrEqual(backend.burst.fromMs - MINUTE);
    expect(peak).toBeLessThan(backend.burst.toMs);
  });
});

/** The pods' error patterns: in the demo, the broker's 503s during the burst. */
const ERROR_PATTERNS: UnifiedLogsQuery = {
  refId: 'P',
  queryType: QueryType.Patterns,
  source: 'pods',
  severities: ['ERROR'],
};

describe('query: patterns', () => {
  it('gives a table of templates with counts, most frequent first', async () => {
    const ds = analyst();
    const target = ERROR_PATTERNS;
    const frame = await frameOf(ds, target, { range: burst() });
    const lines = await frameOf(ds, { ...target, queryType: QueryType.Logs, limit: MAX_LIMIT }, { range: burst() });

    expect(frame.meta?.preferredVisualisationType).toBe('table');
    expect(frame.length).toBeGreaterThan(0);
    const counts = values<number>(frame, 'count');
    counts.forEach((count) => expect(count).toBeGreaterThan(0));
    counts.slice(1).forEach((count, i) => expect(count).toBeLessThanOrEqual(counts[i]!));
    expect(sum(counts)).toBe(lines.length);
    values<string>(frame, 'template').forEach((template) =>
      expect(template).toMatch(/^order (submission failed for|rejected) .*broker returned/)
    );
    values<string>(frame, 'severities').forEach((mix, i) => expect(mix).toBe(`ERROR ${counts[i]}`));
    values<string>(frame, 'sources').forEach((mix, i) => expect(mix).toBe(`pods ${counts[i]}`));
    expect(field(frame, 'firstSeen')?.type).toBe(FieldType.time);
    values<number>(frame, 'firstSeen').forEach((first, i) => {
      expect(first).toBeGreaterThanOrEqual(backend.burst.fromMs);
      expect(first).toBeLessThanOrEqual(values<number>(frame, 'lastSeen')[i]!);
    });
    values<string>(frame, 'example').forEach((example) => expect(example).toContain('broker returned 503'));
  });

  it("draws each template's volume as a sparkline cell and gives its variables' spread", async () => {
    const target: UnifiedLogsQuery = { refId: 'P', queryType: QueryType.Patterns, source: 'pods' };
    const frame = await frameOf(analyst(), target);
    const volume = field(frame, 'volume');
    expect(volume?.type).toBe(FieldType.frame);
    expect(volume?.config.custom?.cellOptions?.type).toBe(TableCellDisplayMode.Sparkline);
    const counts = values<number>(frame, 'count');
    values<DataFrame>(frame, 'volume').forEach((series, i) => {
      expect(series.fields.map((f) => f.type)).toEqual([FieldType.time, FieldType.number]);
      expect(sum(series.fields[1]!.values)).toBe(counts[i]);
    });
    const row = values<string>(frame, 'template').indexOf('order submission failed for <*>: broker returned <*>');
    expect(row).toBeGreaterThanOrEqual(0);
    expect(values<string>(frame, 'variables')[row]).toMatch(/^symbol \d+: [A-Z]+ \d+, .*; <\*>2 1: 503 \d+$/);
  });

  it('links a template to its lines: the logs query Explore runs on a click finds exactly them', async () => {
    const ds = analyst();
    const target = ERROR_PATTERNS;
    const frame = await frameOf(ds, target);
    const templates = values<string>(frame, 'template');
    const row = templates.indexOf('order submission failed for <*>: broker returned <*>');
    const templateField = field(frame, 'template')!;
    const link = templateField.config.links?.[0];
    expect(link?.internal?.datasourceUid).toBe('unified-logs');
    expect(field(frame, 'filter')?.config.custom?.hideFrom?.viz).toBe(true);
    // As Grafana interpolates a data link: `${__data.fields.…}` read from the clicked row.
    const fields = getFieldDisplayValuesProxy({ frame, rowIndex: row });
    const scopedVars = { __data: { value: { fields }, text: 'Data' } };
    const replaceVariables = (text: string) =>
      text.replace(/\$\{__data\.fields\.(\w+)\}/g, (_, name: string) => String(fields[name] ?? ''));
    const explore = mapInternalLinkToExplore({
      link: link!,
      internalLink: link!.internal!,
      scopedVars,
      range: lastHour(),
      field: templateField,
      replaceVariables,
    });
    const query = explore.interpolatedParams?.query as UnifiedLogsQuery;
    expect(query).toMatchObject({ queryType: QueryType.Logs, regex: true, source: 'pods', severities: ['ERROR'] });
    const lines = await frameOf(ds, { ...query, refId: 'L', limit: MAX_LIMIT });
    expect(lines.length).toBe(values<number>(frame, 'count')[row]);
    values<string>(lines, 'body').forEach((body) =>
      expect(body).toMatch(/^order submission failed for [A-Z]+: broker returned 503/)
    );
  });
});

describe('query: summary', () => {
  it('summarizes with the built-in provider when no OpenAI key is configured', async () => {
    const frame = await frameOf(analyst(), { refId: 'S', queryType: QueryType.Summary });

    expect(frame.fields.map((f) => f.name)).toEqual([
      'summary',
      'provider',
      'model',
      'promptTokens',
      'completionTokens',
      'digest',
      'cached',
    ]);
    expect(values(frame, 'provider')).toEqual(['builtin']);
    expect(values(frame, 'model')).toEqual(['builtin-digest']);
    expect(values(frame, 'promptTokens')).toEqual([0]);
    const markdown = values<string>(frame, 'summary')[0] ?? '';
    expect(markdown).toContain('## What happened');
    expect(markdown).toMatch(/\*\*\d+ errors\*\*/);
    expect(markdown).toContain('Error burst');
    expect(markdown).toContain('broker returned');
    const digest = values<{ totals: { errors: number; entries: number } }>(frame, 'digest')[0];
    expect(digest?.totals.errors).toBeGreaterThan(0);
    expect(markdown).toContain(`**${digest?.totals.errors} errors**`);
    // The data source sends where this Grafana is, so the checks are Explore links there.
    expect(markdown).toContain(`](${window.location.origin}/explore?schemaVersion=1&panes=`);
  });

  it('refuses a viewer token with the backend reason', async () => {
    const viewer = connectDataSource(backend.url, { token: backend.tokens.viewer });
    const response = await runOne(viewer, { refId: 'S', queryType: QueryType.Summary });
    expect(response.data).toEqual([]);
    expect(response.errors?.[0]).toMatchObject({
      refId: 'S',
      status: 403,
      message: 'Summaries need the analyst or admin role; the token "grafana" has the viewer role.',
    });
  });
});

describe('query: errors', () => {
  it('turns an invalid regex into a DataQueryError carrying the backend detail', async () => {
    const response = await runOne(analyst(), { refId: 'A', search: 'order (rejected', regex: true });
    expect(response.data).toEqual([]);
    expect(response.errors).toHaveLength(1);
    const error = response.errors![0]!;
    expect(error).toMatchObject({ refId: 'A', status: 400, data: { message: 'Bad Request' } });
    // The backend's detail already names the parameter; it is not repeated.
    expect(error.message).toMatch(/^search: invalid regular expression \(RE2 syntax\): missing closing \)/);
    expect(error.message).not.toContain('(parameter:');
    expect(error.data?.error).toBe(error.message);
  });

  it('names a bad label matcher', async () => {
    const response = await runOne(analyst(), { refId: 'A', labels: [{ name: 'symbol', op: '=~', value: '[A-' }] });
    expect(response.errors?.[0]).toMatchObject({
      status: 400,
      message: expect.stringMatching(/^label: invalid regular/),
    });
  });

  it('reports a wrong token (401)', async () => {
    const ds = connectDataSource(backend.url, { token: 'not-a-token' });
    const response = await runOne(ds, { refId: 'A' });
    expect(response.errors?.[0]).toMatchObject({ status: 401, message: 'The API token is not valid.' });
  });

  it('reports a token limited to GCS asking for pods (403), and serves it GCS', async () => {
    const ds = connectDataSource(backend.url, { token: backend.tokens.gcsOnly });
    const forbidden = await runOne(ds, { refId: 'A', source: 'pods' });
    expect(forbidden.errors?.[0]).toMatchObject({
      status: 403,
      message: 'The token "gcs-reader" may not read pods; it may read gcs. (parameter: source)',
    });

    const allowed = await frameOf(ds, { refId: 'B', source: 'all', limit: 50 });
    expect(allowed.length).toBeGreaterThan(0);
    expect(new Set(labelsOf(allowed).map((l) => l.source))).toEqual(new Set(['gcs']));
  });

  it('keeps other queries when one fails', async () => {
    const responses = await run(analyst(), [
      { refId: 'A', limit: 10 },
      { refId: 'B', search: '(', regex: true },
    ]);
    const byKey = Object.fromEntries(responses.map((r) => [r.key, r]));
    expect(byKey.A?.data[0]).toHaveProperty('length', 10);
    expect(byKey.A?.errors).toBeUndefined();
    expect(byKey.B?.errors?.[0]?.message).toMatch(/^search: invalid regular expression/);
  });
});

describe('log row context', () => {
  it('reads the lines before and after a row from the same stream', async () => {
    const ds = analyst();
    const frame = await frameOf(
      ds,
      { refId: 'A', source: 'pods', labels: [{ name: 'container', op: '=', value: 'trader' }], limit: 20 },
      { range: burst() }
    );
    const row = rowAt(frame, 10);
    const stream = { pod: row.labels.pod, container: 'trader' };

    const before = (await ds.getLogRowContext(row, { direction: LogRowContextQueryDirection.Backward, limit: 5 }))
      .data[0] as DataFrame;
    expect(before.refId).toBe('context-A-backward');
    expect(before.length).toBe(5);
    labelsOf(before).forEach((l) => expect(l).toMatchObject(stream));
    epochNanos(before).forEach((t) => expect(t < BigInt(row.timeEpochNs)).toBe(true));

    const after = (await ds.getLogRowContext(row, { direction: LogRowContextQueryDirection.Forward, limit: 5 }))
      .data[0] as DataFrame;
    expect(after.length).toBe(5);
    labelsOf(after).forEach((l) => expect(l).toMatchObject(stream));
    epochNanos(after).forEach((t) => expect(t > BigInt(row.timeEpochNs)).toBe(true));
  });
});

describe('variables', () => {
  it('lists the demo namespaces, buckets, prefixes and collections', async () => {
    const ds = analyst();
    const texts = async (query: string) => (await ds.metricFindQuery(query)).map((v) => v.text);
    expect(await texts('namespaces')).toEqual(['gpt-runner']);
    expect(await texts('buckets')).toEqual(['gpt-runner-logs']);
    expect(await texts('prefixes')).toEqual(['reflections/', 'strategies/', 'trades/']);
    expect(await texts('collections')).toEqual(['gpt_runner_reflections', 'gpt_runner_trades']);
  });

  it('narrows pods and containers with interpolated parameters', async () => {
    const ds = analyst({ ns: 'gpt-runner', pod: 'market-data-6f7c9d8b4-tj5vx' });
    const pods = await ds.metricFindQuery('pods namespace=$ns');
    expect(pods.map((v) => v.text)).toEqual([
      'market-data-6f7c9d8b4-tj5vx',
      'reflector-5c4b7d9f6-qq7wn',
      'trader-7d9f8c6b5-m8zrt',
      'trader-7d9f8c6b5-x2kqp',
    ]);
    const containers = await ds.metricFindQuery('containers namespace=$ns pod=$pod');
    expect(containers).toEqual([
      { text: 'feed', value: 'feed' },
      { text: 'metrics-exporter', value: 'metrics-exporter' },
    ]);
    expect(await ds.suggest('containers', { pod: 'reflector-5c4b7d9f6-qq7wn' })).toEqual(['reflector']);
  });
});

describe('testDatasource', () => {
  it('reports each source and the token role', async () => {
    const result = await analyst().testDatasource();
    expect(result.status).toBe('success');
    expect(result.message).toMatch(/^Backend is ready \(gcs: up, \d+ ms; firestore: up, \d+ ms; pods: up, \d+ ms\)/);
    expect(result.message).toContain(
      'Token "ops-analyst" has role analyst, reads gcs, firestore, pods and may request summaries.'
    );
  });

  it('tells a token limited to one source what it may read', async () => {
    const ds = connectDataSource(backend.url, { token: backend.tokens.gcsOnly });
    const result = await ds.testDatasource();
    expect(result.status).toBe('success');
    expect(result.message).toContain('Token "gcs-reader" has role viewer, reads gcs.');
  });

  it('explains a rejected token (401)', async () => {
    const ds = connectDataSource(backend.url, { token: 'not-a-token' });
    const result = await ds.testDatasource();
    expect(result.status).toBe('error');
    expect(result.message).toMatch(/rejected the API token \(401/);
    expect(result.details?.message).toBe('The API token is not valid.');
  });
});
