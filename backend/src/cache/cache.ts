/**
 * The one cache contract. Values are JSON-serializable so the same calls work against the
 * in-process cache (one replica) and Redis (several replicas behind one Service).
 */
export interface Cache {
  readonly kind: 'memory' | 'redis';
  get<T>(key: string): Promise<T | undefined>;
  set<T>(key: string, value: T, ttlSeconds: number): Promise<void>;
  /**
   * Whether the cache can answer now. Bounded by the cache's own command timeout and never
   * rejects, so readiness and metrics can ask it on every probe and scrape.
   */
  health(): Promise<CacheHealth>;
  close(): Promise<void>;
}

/** How a cached call was answered; reported in response stats and metrics. */
export type CacheStatus = 'hit' | 'miss' | 'coalesced';

/** `/readyz` shows it as is; `detail` carries the last error while the cache is down. */
export interface CacheHealth {
  up: boolean;
  detail: string;
}

/** The cache operations that can fail, as the errors metric labels them. */
export type CacheOp = 'get' | 'set' | 'ping' | 'connect';
