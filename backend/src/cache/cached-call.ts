import type { Cache, CacheStatus } from './cache.js';

export interface CachedResult<T> {
  value: T;
  cache: CacheStatus;
}

/**
 * Answers from the cache, else runs `compute` once however many identical requests arrive
 * meanwhile: a dashboard refresh fires the same query from several panels at once, and the
 * sources should see it once.
 */
export class CachedCalls {
  private readonly inFlight = new Map<string, Promise<CachedResult<unknown>>>();

  constructor(
    private readonly cache: Cache,
    private readonly onResult?: (status: CacheStatus) => void,
  ) {}

  async run<T>(
    key: string,
    ttlSeconds: number,
    compute: () => Promise<T>,
    cacheable: (value: T) => boolean = () => true,
  ): Promise<CachedResult<T>> {
    const pending = this.inFlight.get(key) as Promise<CachedResult<T>> | undefined;
    if (pending) return this.report({ value: (await pending).value, cache: 'coalesced' });

    // Registered before the cache read, so a request arriving during that read joins this one.
    const call = this.lookupOrCompute(key, ttlSeconds, compute, cacheable);
    this.inFlight.set(key, call);
    try {
      return this.report(await call);
    } finally {
      this.inFlight.delete(key);
    }
  }

  private async lookupOrCompute<T>(
    key: string,
    ttlSeconds: number,
    compute: () => Promise<T>,
    cacheable: (value: T) => boolean,
  ): Promise<CachedResult<T>> {
    const cached = await this.readCache<T>(key);
    if (cached !== undefined) return { value: cached, cache: 'hit' };
    const value = await compute();
    if (ttlSeconds > 0 && cacheable(value)) await this.writeCache(key, value, ttlSeconds);
    return { value, cache: 'miss' };
  }

  /** A cache that cannot store is only a lost chance to save work, never a failed request. */
  private async writeCache<T>(key: string, value: T, ttlSeconds: number): Promise<void> {
    try {
      await this.cache.set(key, value, ttlSeconds);
    } catch {
      // Dropped: the next request computes the value again.
    }
  }

  /** A cache that cannot answer is a miss, never a failed request. */
  private async readCache<T>(key: string): Promise<T | undefined> {
    try {
      return await this.cache.get<T>(key);
    } catch {
      return undefined;
    }
  }

  private report<T>(result: CachedResult<T>): CachedResult<T> {
    this.onResult?.(result.cache);
    return result;
  }
}
