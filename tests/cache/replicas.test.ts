import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LogEntry } from '../../backend/src/model/index.js';
import { TOKENS, startTestBackend, type TestBackend } from '../support/backend.js';
import { waitUntil } from '../support/emulators/process.js';
import { skipBecause } from '../support/emulators/skip.js';
import { redisServerMissing, startRedis, type TestRedis } from '../support/redis.js';

interface Page {
  entries: LogEntry[];
  nextCursor: string | null;
  stats: { cache: string; scanned: number; sources: Record<string, { stats: Record<string, number> }> };
}

interface Readiness {
  status: string;
  cache: { kind: string; up: boolean; detail: string };
}

/** Longest any request may take while Redis fails; far below the sources' own time-outs. */
const REQUEST_BUDGET_MS = 2_000;

const skip = skipBecause(redisServerMissing(), 'two backends sharing a real redis-server');

describe.skipIf(skip)('two replicas sharing Redis', () => {
  let redis: TestRedis;
  let a: TestBackend;
  let b: TestBackend;
  const nowMs = Date.now();
  const iso = (ms: number): string => new Date(ms).toISOString();
  // Absolute times, so both replicas build the same query and therefore the same cache key.
  const window = (hours: number): string => `from=${iso(nowMs - hours * 3_600_000)}&to=${iso(nowMs)}`;

  /** One request that must answer 200 within the budget, whatever Redis does. */
  const page = async (backend: TestBackend, query: string): Promise<Page> => {
    const started = performance.now();
    const response = await backend.get(`/logs?${query}`, TOKENS.viewer);
    const tookMs = performance.now() - started;
    expect(response.status, `${query} on ${backend.url}`).toBe(200);
    expect(tookMs, `${query} on ${backend.url}`).toBeLessThan(REQUEST_BUDGET_MS);
    return (await response.json()) as Page;
  };

  const readiness = (backend: TestBackend) => backend.json<Readiness>('/readyz');

  const cacheUp = async (backend: TestBackend): Promise<boolean> => (await readiness(backend)).body.cache.up;

  beforeAll(async () => {
    redis = await startRedis();
    // Same demo data (same start time), same cursor secret, same Redis: two pods of one Deployment.
    const env = {
      CACHE_BACKEND: 'redis',
      REDIS_URL: redis.url,
      REDIS_KEY_PREFIX: 'replicas-test:',
      CURSOR_SECRET: 's'.repeat(32),
    };
    [a, b] = await Promise.all([startTestBackend({ env, nowMs }), startTestBackend({ env, nowMs })]);
    for (const backend of [a, b])
      await waitUntil(() => cacheUp(backend), { what: `cache of ${backend.url}`, timeoutMs: 5_000 });
  });
  afterAll(async () => {
    await Promise.allSettled([a?.close(), b?.close()]);
    await redis?.close();
  });

  it('answers a page cached by one replica from the other', async () => {
    const query = `${window(6)}&limit=50`;
    const first = await page(a, query);
    const second = await page(b, query);
    expect(first.stats.cache).toBe('miss');
    expect(second.stats.cache).toBe('hit');
    expect(second.entries).toHaveLength(50);
    expect(second.entries).toEqual(first.entries);
  });

  it('follows a cursor from one replica on the other', async () => {
    const query = `${window(6)}&limit=20`;
    const fromA = await page(a, query);
    expect(fromA.nextCursor).not.toBeNull();
    const next = `${query}&cursor=${fromA.nextCursor}`;
    const onB = await page(b, next);
    const onA = await page(a, next);
    expect(onB.entries).toHaveLength(20);
    expect(onA.entries).toEqual(onB.entries);
    expect(onA.stats.cache).toBe('hit');
    const lastOfFirst = fromA.entries.at(-1) as LogEntry;
    expect((onB.entries[0] as LogEntry).timestamp <= lastOfFirst.timestamp).toBe(true);
  });

  it('serves settled segments one replica read to the other, for any filter and window', async () => {
    const segmentKeys = async (): Promise<number> => {
      const client = new Redis(redis.url);
      try {
        return (await client.keys('replicas-test:segment:*')).length;
      } finally {
        client.disconnect();
      }
    };
    // Hours neither replica has read yet, in windows that differ by a second: the page cache
    // cannot answer B, and B has none of these segments in its own memory.
    const span = (startH: number, shiftMs: number) =>
      `from=${iso(nowMs - startH * 3_600_000 + shiftMs)}&to=${iso(nowMs - 7 * 3_600_000 + shiftMs)}`;
    const sum = (p: Page, counter: string) =>
      Object.values(p.stats.sources).reduce((n, s) => n + (s.stats[counter] ?? 0), 0);
    const onA = await page(a, `${span(11, 0)}&limit=40`);
    expect(sum(onA, 'segmentsRead')).toBeGreaterThan(0);
    // Written in the background: wait until they are in Redis.
    await waitUntil(async () => (await segmentKeys()) > 0, { what: 'segments in Redis', timeoutMs: 5_000 });
    const onB = await page(b, `${span(11, 1_000)}&limit=40&minSeverity=WARNING`);
    expect(onB.stats.cache).toBe('miss');
    expect(sum(onB, 'segmentsCached')).toBeGreaterThan(0);
    expect(sum(onB, 'segmentsRead')).toBe(0);
    expect(onB.stats.scanned).toBe(0);
    expect(onB.entries.length).toBeGreaterThan(0);
  });

  it('reports the shared cache as up', async () => {
    const { status, body } = await readiness(a);
    expect(status).toBe(200);
    expect(body.cache).toEqual({ kind: 'redis', up: true, detail: 'connected' });
    expect(await (await a.get('/metrics')).text()).toMatch(/^log_aggregator_cache_up 1$/m);
  });

  it('keeps answering from the sources when Redis stops mid-traffic, and says so', async () => {
    const cached = `${window(6)}&limit=50`;
    // Traffic on both replicas while Redis goes away: not one request may fail or hang.
    let stopped = false;
    const traffic = (async () => {
      const pages: Page[] = [];
      for (let i = 0; !stopped || i < 10; i++) {
        pages.push(await page(i % 2 ? a : b, `${window(1 + (i % 5))}&limit=${10 + i}`));
      }
      return pages;
    })();
    await redis.stop();
    stopped = true;
    expect((await traffic).every((p) => p.entries.length > 0)).toBe(true);

    for (const backend of [a, b]) {
      const again = await page(backend, cached);
      expect(again.stats.cache).toBe('miss');
      expect(again.entries).toHaveLength(50);
      const fresh = await page(backend, `${window(12)}&limit=5&severity=ERROR`);
      expect(fresh.stats.cache).toBe('miss');
      expect(fresh.entries.length).toBeGreaterThan(0);

      const ready = await readiness(backend);
      expect(ready.status).toBe(200);
      expect(ready.body.status).toBe('degraded');
      expect(ready.body.cache).toMatchObject({ kind: 'redis', up: false });
      expect(ready.body.cache.detail).not.toBe('');
      const metrics = await (await backend.get('/metrics')).text();
      expect(metrics).toMatch(/^log_aggregator_cache_up 0$/m);
      expect(metrics).toMatch(/^log_aggregator_cache_errors_total\{op="get"\} [1-9]\d*$/m);
    }
  });

  it('shares the cache again once Redis is back', async () => {
    await redis.restart();
    for (const backend of [a, b])
      await waitUntil(() => cacheUp(backend), { what: `cache of ${backend.url} back`, timeoutMs: 10_000 });
    const query = `${window(3)}&limit=30`;
    expect((await page(b, query)).stats.cache).toBe('miss');
    expect((await page(a, query)).stats.cache).toBe('hit');
    expect(await (await b.get('/metrics')).text()).toMatch(/^log_aggregator_cache_up 1$/m);
  });
});
