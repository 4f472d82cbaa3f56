import NodeCache from 'node-cache';
import type { Cache, CacheHealth } from './cache.js';

export interface MemoryCacheOptions {
  maxEntries: number;
}

/**
 * node-cache with a size bound. node-cache refuses inserts once full instead of evicting,
 * so on a full cache the oldest tenth of the keys (its key order is insertion order) makes
 * room: old query results are the least likely to be asked for again.
 */
export class MemoryCache implements Cache {
  readonly kind = 'memory';
  private readonly store: NodeCache;

  constructor(private readonly options: MemoryCacheOptions) {
    // useClones: false — cached pages are never mutated, and cloning them would cost more than the query.
    this.store = new NodeCache({ maxKeys: options.maxEntries, useClones: false, checkperiod: 60 });
  }

  async get<T>(key: string): Promise<T | undefined> {
    return this.store.get<T>(key);
  }

  async set<T>(key: string, value: T, ttlSeconds: number): Promise<void> {
    if (this.size >= this.options.maxEntries && !this.store.has(key)) this.evictOldest();
    this.store.set(key, value, ttlSeconds);
  }

  async health(): Promise<CacheHealth> {
    return { up: true, detail: 'in-process' };
  }

  get size(): number {
    return this.store.getStats().keys;
  }

  async close(): Promise<void> {
    this.store.close();
  }

  private evictOldest(): void {
    const keys = this.store.keys();
    const count = Math.max(1, Math.ceil(keys.length / 10));
    this.store.del(keys.slice(0, count));
  }
}
