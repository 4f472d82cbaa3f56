import { describe, expect, it } from 'vitest';
import type { Cache } from './cache.js';
import { CachedCalls } from './cached-call.js';
import { MemoryCache } from './memory-cache.js';

describe('CachedCalls', () => {
  it('coalesces identical concurrent calls into one computation', async () => {
    const calls = new CachedCalls(new MemoryCache({ maxEntries: 10 }));
    let computed = 0;
    const compute = async (): Promise<number> => {
      computed += 1;
      await new Promise((resolve) => setTimeout(resolve, 20));
      return 42;
    };
    const results = await Promise.all(Array.from({ length: 5 }, () => calls.run('k', 10, compute)));
    expect(computed).toBe(1);
    expect(results.map((r) => r.value)).toEqual([42, 42, 42, 42, 42]);
    expect(results.map((r) => r.cache).sort()).toEqual([
      'coalesced',
      'coalesced',
      'coalesced',
      'coalesced',
      'miss',
    ]);
    expect((await calls.run('k', 10, compute)).cache).toBe('hit');
    expect(computed).toBe(1);
  });

  it('does not cache values the caller marks uncacheable, nor failures', async () => {
    const calls = new CachedCalls(new MemoryCache({ maxEntries: 10 }));
    let computed = 0;
    const partial = async () => ({ partial: true, n: ++computed });
    await calls.run('p', 10, partial, (v) => !v.partial);
    expect((await calls.run('p', 10, partial, (v) => !v.partial)).cache).toBe('miss');
    await expect(calls.run('f', 10, async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect((await calls.run('f', 10, async () => 1)).cache).toBe('miss');
  });

  it('treats a cache that throws as a miss', async () => {
    const broken: Cache = {
      kind: 'memory',
      get: async () => Promise.reject(new Error('down')),
      set: async () => Promise.reject(new Error('down')),
      health: async () => ({ up: false, detail: 'down' }),
      close: async () => undefined,
    };
    const result = await new CachedCalls(broken).run('k', 10, async () => 'fresh');
    expect(result).toEqual({ value: 'fresh', cache: 'miss' });
  });
});

describe('MemoryCache', () => {
  it('expires entries after their TTL', async () => {
    const cache = new MemoryCache({ maxEntries: 10 });
    await cache.set('a', 1, 1);
    expect(await cache.get('a')).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect(await cache.get('a')).toBeUndefined();
    await cache.close();
  });

  it('stays within its size bound by evicting the oldest entries', async () => {
    const cache = new MemoryCache({ maxEntries: 20 });
    for (let i = 0; i < 100; i++) await cache.set(`k${i}`, i, 60);
    expect(cache.size).toBeLessThanOrEqual(20);
    expect(await cache.get('k99')).toBe(99);
    expect(await cache.get('k0')).toBeUndefined();
    await cache.close();
  });
});
