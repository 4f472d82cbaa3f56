import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { BASE_ENV, problemsOf } from './env.fixture.js';
import { loadConfig } from './index.js';
import { createCache } from '../cache/create-cache.js';

const logger = pino({ level: 'silent' });

describe('cache configuration', () => {
  it('keeps the in-process cache by default', async () => {
    const config = loadConfig(BASE_ENV);
    expect(config.cache.backend).toBe('memory');
    const cache = createCache(config.cache, { logger });
    expect(cache.kind).toBe('memory');
    expect(await cache.health()).toEqual({ up: true, detail: 'in-process' });
    await cache.close();
  });

  it('reads the Redis settings with their defaults', () => {
    const config = loadConfig({
      ...BASE_ENV,
      CACHE_BACKEND: 'redis',
      REDIS_URL: 'rediss://u:p@cache.internal:6380/2',
    });
    expect(config.cache.redis).toEqual({
      url: 'rediss://u:p@cache.internal:6380/2',
      keyPrefix: 'gpt-runner-logs:',
      commandTimeoutMs: 200,
      maxValueBytes: 8 * 1024 * 1024,
    });
  });

  it.each([
    [{ CACHE_BACKEND: 'redis' }, 'REDIS_URL: is required when CACHE_BACKEND is redis'],
    [{ CACHE_BACKEND: 'redis', REDIS_URL: ' ' }, 'REDIS_URL: is required when CACHE_BACKEND is redis'],
    [
      { CACHE_BACKEND: 'redis', REDIS_URL: 'http://cache:6379' },
      'REDIS_URL: must be a redis:// or rediss:// URL',
    ],
    [{ CACHE_BACKEND: 'redis', REDIS_URL: 'redis://' }, 'REDIS_URL: must be a redis:// or rediss:// URL'],
    [{ CACHE_BACKEND: 'memcached' }, 'CACHE_BACKEND'],
    [{ REDIS_COMMAND_TIMEOUT_MS: '0' }, 'REDIS_COMMAND_TIMEOUT_MS'],
    [{ REDIS_KEY_PREFIX: '' }, 'REDIS_KEY_PREFIX'],
  ])('refuses %j', (env, problem) => {
    expect(problemsOf(env).join('\n')).toContain(problem);
  });

  it('creates a Redis cache that starts degraded without a server, never throwing', async () => {
    const config = loadConfig({ ...BASE_ENV, CACHE_BACKEND: 'redis', REDIS_URL: 'redis://127.0.0.1:1' });
    const cache = createCache(config.cache, { logger });
    try {
      expect(cache.kind).toBe('redis');
      expect(await cache.get('k')).toBeUndefined();
      await expect(cache.set('k', 1, 10)).resolves.toBeUndefined();
      expect((await cache.health()).up).toBe(false);
    } finally {
      await cache.close();
    }
  });
});
