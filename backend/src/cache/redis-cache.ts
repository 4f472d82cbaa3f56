import { Redis } from 'ioredis';
import type { Cache, CacheHealth, CacheOp } from './cache.js';

export interface RedisCacheOptions {
  /** `redis://` or `rediss://` (TLS), with credentials and database number if any. */
  url: string;
  /** Every key this cache writes starts with it, so several deployments can share one Redis. */
  keyPrefix: string;
  /** Longest wait for one command; a slower Redis counts as down for that request. */
  commandTimeoutMs: number;
  /** Larger values (as JSON, in bytes) are not stored. */
  maxValueBytes: number;
  /** Most keys the namespace holds; writes beyond it evict the oldest keys. */
  maxEntries: number;
  /** Every failed command or connection attempt, for the errors metric. */
  onError?: (op: CacheOp, error: unknown) => void;
  /** Each change between up and down, for the logs. */
  onStateChange?: (health: CacheHealth) => void;
}

/**
 * The size bound, applied in one atomic script so that replicas writing at the same time
 * agree on it.
 *
 * Why a key-count bound kept by the application rather than Redis's `maxmemory` alone: the
 * eviction policy is a server-wide setting this service usually does not own (a shared
 * Memorystore instance), a self-hosted Redis defaults to `noeviction` (writes then fail with
 * OOM), and an LRU over the whole server evicts other tenants' keys to make room for ours.
 * The namespace's own bound behaves the same on any server, mirrors `CACHE_MAX_ENTRIES` of
 * the in-process cache, and together with the per-value byte limit caps this service's
 * footprint at CACHE_MAX_ENTRIES × REDIS_MAX_VALUE_BYTES. Every key also carries a TTL, so
 * `maxmemory` with `volatile-lru` remains a sound backstop where operators configure it.
 *
 * The index is a sorted set of key → insertion time (Redis's clock, so replicas' clocks do
 * not matter, in microseconds so writes within one millisecond still order). Writing a key
 * again moves it to the newest end; trimming removes the oldest, which are also the likeliest
 * to have expired already. Expired members linger until trimmed, which only makes the bound
 * stricter. The index expires with the longest-lived key written, so an abandoned namespace
 * leaves nothing behind.
 *
 * The script touches keys it computes (the evicted ones), which Redis Cluster forbids: use a
 * single Redis or a primary with replicas, as Memorystore Basic and Standard provide.
 */
const SET_SCRIPT = `
local ttl = tonumber(ARGV[2])
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000000 + tonumber(time[2])
redis.call('SET', KEYS[1], ARGV[1], 'PX', ttl)
redis.call('ZADD', KEYS[2], now, KEYS[1])
local excess = redis.call('ZCARD', KEYS[2]) - tonumber(ARGV[3])
local evicted = 0
while excess > 0 do
  local batch = math.min(excess, 500)
  redis.call('DEL', unpack(redis.call('ZRANGE', KEYS[2], 0, batch - 1)))
  redis.call('ZREMRANGEBYRANK', KEYS[2], 0, batch - 1)
  excess = excess - batch
  evicted = evicted + batch
end
if redis.call('PTTL', KEYS[2]) < ttl then redis.call('PEXPIRE', KEYS[2], ttl) end
return evicted
`;

type ScriptedRedis = Redis & {
  cacheSet(key: string, index: string, json: string, ttlMs: number, maxEntries: number): Promise<number>;
};

/** Reconnect back-off: doubling from 100 ms to 2 s, jittered so replicas do not reconnect in step. */
export function reconnectDelayMs(attempt: number): number {
  const base = Math.min(2_000, 50 * 2 ** Math.max(1, attempt));
  return Math.round(base * (0.5 + Math.random() / 2));
}

/**
 * How this service's Redis clients behave while Redis is away: they never make a request wait.
 * Commands fail at once instead of queueing while disconnected (the sources answer meanwhile);
 * a replayed write after a reconnect would be stale, so it is dropped; a black-holed connect
 * attempt is abandoned after 2 s and retried with back-off.
 */
export const FAIL_FAST_REDIS = {
  enableOfflineQueue: false,
  maxRetriesPerRequest: 0,
  autoResendUnfulfilledCommands: false,
  connectTimeout: 2_000,
  retryStrategy: reconnectDelayMs,
} as const;

/**
 * The shared cache for several replicas. Redis being down, slow or full never fails a
 * request: reads answer as misses and writes are dropped, each within the command timeout,
 * and the state shows in `/readyz` and the metrics while the client reconnects in the
 * background.
 */
export class RedisCache implements Cache {
  readonly kind = 'redis';
  private readonly redis: ScriptedRedis;
  private readonly indexKey: string;
  private state: CacheHealth = { up: false, detail: 'connecting' };
  /** The state last announced; unset at start, so the first outcome (up or down) is announced too. */
  private announced?: boolean;
  private closed = false;

  constructor(private readonly options: RedisCacheOptions) {
    this.indexKey = `${options.keyPrefix}__keys`;
    this.redis = new Redis(options.url, {
      ...FAIL_FAST_REDIS,
      commandTimeout: options.commandTimeoutMs,
      connectionName: 'gpt-runner-logs',
    }) as ScriptedRedis;
    this.redis.defineCommand('cacheSet', { numberOfKeys: 2, lua: SET_SCRIPT });
    this.watchConnection();
  }

  async get<T>(key: string): Promise<T | undefined> {
    let json: string | null;
    try {
      json = await this.redis.get(this.options.keyPrefix + key);
      this.markUp();
    } catch (error) {
      this.failed('get', error);
      return undefined;
    }
    return json === null ? undefined : this.parse<T>(json);
  }

  async set<T>(key: string, value: T, ttlSeconds: number): Promise<void> {
    const ttlMs = Math.round(ttlSeconds * 1000);
    const json = ttlMs > 0 ? this.serialize(value) : undefined;
    // Oversized values are left out: one huge page must not push many small ones out.
    if (json === undefined || Buffer.byteLength(json, 'utf8') > this.options.maxValueBytes) return;
    try {
      await this.redis.cacheSet(
        this.options.keyPrefix + key,
        this.indexKey,
        json,
        ttlMs,
        this.options.maxEntries,
      );
      this.markUp();
    } catch (error) {
      this.failed('set', error);
    }
  }

  /** A PING while connected (so a hung server shows); the last known state otherwise. */
  async health(): Promise<CacheHealth> {
    if (this.redis.status !== 'ready') return { ...this.state };
    try {
      await this.redis.ping();
      this.markUp();
    } catch (error) {
      this.failed('ping', error);
    }
    return { ...this.state };
  }

  async close(): Promise<void> {
    this.closed = true;
    try {
      if (this.redis.status === 'ready') await this.redis.quit();
    } catch {
      // Closing anyway.
    } finally {
      this.redis.disconnect();
      this.state = { up: false, detail: 'closed' };
    }
  }

  /** A value that does not parse (written by another version, say) is a miss; Redis itself is fine. */
  private parse<T>(json: string): T | undefined {
    try {
      return JSON.parse(json) as T;
    } catch (error) {
      this.options.onError?.('get', error);
      return undefined;
    }
  }

  /** Undefined for what JSON cannot carry (undefined, cycles, BigInt): such values are not cached. */
  private serialize(value: unknown): string | undefined {
    try {
      return JSON.stringify(value) as string | undefined;
    } catch (error) {
      this.options.onError?.('set', error);
      return undefined;
    }
  }

  private watchConnection(): void {
    this.redis.on('ready', () => this.markUp());
    // Every failed connection attempt lands here; without a listener ioredis prints them.
    this.redis.on('error', (error: unknown) => {
      this.options.onError?.('connect', error);
      this.markDown(describe(error));
    });
    this.redis.on('close', () => {
      if (!this.closed) this.markDown(this.state.up ? 'connection closed' : this.state.detail);
    });
  }

  private failed(op: CacheOp, error: unknown): void {
    this.options.onError?.(op, error);
    // While disconnected the connection events already tell why; a failure of a connected
    // client (a time-out, a reset) is news. Errors Redis answered with (OOM, WRONGTYPE)
    // mean it is reachable, so they leave the state alone.
    if (this.redis.status === 'ready' && !isReplyError(error)) this.markDown(describe(error));
  }

  private markUp(): void {
    if (this.state.up || this.closed) return;
    this.state = { up: true, detail: 'connected' };
    this.announce();
  }

  private markDown(detail: string): void {
    if (this.closed) return;
    this.state = { up: false, detail };
    this.announce();
  }

  private announce(): void {
    if (this.announced === this.state.up) return;
    this.announced = this.state.up;
    this.options.onStateChange?.({ ...this.state });
  }
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  // Node reports a refused connection to several addresses as an AggregateError without a message.
  return error.message || (error as { code?: string }).code || error.name;
}

function isReplyError(error: unknown): boolean {
  return error instanceof Error && error.name === 'ReplyError';
}
