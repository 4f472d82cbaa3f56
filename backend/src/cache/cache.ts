/**
 * The one cache contract. Values are JSON-serializable so the same calls work against the
 * in-process cache (one replica) and Redis (several replicas behind one Service).
 */
export interface Cache {
  readonly kind: 'memory' | 'redis';
  get<T>(key: string): Promise<T | undefined>;
  set<T>(key: string, value: T, ttlSeconds: number): Promise<void>;
  close(): Promise<void>;
}

/** How a cached call was answered; reported in response stats and metrics. */
export type CacheStatus = 'hit' | 'miss' | 'coalesced';
