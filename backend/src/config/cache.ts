import { z } from 'zod';
import type { CacheSettings } from '../cache/create-cache.js';
import { integer, optionalText } from './env.js';

export const cacheEnv = {
  CACHE_TTL_SECONDS: integer(0, 86_400, 15),
  CACHE_MAX_ENTRIES: integer(1, 1_000_000, 1_000),
  // The shared cache for several replicas; the in-process cache stays the default.
  CACHE_BACKEND: z.enum(['memory', 'redis']).default('memory'),
  REDIS_URL: optionalText.pipe(
    z
      .string()
      .regex(/^rediss?:\/\/[^\s/?#]+(?:[/?]\S*)?$/, 'must be a redis:// or rediss:// URL')
      .optional(),
  ),
  REDIS_KEY_PREFIX: z.string().min(1).max(200).default('gpt-runner-logs:'),
  REDIS_COMMAND_TIMEOUT_MS: integer(10, 60_000, 200),
  REDIS_MAX_VALUE_BYTES: integer(1_024, 512 * 1024 * 1024, 8 * 1024 * 1024),
};

type CacheEnv = z.infer<z.ZodObject<typeof cacheEnv>>;

/** Rules across variables, reported with the variable to fix. */
export function checkCacheEnv(env: CacheEnv, ctx: z.RefinementCtx): void {
  if (env.CACHE_BACKEND === 'redis' && !env.REDIS_URL)
    ctx.addIssue({ code: 'custom', path: ['REDIS_URL'], message: 'is required when CACHE_BACKEND is redis' });
}

export interface CacheConfig extends CacheSettings {
  ttlSeconds: number;
}

export const cacheConfig = (e: CacheEnv): CacheConfig => ({
  backend: e.CACHE_BACKEND,
  ttlSeconds: e.CACHE_TTL_SECONDS,
  maxEntries: e.CACHE_MAX_ENTRIES,
  redis: e.REDIS_URL
    ? {
        url: e.REDIS_URL,
        keyPrefix: e.REDIS_KEY_PREFIX,
        commandTimeoutMs: e.REDIS_COMMAND_TIMEOUT_MS,
        maxValueBytes: e.REDIS_MAX_VALUE_BYTES,
      }
    : undefined,
});
