import {
  DataFrame,
  LogRowContextQueryDirection,
  LogRowModel,
  SupplementaryQueryType,
  hasLogsContextSupport,
  hasQueryModificationSupport,
  hasSupplementaryQuerySupport,
  hasToggleableQueryFiltersSupport,
} from '@grafana/data';
import {
  DEFAULT_CONTEXT_LINES,
  DEFAULT_MAX_ENTRIES,
  MAX_CONTEXT_LINES,
  MAX_LIMIT,
  MAX_MAX_ENTRIES,
  MAX_VOLUME_BUCKETS,
  PatternsResponse,
  ReadyResponse,
} from '@gpt-runner-logs/contract';
import { firstValueFrom } from 'rxjs';

import { DataSource } from './datasource';
import {
  FakeBackend,
  VALID_TOKEN,
  VIEWER_TOKEN,
  fixture,
  problem,
  startFakeBackend,
} from './__tests__/support/fakeBackend';
import {
  RANGE_FROM,
  RANGE_TO,
  asGrafanaHoldsIt,
  connectDataSource,
  queryRequest,
  timeRange,
} from './__tests__/support/instance';
import { QueryType, UnifiedLogsQuery } from './types';

/**
 * What the real backend cannot show on demand: the exact requests the plugin sends (the
 * wire contract), and failures such as a degraded source, a revoked token, an unreachable
 * host or a backend that never answers. Frames are tested against the real backend in
 * datasource.test.ts.
 */
let backend: FakeBackend;

beforeAll(async () => {
  backend = await startFakeBackend();
});

afterAll(async () => {
  await backend.close();
});

beforeEach(() => backend.reset());

async function runOne(ds: DataSource, target: UnifiedLogsQuery, overrides = {}) {
  return firstValueFrom(ds.query(queryRequest([target], overrides)));
}

const lastRequest = () => backend.requests[backend.requests.length - 1]!;

describe('query: logs', () => {
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
    await runOne(ds, { refId: 'A', limit: MAX_LIMIT * 20 });
    expect(lastRequest().query.get('limit')).toBe(String(MAX_LIMIT));
  });
});

describe('query: volume', () => {
  it('widens the step so that a long range stays within the backend bucket maximum', async () => {
    const ds = connectDataSource(backend.url, { token: VALID_TOKEN });
    const spanMs = 30 * 86_400_000;
    const range = timeRange(Date.parse(RANGE_TO) - spanMs, Date.parse(RANGE_TO));
    await runOne(ds, { refId: 'V', queryType: QueryType.Volume }, { range, intervalMs: 1000 });
    const step = Number(lastRequest().query.get('step'));
    expect(spanMs / step).toBeLessThanOrEqual(MAX_VOLUME_BUCKETS);
    expect(spanMs / (step - 1)).toBeGreaterThan(MAX_VOLUME_BUCKETS);
  });

  it("keeps the panel's interval when it is wide enough", async () => {
    const ds = connectDataSource(backend.url, { token: VALID_TOKEN });
    await runOne(ds, { refId: 'V', queryType: QueryType.Volume }, { intervalMs: 30_000 });
    expect(lastRequest().query.get('step')).toBe('30000');
  });
});

describe("Explore's logs features, through Grafana's own guards", () => {
  it('passes the query modification, toggleable filter and logs context guards', () => {
    const ds = asGrafanaHoldsIt(connectDataSource(backend.url, { token: VALID_TOKEN }));
    expect(hasQueryModificationSupport(ds)).toBe(true);
    expect(hasToggleableQueryFiltersSupport(ds)).toBe(true);
    expect(hasLogsContextSupport(ds)).toBe(true);
    expect(typeof (ds as unknown as DataSource).getLogRowContextQuery).toBe('function');
    expect(typeof ds.getQueryDisplayText).toBe('function');
  });
});

describe('which token each call carries, through the plugin.json routes', () => {
  const tokens = { viewerToken: VIEWER_TOKEN, analystToken: VALID_TOKEN };

  it('reads with the viewer token', async () => {
    const ds = connectDataSource(backend.url, { tokens, role: 'Viewer' });
    await runOne(ds, { refId: 'A' });
    await runOne(ds, { refId: 'V', queryType: QueryType.Volume });
    await runOne(ds, { refId: 'P', queryType: QueryType.Patterns });
    await ds.metricFindQuery('namespaces');
    expect(backend.requests.map((r) => [r.method, r.path, r.headers.authorization])).toEqual([
      ['GET', '/logs', `Bearer ${VIEWER_TOKEN}`],
      ['GET', '/logs/volume', `Bearer ${VIEWER_TOKEN}`],
      ['GET', '/logs/patterns', `Bearer ${VIEWER_TOKEN}`],
      ['GET', '/meta/namespaces', `Bearer ${VIEWER_TOKEN}`],
    ]);
  });

  it('summarizes with the analyst token, for an Editor', async () => {
    const ds = connectDataSource(backend.url, { tokens, role: 'Editor' });
    const response = await runOne(ds, { refId: 'S', queryType: QueryType.Summary });
    expect(response.errors).toBeUndefined();
    expect(backend.requests.map((r) => [r.method, r.path, r.headers.authorization])).toEqual([
      ['POST', '/logs/summary', `Bearer ${VALID_TOKEN}`],
    ]);
  });

  it("never reaches the backend with a Viewer's summary", async () => {
    const ds = connectDataSource(backend.url, { tokens, role: 'Viewer' });
    const response = await runOne(ds, { refId: 'S', queryType: QueryType.Summary });
    expect(response.errors?.[0]?.status).toBe(403);
    expect(backend.requests).toHaveLength(0);
  });
});

describe("Explore's logs volume, through Grafana's own guard", () => {
  it('passes hasSupplementaryQuerySupport for the volume histogram, not for the logs sample', () => {
    const ds = connectDataSource(backend.url, { token: VALID_TOKEN });
    expect(hasSupplementaryQuerySupport(asGrafanaHoldsIt(ds), SupplementaryQueryType.LogsVolume)).toBe(true);
    expect(hasSupplementaryQuerySupport(asGrafanaHoldsIt(ds), SupplementaryQueryType.LogsSample)).toBe(false);
  });

  it('turns the logs queries of a request into volume queries and leaves the others out', () => {
    const ds = connectDataSource(backend.url, { token: VALID_TOKEN });
    const request = queryRequest([
      { refId: 'A', source: 'pods', search: 'broker' },
      { refId: 'B', queryType: QueryType.Patterns },
      { refId: 'C', hide: true },
    ]);
    const supplementary = ds.getSupplementaryRequest(SupplementaryQueryType.LogsVolume, request);
    expect(supplementary?.targets).toEqual([
      { refId: 'log-volume-A', source: 'pods', search: 'broker', queryType: QueryType.Volume },
    ]);
    expect(supplementary?.range).toBe(request.range);
    expect(ds.getSupplementaryRequest(SupplementaryQueryType.LogsSample, request)).toBeUndefined();
    expect(
      ds.getSupplementaryRequest(
        SupplementaryQueryType.LogsVolume,
        queryRequest([{ refId: 'B', queryType: QueryType.Patterns }])
      )
    ).toBeUndefined();
  });

  it('answers the supplementary request with volume frames under the log-volume refId', async () => {
    const ds = connectDataSource(backend.url, { token: VALID_TOKEN });
    const supplementary = ds.getSupplementaryRequest(
      SupplementaryQueryType.LogsVolume,
      queryRequest([{ refId: 'A', source: 'pods', search: 'broker' }])
    )!;
    const response = await firstValueFrom(ds.query(supplementary));
    expect(lastRequest().path).toBe('/logs/volume');
    expect(lastRequest().query.get('search')).toBe('broker');
    expect(response.data.length).toBeGreaterThan(0);
    expect(response.data.every((frame: DataFrame) => frame.refId === 'log-volume-A')).toBe(true);
  });
});

describe('query: patterns', () => {
  const recorded = fixture<PatternsResponse>('patterns');
  /** The recorded answer with `stats` changed, as the backend reports how its read went. */
  const answerWith = (stats: Partial<PatternsResponse['stats']>): PatternsResponse => ({
    ...recorded,
    stats: { ...recorded.stats, ...stats },
  });
  const patternsFrame = async (target: Partial<UnifiedLogsQuery> = {}) => {
    const ds = connectDataSource(backend.url, { token: VALID_TOKEN });
    const response = await runOne(ds, { refId: 'P', queryType: QueryType.Patterns, ...target });
    expect(response.errors).toBeUndefined();
    return response.data[0] as DataFrame;
  };

  it('shows the warnings of a partial answer, which the backend reports under stats, as notices', async () => {
    backend.handle('GET /logs/patterns', () => ({
      body: answerWith({
        partial: true,
        warnings: [{ source: 'firestore', message: 'deadline exceeded after 8000 ms' }],
      }),
    }));
    const frame = await patternsFrame();
    expect(frame.meta?.notices).toEqual([{ severity: 'warning', text: 'firestore: deadline exceeded after 8000 ms' }]);
    expect(frame.length).toBe(recorded.templates.length);
  });

  it('says the answer is partial when the backend gives no reason', async () => {
    backend.handle('GET /logs/patterns', () => ({ body: answerWith({ partial: true, warnings: [] }) }));
    const frame = await patternsFrame();
    expect(frame.meta?.notices).toEqual([
      { severity: 'warning', text: 'Partial result: at least one source did not answer in full.' },
    ]);
  });

  it('says when only the newest entries were mined', async () => {
    backend.handle('GET /logs/patterns', () => ({
      body: answerWith({ truncated: true, entries: DEFAULT_MAX_ENTRIES }),
    }));
    const frame = await patternsFrame();
    expect(frame.meta?.notices).toEqual([
      {
        severity: 'info',
        text: `Only the newest ${DEFAULT_MAX_ENTRIES.toLocaleString('en-US')} matching entries were mined; raise Max entries (up to ${MAX_MAX_ENTRIES.toLocaleString('en-US')}) to cover the whole range.`,
      },
    ]);
  });

  it('shows no notice for a complete answer', async () => {
    expect((await patternsFrame()).meta?.notices).toEqual([]);
  });

  it('leaves the times of a template empty when the backend sends none', async () => {
    const [first, ...rest] = recorded.templates;
    const { firstSeen: _first, lastSeen: _last, ...untimed } = first!;
    backend.handle('GET /logs/patterns', () => ({ body: { ...recorded, templates: [untimed, ...rest] } }));
    const frame = await patternsFrame();
    const times = (name: string) => frame.fields.find((f) => f.name === name)?.values;
    expect(times('firstSeen')?.[0]).toBeNull();
    expect(times('lastSeen')?.[0]).toBeNull();
    expect(times('lastSeen')?.[1]).toBe(Date.parse(rest[0]!.lastSeen!));
  });

  it.each([
    [undefined, null],
    [300, '300'],
    [MAX_MAX_ENTRIES * 2, String(MAX_MAX_ENTRIES)],
    [0, String(DEFAULT_MAX_ENTRIES)],
  ])('sends maxEntries %p as %p, within the backend bounds', async (maxEntries, sent) => {
    await patternsFrame({ maxEntries });
    expect(lastRequest().path).toBe('/logs/patterns');
    expect(lastRequest().query.get('maxEntries')).toBe(sent);
  });
});

describe('query: summary', () => {
  it('posts the summary request as JSON with arrays', async () => {
    const ds = connectDataSource(backend.url, { token: VALID_TOKEN });
    await runOne(ds, {
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
      // Where this Grafana is (the page's origin and sub-path), for Explore links in the summary.
      grafanaUrl: window.location.origin,
      datasourceUid: 'unified-logs',
    });
  });
});

describe('query: summary maxEntries', () => {
  const sentMaxEntries = async (maxEntries: UnifiedLogsQuery['maxEntries'], variables = {}) => {
    const ds = connectDataSource(backend.url, { token: VALID_TOKEN, variables });
    await runOne(ds, { refId: 'S', queryType: QueryType.Summary, maxEntries });
    return (lastRequest().body as Record<string, unknown>).maxEntries;
  };

  it('allows up to the backend maximum and clamps above it', async () => {
    expect(await sentMaxEntries(MAX_MAX_ENTRIES)).toBe(MAX_MAX_ENTRIES);
    expect(await sentMaxEntries(MAX_MAX_ENTRIES + 1)).toBe(MAX_MAX_ENTRIES);
    expect(await sentMaxEntries('$entries', { entries: String(MAX_MAX_ENTRIES * 10) })).toBe(MAX_MAX_ENTRIES);
  });

  it('falls back to the backend default for an unusable number, and leaves an empty one to the backend', async () => {
    expect(await sentMaxEntries(-3)).toBe(DEFAULT_MAX_ENTRIES);
    expect(await sentMaxEntries(undefined)).toBeUndefined();
  });
});

describe('query: errors', () => {
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

  it('names a cache that is down, which degrades the backend while every source is up', async () => {
    const degraded: ReadyResponse = {
      ...fixture<ReadyResponse>('readyz'),
      status: 'degraded',
      cache: { kind: 'redis', up: false, detail: 'connect ECONNREFUSED 10.0.0.7:6379' },
    };
    backend.handle('GET /readyz', () => ({ body: degraded }));
    const ds = connectDataSource(backend.url, { token: VALID_TOKEN });
    const result = await ds.testDatasource();
    expect(result.status).toBe('warning');
    expect(result.details?.message).toBe(
      'gcs: up, 41 ms; firestore: up, 18 ms; pods: up, 25 ms; cache (redis): down (connect ECONNREFUSED 10.0.0.7:6379)'
    );
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
    await ds.getLogRowContext(row(LogRowContextQueryDirection.Backward), {
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
  });

  it('asks forward for newer lines', async () => {
    const ds = connectDataSource(backend.url, { token: VALID_TOKEN });
    await ds.getLogRowContext(row(LogRowContextQueryDirection.Forward), {
      direction: LogRowContextQueryDirection.Forward,
    });
    expect(lastRequest().query.get('direction')).toBe('forward');
    expect(lastRequest().query.get('limit')).toBe(String(DEFAULT_CONTEXT_LINES));
  });

  it('asks for no more lines than the backend allows', async () => {
    const ds = connectDataSource(backend.url, { token: VALID_TOKEN });
    await ds.getLogRowContext(row(LogRowContextQueryDirection.Backward), {
      direction: LogRowContextQueryDirection.Backward,
      limit: MAX_CONTEXT_LINES * 4,
    });
    expect(lastRequest().query.get('limit')).toBe(String(MAX_CONTEXT_LINES));
  });
});

describe('variables', () => {
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
