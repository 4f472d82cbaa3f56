import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { CacheOp } from '../../backend/src/cache/cache.js';
import { RedisCache, type RedisCacheOptions } from '../../backend/src/cache/redis-cache.js';
import { freePort, sleep, waitUntil } from '../support/emulators/process.js';
import { skipBecause } from '../support/emulators/skip.js';
import { redisServerMissing, startRedis, type TestRedis } from '../support/redis.js';

const skip = skipBecause(redisServerMissing(), 'RedisCache against a real redis-server');

/** What a failed or slow Redis may cost one call at most. */
const FAIL_FAST_MS = 500;

async function timed<T>(call: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  const value = await call();
  return { value, ms: performance.now() - started };
}

describe.skipIf(skip)('RedisCache', () => {
  let redis: TestRedis;
  let raw: Redis;
  const opened: RedisCache[] = [];
  let prefixes = 0;

  /** A cache in a namespace of its own unless `keyPrefix` says otherwise. */
  const cache = (options: Partial<RedisCacheOptions> = {}): RedisCache => {
    const created = new RedisCache({
      url: redis.url,
      keyPrefix: `test-${++prefixes}:`,
      commandTimeoutMs: 200,
      maxValueBytes: 1024 * 1024,
      maxEntries: 1_000,
      ...options,
    });
    opened.push(created);
    return created;
  };

  const whenUp = (target: RedisCache, timeoutMs = 5_000): Promise<void> =>
    waitUntil(async () => (await target.health()).up, { what: 'cache up', timeoutMs });

  beforeAll(async () => {
    redis = await startRedis();
    raw = new Redis(redis.url, { lazyConnect: true });
    await raw.connect();
  });
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((c) => c.close()));
  });
  afterAll(async () => {
    raw?.disconnect();
    await redis?.close();
  });

  it('stores JSON with a TTL and lets it expire', async () => {
    const c = cache({ keyPrefix: 'ttl:' });
    await whenUp(c);
    await c.set('a', { n: 1 }, 0.3);
    expect(await c.get('a')).toEqual({ n: 1 });
    expect(await raw.get('ttl:a')).toBe('{"n":1}');
    const pttl = await raw.pttl('ttl:a');
    expect(pttl).toBeGreaterThan(0);
    expect(pttl).toBeLessThanOrEqual(300);
    await sleep(400);
    expect(await c.get('a')).toBeUndefined();
    expect(await c.get('never-set')).toBeUndefined();
  });

  it('keeps namespaces apart', async () => {
    const a = cache({ keyPrefix: 'tenant-a:' });
    const b = cache({ keyPrefix: 'tenant-b:' });
    await Promise.all([whenUp(a), whenUp(b)]);
    await a.set('shared-key', 'from a', 60);
    expect(await b.get('shared-key')).toBeUndefined();
    await b.set('shared-key', 'from b', 60);
    expect(await a.get('shared-key')).toBe('from a');
    expect(await b.get('shared-key')).toBe('from b');
    expect((await raw.keys('tenant-a:*')).sort()).toEqual(['tenant-a:__keys', 'tenant-a:shared-key']);
  });

  it('bounds the number of keys per namespace, across replicas, evicting the oldest', async () => {
    const options = { keyPrefix: 'bounded:', maxEntries: 20 };
    const replicas = [cache(options), cache(options)];
    await Promise.all(replicas.map((r) => whenUp(r)));
    // Two replicas writing concurrently, as two pods behind one Service do.
    for (let i = 0; i < 100; i += 10) {
      await Promise.all(
        Array.from({ length: 10 }, (_, j) => (replicas[j % 2] as RedisCache).set(`k${i + j}`, i + j, 60)),
      );
    }
    const values = (await raw.keys('bounded:k*')).length;
    expect(values).toBeLessThanOrEqual(20);
    expect(values).toBeGreaterThan(0);
    expect(await raw.zcard('bounded:__keys')).toBeLessThanOrEqual(20);
    expect(await replicas[0]?.get('k99')).toBe(99);
    expect(await replicas[1]?.get('k0')).toBeUndefined();
    // The index expires with the keys it tracks, so an abandoned namespace leaves nothing.
    expect(await raw.pttl('bounded:__keys')).toBeGreaterThan(0);
  });

  it('moves a key written again to the newest end', async () => {
    const c = cache({ maxEntries: 3 });
    await whenUp(c);
    for (const key of ['a', 'b', 'c']) await c.set(key, key, 60);
    await c.set('a', 'a2', 60);
    await c.set('d', 'd', 60);
    expect(await c.get('a')).toBe('a2');
    expect(await c.get('b')).toBeUndefined();
  });

  it('does not store values over the byte limit', async () => {
    const c = cache({ keyPrefix: 'sized:', maxValueBytes: 1_024 });
    await whenUp(c);
    await c.set('big', 'x'.repeat(2_000), 60);
    // Multi-byte characters count as bytes, not as characters.
    await c.set('wide', 'é'.repeat(600), 60);
    await c.set('small', 'x'.repeat(500), 60);
    expect(await c.get('big')).toBeUndefined();
    expect(await c.get('wide')).toBeUndefined();
    expect(await c.get('small')).toHaveLength(500);
    expect(await raw.exists('sized:big', 'sized:wide')).toBe(0);
  });

  it('round-trips a page as JSON', async () => {
    const c = cache();
    await whenUp(c);
    const page = {
      entries: [
        {
          id: 'gcs/trades/2026/01/01.jsonl#12',
          source: 'gcs',
          timestamp: '2026-01-01T00:00:00.123456Z',
          severity: 'ERROR',
          message: 'order rejected: “insufficient margin” 🚫\n  at broker.submit',
          labels: { app: 'trader', symbol: 'BTC-USD' },
          payload: { qty: 0.5, nested: { list: [1, null, 'two'] }, ok: false },
        },
      ],
      next: { position: [['gcs', '2026-01-01T00:00:00.123456Z', 12]], remaining: 3 },
      partial: false,
      warnings: [],
      stats: { scanned: 1_000, returned: 1 },
    };
    await c.set('page:abc', page, 60);
    expect(await c.get('page:abc')).toEqual(page);
  });

  it('treats unreadable values as misses and skips values JSON cannot carry', async () => {
    const c = cache({ keyPrefix: 'odd:' });
    await whenUp(c);
    await raw.set('odd:garbled', '{not json', 'PX', 60_000);
    expect(await c.get('garbled')).toBeUndefined();
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    await expect(c.set('cyclic', cyclic, 60)).resolves.toBeUndefined();
    await expect(c.set('bigint', 10n, 60)).resolves.toBeUndefined();
    await c.set('instant', 1, 0.0001);
    expect(await raw.exists('odd:cyclic', 'odd:bigint', 'odd:instant')).toBe(0);
    expect(await c.health()).toEqual({ up: true, detail: 'connected' });
  });

  it('is healthy while connected', async () => {
    const c = cache();
    await whenUp(c);
    expect(await c.health()).toEqual({ up: true, detail: 'connected' });
    expect(c.kind).toBe('redis');
  });
});

describe.skipIf(skip)('RedisCache when Redis fails', () => {
  let redis: TestRedis;
  let target: RedisCache;
  const errors: CacheOp[] = [];
  const changes: boolean[] = [];

  beforeAll(async () => {
    redis = await startRedis();
    target = new RedisCache({
      url: redis.url,
      keyPrefix: 'outage:',
      commandTimeoutMs: 200,
      maxValueBytes: 1024 * 1024,
      maxEntries: 100,
      onError: (op) => errors.push(op),
      onStateChange: ({ up }) => changes.push(up),
    });
    await waitUntil(async () => (await target.health()).up, { what: 'cache up', timeoutMs: 5_000 });
  });
  afterAll(async () => {
    await target?.close();
    await redis?.close();
  });

  it('answers misses fast while the server is gone, and recovers when it is back', async () => {
    await target.set('kept', 'value', 60);
    expect(await target.get('kept')).toBe('value');

    await redis.stop();
    for (let i = 0; i < 5; i++) {
      const read = await timed(() => target.get('kept'));
      const write = await timed(() => target.set(`k${i}`, i, 60));
      expect(read.value).toBeUndefined();
      expect(read.ms).toBeLessThan(FAIL_FAST_MS);
      expect(write.ms).toBeLessThan(FAIL_FAST_MS);
    }
    const health = await timed(() => target.health());
    expect(health.ms).toBeLessThan(FAIL_FAST_MS);
    expect(health.value.up).toBe(false);
    expect(health.value.detail).not.toBe('');
    expect(errors).toEqual(expect.arrayContaining(['get', 'set']));

    await redis.restart();
    // Reconnecting in the background with back-off (2 s at most between attempts).
    await waitUntil(async () => (await target.health()).up, { what: 'cache back up', timeoutMs: 10_000 });
    await target.set('after', 'restart', 60);
    expect(await target.get('after')).toBe('restart');
    // Announced once per change, not once per failed request.
    expect(changes).toEqual([true, false, true]);
  });

  it('gives up on a hung server within the command timeout', async () => {
    await target.set('frozen', 1, 60);
    redis.freeze();
    try {
      const read = await timed(() => target.get('frozen'));
      const write = await timed(() => target.set('frozen', 2, 60));
      const health = await timed(() => target.health());
      expect(read.value).toBeUndefined();
      for (const call of [read, write, health]) expect(call.ms).toBeLessThan(FAIL_FAST_MS);
      expect(health.value).toEqual({ up: false, detail: expect.stringMatching(/timed out/i) });
    } finally {
      redis.thaw();
    }
    await waitUntil(async () => (await target.health()).up, {
      what: 'cache up after thaw',
      timeoutMs: 5_000,
    });
  });

  it('starts without a server and answers misses meanwhile', async () => {
    const port = await freePort();
    const orphan = new RedisCache({
      url: `redis://127.0.0.1:${port}`,
      keyPrefix: 'nobody:',
      commandTimeoutMs: 200,
      maxValueBytes: 1024,
      maxEntries: 10,
    });
    try {
      await sleep(100);
      const read = await timed(() => orphan.get('x'));
      expect(read.value).toBeUndefined();
      expect(read.ms).toBeLessThan(FAIL_FAST_MS);
      await expect(orphan.set('x', 1, 60)).resolves.toBeUndefined();
      expect(await orphan.health()).toEqual({ up: false, detail: expect.stringMatching(/ECONNREFUSED/) });
    } finally {
      await orphan.close();
    }
  });
});

describe('RedisCache state changes', () => {
  it('announces each change once, including being down from the start', async () => {
    const port = await freePort();
    const changes: boolean[] = [];
    const target = new RedisCache({
      url: `redis://127.0.0.1:${port}`,
      keyPrefix: 'announce:',
      commandTimeoutMs: 200,
      maxValueBytes: 1024,
      maxEntries: 10,
      onStateChange: ({ up }) => changes.push(up),
    });
    try {
      await waitUntil(() => changes.length > 0, { what: 'first announcement', timeoutMs: 5_000 });
      await target.get('x');
      expect(changes).toEqual([false]);
    } finally {
      await target.close();
    }
  });
});
