import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatEpochMs, type LogEntry } from '../../backend/src/model/index.js';
import type { LogSource, SourceRequest } from '../../backend/src/query/log-source.js';
import { MemorySource } from '../../local/demo-data/memory-source.js';
import { TOKENS, startTestBackend, type TestBackend } from '../support/backend.js';

interface Page {
  entries: LogEntry[];
  nextCursor: string | null;
  partial: boolean;
  warnings: { source: string; message: string }[];
  stats: { scanned: number; returned: number; tookMs: number; cache: string };
}

const newestFirst = (entries: LogEntry[]): boolean =>
  entries.every((e, i) => i === 0 || (entries[i - 1] as LogEntry).timestamp >= e.timestamp);

describe('unified listing over demo data', () => {
  let backend: TestBackend;
  beforeAll(async () => {
    backend = await startTestBackend();
  });
  afterAll(() => backend.close());

  it('merges every source newest first', async () => {
    const { status, body } = await backend.json<Page>('/logs?from=now-1d&limit=2000', TOKENS.viewer);
    expect(status).toBe(200);
    expect(body.entries).toHaveLength(2000);
    expect(new Set(body.entries.map((e) => e.source))).toEqual(new Set(['gcs', 'firestore', 'pods']));
    expect(newestFirst(body.entries)).toBe(true);
    expect(body.partial).toBe(false);
    expect(body.stats.returned).toBe(2000);
  });

  it('lists oldest first on request', async () => {
    const { body } = await backend.json<Page>('/logs?from=now-2h&limit=50&direction=forward', TOKENS.viewer);
    const times = body.entries.map((e) => e.timestamp);
    expect(times).toEqual([...times].sort());
  });

  it.each(['from=now-3h&to=now&minSeverity=WARNING', 'from=now-1d&search=rejected'])(
    'walks all pages of %s with cursors to the same set as one large page',
    async (query) => {
      const whole = await backend.json<Page>(`/logs?${query}&limit=5000`, TOKENS.viewer);
      expect(whole.body.nextCursor).toBeNull();
      const walked: string[] = [];
      let cursor: string | null = null;
      do {
        const suffix: string = cursor ? `&cursor=${cursor}` : '';
        const page: { body: Page } = await backend.json<Page>(
          `/logs?${query}&limit=7${suffix}`,
          TOKENS.viewer,
        );
        walked.push(...page.body.entries.map((e) => `${e.source}/${e.id}`));
        cursor = page.body.nextCursor;
      } while (cursor);
      expect(walked.length).toBeGreaterThan(7);
      expect(walked).toEqual(whole.body.entries.map((e) => `${e.source}/${e.id}`));
    },
  );

  it('filters by severity, text and labels together', async () => {
    const { body } = await backend.json<Page>(
      `/logs/pods?from=now-1d&severity=ERROR&search=broker&label=${encodeURIComponent('app=trader')}&limit=100`,
      TOKENS.viewer,
    );
    expect(body.entries.length).toBeGreaterThan(0);
    for (const entry of body.entries) {
      expect(entry.severity).toBe('ERROR');
      expect(entry.message.toLowerCase()).toContain('broker');
      expect(entry.labels.app).toBe('trader');
    }
  });

  it('joins a Python traceback into one entry', async () => {
    const { body } = await backend.json<Page>(
      '/logs/pods?from=now-1d&search=Traceback&limit=1',
      TOKENS.viewer,
    );
    const [entry] = body.entries;
    expect(entry?.message).toMatch(
      /Traceback \(most recent call last\):\n {2}File .*\n[\s\S]*HTTPError: 503/,
    );
  });

  it('answers a repeated query from the cache', async () => {
    // An absolute window (a relative one moves with every request) over the demo's data.
    const path = `/logs?from=${backend.nowMs - 86_400_000}&to=${backend.nowMs}&limit=10&source=firestore`;
    const first = await backend.json<Page>(path, TOKENS.viewer);
    const second = await backend.json<Page>(path, TOKENS.viewer);
    expect(first.body.entries).toHaveLength(10);
    expect(first.body.stats.cache).toBe('miss');
    expect(second.body.stats.cache).toBe('hit');
    expect(second.body.entries).toEqual(first.body.entries);
  });

  it('echoes a request id, or makes one', async () => {
    const echoed = await backend.get('/healthz', undefined, { 'X-Request-Id': 'grafana-query-42' });
    expect(echoed.headers.get('x-request-id')).toBe('grafana-query-42');
    const made = await backend.get('/healthz', undefined, { 'X-Request-Id': 'bad id with spaces' });
    expect(made.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('lists variable values', async () => {
    const namespaces = await backend.json<{ values: string[] }>('/meta/namespaces', TOKENS.viewer);
    expect(namespaces.body.values).toEqual(['gpt-runner']);
    const containers = await backend.json<{ values: string[] }>(
      '/meta/containers?pod=market-data-6f7c9d8b4-tj5vx',
      TOKENS.viewer,
    );
    expect(containers.body.values).toEqual(['feed', 'metrics-exporter']);
    const prefixes = await backend.json<{ values: string[] }>('/meta/prefixes', TOKENS.viewer);
    expect(prefixes.body.values).toEqual(['reflections/', 'strategies/', 'trades/']);
  });

  it('exports request, source and cache metrics', async () => {
    await backend.get('/logs?limit=1', TOKENS.viewer);
    const text = await (await backend.get('/metrics')).text();
    expect(text).toMatch(
      /log_aggregator_http_request_duration_seconds_count\{route="\/logs",method="GET",status="200"\} \d+/,
    );
    expect(text).toMatch(
      /log_aggregator_source_request_duration_seconds_count\{source="pods",outcome="ok"\} \d+/,
    );
    expect(text).toMatch(/log_aggregator_cache_requests_total\{result="hit"\} \d+/);
    expect(text).toMatch(/log_aggregator_entries_returned_total\{source="gcs"\} \d+/);
    expect(text).toContain('process_cpu_seconds_total');
  });
});

/** Sources that misbehave on purpose: one throws, one never answers. */
function brokenSource(name: 'gcs' | 'firestore', mode: 'throw' | 'hang'): LogSource {
  return {
    name,
    query: (request: SourceRequest) =>
      mode === 'throw'
        ? Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:9199'))
        : new Promise((_, reject) =>
            request.signal.addEventListener('abort', () => reject(new Error('aborted'))),
          ),
    listValues: async () => Promise.reject(new Error('connect ECONNREFUSED')),
    health: async () => ({ up: false, detail: 'connect ECONNREFUSED 127.0.0.1:9199' }),
    contextScope: () => undefined,
  };
}

describe('a failing source yields a partial result', () => {
  let backend: TestBackend;
  const nowMs = Date.now();
  const podEntries: LogEntry[] = Array.from({ length: 30 }, (_, i) => ({
    id: `gpt-runner/trader/trader@${i}`,
    timestamp: formatEpochMs(nowMs - i * 1000),
    source: 'pods',
    severity: 'INFO',
    message: `order filled ${i}`,
    labels: { pod: 'trader' },
  }));

  beforeAll(async () => {
    backend = await startTestBackend({
      sources: [
        brokenSource('gcs', 'throw'),
        brokenSource('firestore', 'hang'),
        new MemorySource('pods', podEntries),
      ],
      env: { SOURCE_TIMEOUT_MS: '300' },
    });
  });
  afterAll(() => backend.close());

  it('returns the healthy source’s entries with a warning for each failed one', async () => {
    const started = performance.now();
    const { status, body } = await backend.json<Page>('/logs?from=now-5m&limit=10', TOKENS.viewer);
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(status).toBe(200);
    expect(body.partial).toBe(true);
    expect(body.entries.map((e) => e.message)).toEqual(podEntries.slice(0, 10).map((e) => e.message));
    const bySource = Object.fromEntries(body.warnings.map((w) => [w.source, w.message]));
    expect(bySource.gcs).toMatch(/gcs failed: connect ECONNREFUSED/);
    expect(bySource.firestore).toMatch(/firestore did not answer within 300 ms/);
  });

  it('does not cache a partial page', async () => {
    await backend.json<Page>('/logs?from=now-10m&limit=5', TOKENS.viewer);
    const again = await backend.json<Page>('/logs?from=now-10m&limit=5', TOKENS.viewer);
    expect(again.body.stats.cache).toBe('miss');
  });

  it('reports each source in readiness, and stays ready', async () => {
    const { status, body } = await backend.json<{ status: string; sources: Record<string, { up: boolean }> }>(
      '/readyz',
    );
    expect(status).toBe(200);
    expect(body.status).toBe('degraded');
    expect(body.sources.gcs?.up).toBe(false);
    expect(body.sources.pods?.up).toBe(true);
    const metrics = await (await backend.get('/metrics')).text();
    expect(metrics).toMatch(/log_aggregator_source_up\{source="gcs"\} 0/);
    expect(metrics).toMatch(/log_aggregator_source_errors_total\{source="firestore",kind="timeout"\} \d+/);
  });

  it('lists variables from the sources that answer, with warnings for the rest', async () => {
    const { status, body } = await backend.json<{ values: string[]; warnings: { source: string }[] }>(
      '/meta/pods',
      TOKENS.viewer,
    );
    expect(status).toBe(200);
    expect(body.values).toEqual(['trader']);
    expect(body.warnings.map((w) => w.source).sort()).toEqual(['firestore', 'gcs']);
  });
});

describe('graceful shutdown', () => {
  it('finishes the request in flight, refuses readiness, then closes', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const slow: LogSource = {
      name: 'pods',
      query: async () => {
        await gate;
        return { entries: [], stats: { scanned: 0 }, warnings: [] };
      },
      listValues: async () => undefined,
      health: async () => ({ up: true, detail: 'ok' }),
      contextScope: () => undefined,
    };
    const backend = await startTestBackend({ sources: [slow], env: { SOURCE_TIMEOUT_MS: '10000' } });
    const inFlight = backend.get('/logs', TOKENS.viewer);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const closing = backend.close();
    expect(backend.server.app).toBeDefined();
    const ready = await fetch(`${backend.url}/readyz`).catch(() => undefined);
    // Either the listener is already closed to new connections, or readiness says so.
    if (ready) expect(ready.status).toBe(503);
    release();
    const response = await inFlight;
    expect(response.status).toBe(200);
    await closing;
    await expect(fetch(`${backend.url}/healthz`)).rejects.toThrow();
  });
});
