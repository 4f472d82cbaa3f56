import { Counter, Gauge, type Registry } from 'prom-client';
import type { Cache, CacheOp, CacheStatus } from '../cache/cache.js';

/** The query cache: lookups, failed operations, and whether it answers at all. */
export function cacheMetrics(registry: Registry) {
  let watched: Cache | undefined;

  const cacheRequests = new Counter({
    name: 'log_aggregator_cache_requests_total',
    help: 'Query cache lookups by result: hit, miss, or coalesced into an identical request in flight.',
    labelNames: ['result'] as const,
    registers: [registry],
  });

  const cacheUp = new Gauge({
    name: 'log_aggregator_cache_up',
    help: '1 when the query cache answers (always for the in-process cache), 0 while requests go uncached.',
    registers: [registry],
    // Asked at scrape time, so the gauge is as fresh as the scrape (bounded by the cache's command timeout).
    collect: async () => {
      if (watched) cacheUp.set((await watched.health()).up ? 1 : 0);
    },
  });

  const cacheErrors = new Counter({
    name: 'log_aggregator_cache_errors_total',
    help: 'Failed cache operations by op (get, set, ping, connect); each one was answered from the sources.',
    labelNames: ['op'] as const,
    registers: [registry],
  });

  return {
    cacheRequests,
    cacheUp,
    cacheErrors,
    observeCache: (result: CacheStatus): void => {
      cacheRequests.inc({ result });
    },
    observeCacheError: (op: CacheOp): void => {
      cacheErrors.inc({ op });
    },
    /** The cache whose health `log_aggregator_cache_up` reports. */
    watchCache: (cache: Cache): void => {
      watched = cache;
    },
  };
}

export type CacheMetrics = ReturnType<typeof cacheMetrics>;
