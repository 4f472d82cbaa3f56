import {
  DataFrame,
  DataFrameType,
  DataQueryResponse,
  FieldType,
  LogRowContextQueryDirection,
  LogRowModel,
} from '@grafana/data';
import { firstValueFrom, lastValueFrom, toArray } from 'rxjs';

import { DataSource } from './datasource';
import { FakeBackend, VALID_TOKEN, VIEWER_TOKEN, problem, startFakeBackend } from './__tests__/support/fakeBackend';
import { RANGE_FROM, RANGE_TO, connectDataSource, queryRequest } from './__tests__/support/instance';
import { QueryType, UnifiedLogsQuery } from './types';

let backend: FakeBackend;

beforeAll(async () => {
  backend = await startFakeBackend();
});

afterAll(async () => {
  await backend.close();
});

beforeEach(() => backend.reset());

async function run(ds: DataSource, targets: UnifiedLogsQuery[], overrides = {}): Promise<DataQueryResponse[]> {
  return lastValueFrom(ds.query(queryRequest(targets, overrides)).pipe(toArray()));
}

async function runOne(ds: DataSource, target: UnifiedLogsQuery, overrides = {}): Promise<DataQueryResponse> {
  return firstValueFrom(ds.query(queryRequest([target], overrides)));
}

const field = (frame: DataFrame | undefined, name: string) => frame?.fields.find((f) => f.name === name);
const lastRequest = () => backend.requests[backend.requests.length - 1]!;

describe('query: logs', () => {
  it('turns /logs entries into a log-lines frame through the proxy route with the token', async () => {
    const ds = connectDataSource(backend.url, { token: VALID_TOKEN });
    const response = await runOne(ds, { refId: 'A', queryType: QueryType.Logs, search: 'order (rejected', limit: 50 });

    expect(response.errors).toBeUndefined();
    const frame = response.data[0] as DataFrame;
    expect(frame.meta?.type).toBe(DataFrameType.LogLines);
    expect(frame.meta?.preferredVisualisationType).toBe('logs');
    expect(frame.meta?.searchWords).toEqual(['order \\(rejected']);
    expect(frame.fields.map((f) => [f.name, f.type])).toEqual([
      ['timestamp', FieldType.time],
      ['body', FieldType.string],
      ['severity', FieldType.string],
      ['id', FieldType.string],
      ['labels', FieldType.other],
    ]);
    expect(field(frame, 'timestamp')?.values[0]).toBe(Date.parse('2026-11-29T07:01:13.123Z'));
    expect(field(frame, 'timestamp')?.nanos?.[0]).toBe(456789);
    expect(field(frame, 'body')?.values[1]).toBe('trade filled BUY 0.01 BTCUSDT @ 97012.5');
    expect(field(frame, 'severity')?.values).toEqual(['error', 'info', 'emerg']);
    expect(field(frame, 'id')?.values[2]).toBe('gcs:trades/2026-11-29.jsonl#17');
    expect(field(frame, 'labels')?.values[0]).toEqual({
      source: 'pods',
      namespace: 'trading',
      pod: 'gpt-runner-pod-7c9f',
      container: 'runner',
      symbol: 'BTCUSDT',
    });

    const request = lastRequest();
    expect(request.path).toBe('/logs');
    expect(request.headers.authorization).toBe(`Bearer ${VALID_TOKEN}`);
    expect(request.query.get('from')).toBe(String(Date.parse(RANGE_FROM)));
    expect(request.query.get('to')).toBe(String(Date.parse(RANGE_TO)));
    expect(request.query.get('search')).toBe('order (rejected');
    expect(request.query.get('limit')).toBe('50');
    expect(request.query.has('source')).toBe(false);
  });

  it('shows backend warnings and partial results as notices', async () => {
    const ds = connectDataSource(backend.url, { token: VALID_TOKEN });
    const frame = (await runOne(ds, { refId: 'A' })).data[0] as DataFrame;
    expect(frame.meta?.notices).toEqual([
      { severity: 'warning', text: 'gcs: object trades/2026-11-28.jsonl.gz could not be read: timeout after 5000 ms' },
    ]);
    expect(frame.meta?.custom?.nextCursor).toBe('eyJwb3MiOnt9fQ.sig');
  });

  it('sends every filter of a pods query in the contract form', async () => {
    const ds = connectDataSource(backend.url, { token: VALID_TOKEN });
    await runOne(ds, {
      refId: 'A',
      source: 'pods',
      severities: ['ERROR', 'WARNING'],
      search: 'margin.*',
      regex: true,
      labels: [
        { name: 'symbol', op: '=', value: 'BTCUSDT' },
        { name: 'side', op: '!~', value: 'SELL|HOLD' },
        { name: '', op: '=', value: 'ignored' },
      ],
      namespace: 'trading',
      selector: 'app=trader',
      pods: 'p1,p2',
      container: 'runner',
      previous: true,
      bucket: 'not-sent-for-pods',
    });
    const q = lastRequest().query;
    expect(q.get('source')).toBe('pods');
    expect(q.get('severity')).toBe('WARNING,ERROR');
    expect(q.get('search')).toBe('margin.*');
    expect(q.get('regex')).toBe('true');
    expect(q.getAll('label')).toEqual(['symbol=BTCUSDT', 'side!~SELL|HOLD']);
    expect(q.get('namespace')).toBe('trading');
    expect(q.get('selector')).toBe('app=trader');
    expect(q.get('pod')).toBe('p1,p2');
    expect(q.get('container')).toBe('runner');
    expect(q.get('previous')).toBe('true');
    expect(q.has('bucket')).toBe(false);
  });

  it('sends GCS and Firestore selectors only for their source', async () => {
    const ds = connectDataSource(backend.url, { token: VALID_TOKEN });
    await runOne(ds, { refId: 'A', source: 'gcs', bucket: 'gpt-runner-logs', prefixes: 'trades/,reflections/' });
    expect(lastRequest().query.get('bucket')).toBe('gpt-runner-logs');
    expect(lastRequest().query.get('prefix')).toBe('trades/,reflections/');

    await runOne(ds, { refId: 'A', source: 'firestore', collections: 'gpt_runner_trades', prefixes: 'x/' });
    expect(lastRequest().query.get('source')).toBe('firestore');
    expect(lastRequest().query.get('collection')).toBe('gpt_runner_trades');
    expect(lastRequest().query.has('prefix')).toBe(false);
  });

  it('interpolates template variables, multi-value included', async () => {
    const ds = connectDataSource(backend.url, {
      token: VALID_TOKEN,
      variables: { ns: 'trading', pod: ['p1', 'p2'], sev: ['ERROR', 'CRITICAL'], sym: ['BTC', 'ETH'], limit: '25' },
    });
    await runOne(ds, {
      refId: 'A',
      source: 'pods',
      namespace: '$ns',
      pods: '$pod',
      severities: ['$sev'],
      labels: [{ name: 'symbol', op: '=~', value: '$sym' }],
      search: 'in $ns',
      limit: '$limit',
    });
    const q = lastRequest().query;
    expect(q.get('namespace')).toBe('trading');
    expect(q.get('pod')).toBe('p1,p2');
    expect(q.get('severity')).toBe('ERROR,CRITICAL');
    expect(q.getAll('label')).toEqual(['symbol=~(BTC|ETH)']);
    expect(q.get('search')).toBe('in trading');
    expect(q.get('limit')).toBe('25');
  });

  it('clamps the limit to the backend maximum', async () => {
    const ds = connectDataSource(backend.url, { token: VALID_TOKEN });
    await runOne(ds, { refId: 'A', limit: 100000 });
    expect(lastRequest().query.get('limit')).toBe('5000');
  });

  it('skips hidden queries and answers each query under its own key', async () => {
    const ds = connectDataSource(backend.url, { token: VALID_TOKEN });
    const responses = await run(ds, [
      { refId: 'A' },
      { refId: 'B', hide: true },
      { refId: 'C', queryType: QueryType.Patterns },
    ]);
    expect(responses.map((r) => r.key).sort()).toEqual(['A', 'C']);
  });
});

describe('query: volume, patterns, summary', () => {
  it('gives one series per severity on the panel interval, zero-filled', async () => {
    const ds = connectDataSource(backend.url, { token: VALID_TOKEN });
    const response = await runOne(ds, { refId: 'V', queryType: QueryType.Volume }, { intervalMs: 60_000 });

    expect(lastRequest().path).toBe('/logs/volume');
    expect(lastRequest().query.get('step')).toBe('60000');
    const frames = response.data as DataFrame[];
    expect(frames.map((f) => f.name)).toEqual(['INFO', 'ERROR']);
    const start = Date.parse('2026-11-29T07:00:00Z');
    const minutes = [0, 1, 2, 3, 4].map((m) => start + m * 60_000);
    expect(field(frames[0], 'Time')?.values).toEqual(minutes);
    expect(field(frames[0], 'Value')?.values).toEqual([12, 9, 0, 4, 0]);
    expect(field(frames[1], 'Value')?.values).toEqual([0, 2, 0, 0, 0]);
    expect(field(frames[1], 'Value')?.labels).toEqual({ level: 'error', severity: 'ERROR' });
    expect(frames[1]?.meta?.type).toBe(DataFrameType.TimeSeriesMulti);
  });

  it('gives patterns as a table', async () => {
    const ds = connectDataSource(backend.url, { token: VALID_TOKEN });
    const frame = (await runOne(ds, { refId: 'P', queryType: QueryType.Patterns, source: 'pods' }))
      .data[0] as DataFrame;
    expect(lastRequest().path).toBe('/logs/patterns');
    expect(lastRequest().query.get('source')).toBe('pods');
    expect(frame.meta?.preferredVisualisationType).toBe('table');
    expect(field(frame, 'template')?.values).toEqual([
      'order rejected: insufficient margin for <*>',
      'trade filled <*> <*> <*> @ <*>',
    ]);
    expect(field(frame, 'count')?.values).toEqual([7, 31]);
    expect(field(frame, 'severities')?.values).toEqual(['ERROR 6, WARNING 1', 'INFO 31']);
    expect(field(frame, 'sources')?.values).toEqual(['pods 7', 'firestore 20, gcs 11']);
    expect(field(frame, 'firstSeen')?.type).toBe(FieldType.time);
    expect(field(frame, 'lastSeen')?.values[0]).toBe(Date.parse('2026-11-29T07:01:13.123Z'));
  });

  it('posts the summary request as JSON with arrays and returns one row', async () => {
    const ds = connectDataSource(backend.url, { token: VALID_TOKEN });
    const response = await runOne(ds, {
      refId: 'S',
      queryType: QueryType.Summary,
      source: 'gcs',
      prefixes: 'trades/,strategies/',
      severities: ['ERROR'],
      labels: [{ name: 'symbol', op: '=', value: 'BTCUSDT' }],
      focus: 'rejections',
      maxEntries: 300,
    });
    const request = lastRequest();
    expect(request.method).toBe('POST');
    expect(request.path).toBe('/logs/summary');
    expect(request.body).toEqual({
      source: ['gcs'],
      from: Date.parse(RANGE_FROM),
      to: Date.parse(RANGE_TO),
      severity: ['ERROR'],
      label: ['symbol=BTCUSDT'],
      prefix: ['trades/', 'strategies/'],
      maxEntries: 300,
      focus: 'rejections',
    });
    const frame = response.data[0] as DataFrame;
    expect(frame.fields.map((f) => f.name)).toEqual([
      'summary',
      'provider',
      'model',
      'promptTokens',
      'completionTokens',
      'digest',
      'cached',
    ]);
    expect(field(frame, 'summary')?.values[0]).toContain('## Last hour');
    expect(field(frame, 'promptTokens')?.values).toEqual([1834]);
    expect(field(frame, 'digest')?.values[0]).toMatchObject({ entries: 38 });
  });
});

describe('query: errors', () => {
  it('turns a problem+json answer into a DataQueryError with the detail', async () => {
    backend.handle('GET /logs', () => problem(400, 'Bad Request', 'regex does not compile: missing )', 'search'));
    const ds = connectDataSource(backend.url, { token: VALID_TOKEN });
    const response = await runOne(ds, { refId: 'A', search: '(', regex: true });
    expect(response.data).toEqual([]);
    expect(response.errors).toEqual([
      {
        refId: 'A',
        status: 400,
        message: 'regex does not compile: missing ) (parameter: search)',
        data: { message: 'Bad Request', error: 'regex does not compile: missing )' },
      },
    ]);
  });

  it('reports 401 and 403 with the backend detail', async () => {
    const anonymous = connectDataSource(backend.url);
    const unauthorized = await runOne(anonymous, { refId: 'A' });
    expect(unauthorized.errors?.[0]).toMatchObject({ status: 401, message: 'missing or unknown bearer token' });

    const viewer = connectDataSource(backend.url, { token: VIEWER_TOKEN });
    const forbidden = await runOne(viewer, { refId: 'S', queryType: QueryType.Summary });
    expect(forbidden.errors?.[0]).toMatchObject({ status: 403, message: 'role viewer may not request summaries' });
  });

  it('keeps other queries when one fails', async () => {
    backend.handle('GET /logs/patterns', () => problem(503, 'Service Unavailable', 'pattern miner is warming up'));
    const ds = connectDataSource(backend.url, { token: VALID_TOKEN });
    const responses = await run(ds, [{ refId: 'A' }, { refId: 'P', queryType: QueryType.Patterns }]);
    const byKey = Object.fromEntries(responses.map((r) => [r.key, r]));
    expect(byKey.A?.data).toHaveLength(1);
    expect(byKey.P?.errors?.[0]?.message).toBe('pattern miner is warming up');
  });

  it('says so when the backend cannot be reached', async () => {
    const ds = connectDataSource('http://127.0.0.1:9', { token: VALID_TOKEN });
    const response = await runOne(ds, { refId: 'A' });
    expect(response.errors?.[0]?.message).toMatch(/cannot be reached/);
  });

  it('gives up after the configured timeout', async () => {
    const slow = await startSlowServer();
    try {
      const ds = connectDataSource(slow.url, { token: VALID_TOKEN, jsonData: { timeout: 0.2 } });
      const response = await runOne(ds, { refId: 'A' });
      expect(response.errors?.[0]?.message).toBe('The Unified Logs backend did not answer within 0.2 s');
    } finally {
      await slow.close();
    }
  });
});

describe('testDatasource', () => {
  it('reports each source and the token role', async () => {
    const ds = connectDataSource(backend.url, { token: VALID_TOKEN });
    const result = await ds.testDatasource();
    expect(result.status).toBe('success');
    expect(result.message).toContain('gcs: up, 41 ms');
    expect(result.message).toContain('pods: up');
    expect(result.message).toContain('role analyst');
    expect(result.message).toContain('may request summaries');
  });

  it('warns while the backend is degraded (503 with a body)', async () => {
    backend.handle('GET /readyz', () => ({
      status: 503,
      body: {
        status: 'degraded',
        sources: { gcs: { up: false, detail: 'permission denied on bucket' }, pods: { up: true, latencyMs: 9 } },
      },
    }));
    const ds = connectDataSource(backend.url, { token: VALID_TOKEN });
    const result = await ds.testDatasource();
    expect(result.status).toBe('warning');
    expect(result.message).toContain('Backend is degraded');
    expect(result.details?.message).toBe('gcs: down (permission denied on bucket); pods: up, 9 ms');
  });

  it('explains a rejected token (401)', async () => {
    const ds = connectDataSource(backend.url, { token: 'wrong' });
    const result = await ds.testDatasource();
    expect(result.status).toBe('error');
    expect(result.message).toMatch(/rejected the API token \(401/);
    expect(result.details?.message).toBe('missing or unknown bearer token');
  });

  it('explains a forbidden token (403)', async () => {
    backend.handle('GET /meta/whoami', () => problem(403, 'Forbidden', 'token disabled by an admin'));
    const ds = connectDataSource(backend.url, { token: VALID_TOKEN });
    const result = await ds.testDatasource();
    expect(result.status).toBe('error');
    expect(result.message).toMatch(/403 Forbidden/);
  });

  it('explains an unreachable backend', async () => {
    const ds = connectDataSource('http://127.0.0.1:9', { token: VALID_TOKEN });
    const result = await ds.testDatasource();
    expect(result.status).toBe('error');
    expect(result.message).toMatch(/Cannot reach the Unified Logs backend/);
  });
});

describe('log row context', () => {
  const row = (direction: LogRowContextQueryDirection) =>
    ({
      rowId: 'pods:gpt-runner-pod-7c9f/runner#1042',
      uid: 'A_0',
      timeEpochNs: '1795935673123456789',
      labels: { source: 'pods', namespace: 'trading' },
      dataFrame: { refId: 'A', fields: [], length: 0 },
      direction,
    }) as unknown as LogRowModel;

  it('asks /logs/context for the same stream around the exact timestamp', async () => {
    const ds = connectDataSource(backend.url, { token: VALID_TOKEN });
    const response = await ds.getLogRowContext(row(LogRowContextQueryDirection.Backward), {
      direction: LogRowContextQueryDirection.Backward,
      limit: 10,
    });
    const q = lastRequest().query;
    expect(lastRequest().path).toBe('/logs/context');
    expect(q.get('source')).toBe('pods');
    expect(q.get('id')).toBe('gpt-runner-pod-7c9f/runner#1042');
    expect(q.get('timestamp')).toBe('2026-11-29T07:01:13.123456789Z');
    expect(q.get('direction')).toBe('backward');
    expect(q.get('limit')).toBe('10');
    const frame = response.data[0] as DataFrame;
    expect(field(frame, 'body')?.values).toEqual(['margin ratio 0.97 close to limit', 'placing order BUY 0.5 BTCUSDT']);
  });

  it('asks forward for newer lines', async () => {
    const ds = connectDataSource(backend.url, { token: VALID_TOKEN });
    await ds.getLogRowContext(row(LogRowContextQueryDirection.Forward), {
      direction: LogRowContextQueryDirection.Forward,
    });
    expect(lastRequest().query.get('direction')).toBe('forward');
    expect(lastRequest().query.get('limit')).toBe('50');
  });
});

describe('variables', () => {
  it('lists values from /meta/<field> with interpolated parameters', async () => {
    const ds = connectDataSource(backend.url, { token: VALID_TOKEN, variables: { ns: 'trading' } });
    const values = await ds.metricFindQuery('containers namespace=$ns pod=gpt-runner-pod-7c9f');
    expect(values).toEqual([
      { text: 'runner', value: 'runner' },
      { text: 'sidecar', value: 'sidecar' },
    ]);
    expect(lastRequest().path).toBe('/meta/containers');
    expect(lastRequest().query.get('namespace')).toBe('trading');
    expect(lastRequest().query.get('pod')).toBe('gpt-runner-pod-7c9f');
  });

  it.each(['namespaces', 'pods', 'collections', 'prefixes', 'buckets'])('supports %s', async (field) => {
    const ds = connectDataSource(backend.url, { token: VALID_TOKEN });
    const values = await ds.metricFindQuery(field);
    expect(values.length).toBeGreaterThan(0);
    expect(lastRequest().path).toBe(`/meta/${field}`);
  });

  it('returns nothing for an unknown field without calling the backend', async () => {
    const ds = connectDataSource(backend.url, { token: VALID_TOKEN });
    expect(await ds.metricFindQuery('secrets')).toEqual([]);
    expect(backend.requests).toHaveLength(0);
  });
});

async function startSlowServer(): Promise<{ url: string; close: () => Promise<void> }> {
  const http = await import('node:http');
  const server = http.createServer(() => {
    // Never answers: the client's time-out has to end the request.
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${address.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
