import type { Logger } from 'pino';
import type { Cache, CacheOp } from './cache.js';
import { MemoryCache } from './memory-cache.js';
import { RedisCache, type RedisCacheOptions } from './redis-cache.js';

/** Where Redis is and how it is used; present when `REDIS_URL` is set. */
export type RedisSettings = Pick<
  RedisCacheOptions,
  'url' | 'keyPrefix' | 'commandTimeoutMs' | 'maxValueBytes'
>;

/** Which cache to build; the configuration's `cache` section has this shape. */
export interface CacheSettings {
  /** `memory` (per process) unless `redis` is configured. */
  backend?: 'memory' | 'redis';
  /** Per process in memory, per key prefix in Redis. */
  maxEntries: number;
  redis?: RedisSettings;
}

export interface CreateCacheDeps {
  logger: Logger;
  onError?: (op: CacheOp, error: unknown) => void;
}

/** The cache `CACHE_BACKEND` names: in-process by default, Redis when replicas should share it. */
export function createCache(settings: CacheSettings, { logger, onError }: CreateCacheDeps): Cache {
  const { redis, maxEntries } = settings;
  if (settings.backend !== 'redis' || !redis) return new MemoryCache({ maxEntries });
  return new RedisCache({
    url: redis.url,
    keyPrefix: redis.keyPrefix,
    commandTimeoutMs: redis.commandTimeoutMs,
    maxValueBytes: redis.maxValueBytes,
    maxEntries,
    onError,
    onStateChange: ({ up, detail }) => {
      // Only transitions are logged: a Redis outage must not write a line per request.
      if (up) logger.info('cache: Redis reachable, serving from the shared cache');
      else logger.warn({ detail }, 'cache: Redis unreachable, answering from the sources uncached');
    },
  });
}
