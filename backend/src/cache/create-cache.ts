import type { Logger } from 'pino';
import type { Config } from '../config.js';
import type { Cache, CacheOp } from './cache.js';
import { MemoryCache } from './memory-cache.js';
import { RedisCache } from './redis-cache.js';

export interface CreateCacheDeps {
  logger: Logger;
  onError?: (op: CacheOp, error: unknown) => void;
}

/** The cache `CACHE_BACKEND` names: in-process by default, Redis when replicas should share it. */
export function createCache(config: Config, { logger, onError }: CreateCacheDeps): Cache {
  const { redis, maxEntries } = config.cache;
  if (config.cache.backend !== 'redis' || !redis) return new MemoryCache({ maxEntries });
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
