/**
 * Redis lost and back, seen through the HTTP API: the network to it black-holed (every byte
 * held, no error), then its connections cut. Requests must keep answering from the sources,
 * uncached and within the command time-out, `/readyz` must say the cache is down (the pod
 * staying ready), and the cache must be used again once Redis is reachable.
 * (tests/cache/replicas.test.ts stops and restarts the server itself under two replicas.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TOKENS, startTestBackend, type TestBackend } from '../support/backend.js';
import { waitUntil } from '../support/emulators/process.js';
import { skipBecause } from '../support/emulators/skip.js';
import { startFaultProxy, type FaultProxy } from '../support/fault-proxy.js';
import { redisServerMissing, startRedis, type TestRedis } from '../support/redis.js';

const COMMAND_TIMEOUT_MS = 200;
/** A page from memory plus one Redis time-out, with room for a loaded machine. */
const REQUEST_BUDGET_MS = COMMAND_TIMEOUT_MS + 1_500;

interface Readiness {
  status: string;
  cache: { kind: string; up: boolean; detail: string };
}

const skip = skipBecause(redisServerMissing(), 'a backend caching in a real redis-server');

describe.skipIf(skip)('Redis lost and back', () => {
  let redis: TestRedis;
  let proxy: FaultProxy;
  let backend: TestBackend;
  const nowMs = Date.now();
  const iso = (ms: number): string => new Date(ms).toISOString();
  // Absolute windows: a repeated query has the same cache key.
  const query = (hours: number, limit: number): string =>
    `from=${iso(nowMs - hours * 3_600_000)}&to=${iso(nowMs)}&limit=${limit}`;

  const cacheOf = async (path: string): Promise<string> => {
    const started = performance.now();
    const response = await backend.get(`/logs?${path}`, TOKENS.viewer);
    const body = (await response.json()) as { entries: unknown[]; stats: { cache: string } };
    expect(response.status).toBe(200);
    expect(performance.now() - started).toBeLessThan(REQUEST_BUDGET_MS);
    expect(body.entries.length).toBeGreaterThan(0);
    return body.stats.cache;
  };

  const readiness = async (): Promise<Readiness> => {
    const started = performance.now();
    const { status, body } = await backend.json<Readiness>('/readyz');
    expect(status).toBe(200);
    expect(performance.now() - started).toBeLessThan(REQUEST_BUDGET_MS);
    return body;
  };

  const waitForCache = (up: boolean) =>
    waitUntil(async () => (await readiness()).cache.up === up, {
      what: `cache ${up ? 'up' : 'down'}`,
      timeoutMs: 10_000,
    });

  beforeAll(async () => {
    redis = await startRedis();
    proxy = await startFaultProxy({ port: redis.port });
    backend = await startTestBackend({
      nowMs,
      env: {
        CACHE_BACKEND: 'redis',
        REDIS_URL: `redis://${proxy.host}`,
        REDIS_KEY_PREFIX: 'faults-test:',
        REDIS_COMMAND_TIMEOUT_MS: String(COMMAND_TIMEOUT_MS),
      },
    });
    await waitForCache(true);
  });

  afterAll(async () => {
    await backend?.close();
    await proxy?.close();
    await redis?.close();
  });

  it('answers uncached within the command time-out while the network to Redis is black-holed', async () => {
    expect(await cacheOf(query(6, 40))).toBe('miss');
    expect(await cacheOf(query(6, 40))).toBe('hit');

    proxy.pause();
    for (let i = 0; i < 5; i++) expect(await cacheOf(query(6, 40))).toBe('miss');
    expect(await cacheOf(query(2, 10))).toBe('miss');
    const ready = await readiness();
    expect(ready.status).toBe('degraded');
    expect(ready.cache).toEqual({ kind: 'redis', up: false, detail: expect.stringMatching(/timed out/i) });
    expect(await (await backend.get('/metrics')).text()).toMatch(/^log_aggregator_cache_up 0$/m);
  });

  it('uses the cache again once Redis answers', async () => {
    proxy.resume();
    await waitForCache(true);
    expect((await readiness()).status).toBe('ok');
    const fresh = query(3, 25);
    expect(await cacheOf(fresh)).toBe('miss');
    expect(await cacheOf(fresh)).toBe('hit');
  });

  it('answers uncached while its connections are cut and it is gone, and recovers when it returns', async () => {
    await redis.stop();
    proxy.resetAll();
    const gone = query(4, 30);
    for (let i = 0; i < 3; i++) expect(await cacheOf(gone)).toBe('miss');
    await waitForCache(false);
    const down = await readiness();
    expect(down.status).toBe('degraded');
    expect(down.cache.detail).not.toBe('');

    await redis.restart();
    await waitForCache(true);
    expect(await cacheOf(gone)).toBe('miss');
    expect(await cacheOf(gone)).toBe('hit');
    expect(await (await backend.get('/metrics')).text()).toMatch(/^log_aggregator_cache_up 1$/m);
  });
});
