import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { FAIL_FAST_REDIS, reconnectDelayMs } from '../cache/redis-cache.js';
import { describeError, type LogEntry } from '../model/index.js';
import type { BusHandlers, TailBus } from './bus.js';
import { ZERO_ID } from './event-id.js';
import type { TailBatch } from './ring.js';

export interface RedisBusOptions {
  url: string;
  /** The deployment's key prefix (`REDIS_KEY_PREFIX`); the tail's keys sit under `<prefix>tail:`. */
  keyPrefix: string;
  /** Batches the stream keeps (`XADD … MAXLEN ~`): what a replica joining later can resume from. */
  maxBatches: number;
  /** Longest wait for one ordinary command (not the blocking read). */
  commandTimeoutMs: number;
  logger: Logger;
  /** How long the follower's lease and a replica's declared demand last without renewal. */
  leaseMs?: number;
  /** How often both are renewed (and the leader looks at the demand). */
  renewMs?: number;
  /** How long one blocking read waits for new batches. */
  blockMs?: number;
}

/** Renews the lease only while this replica still holds it. */
const RENEW = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) else return 0 end`;
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end`;

type LeaseRedis = Redis & {
  renewLease(key: string, owner: string, ms: number): Promise<number>;
  releaseLease(key: string, owner: string): Promise<number>;
};

/**
 * The tail shared by replicas through Redis. Whoever follows `XADD`s each batch to one stream
 * (trimmed to about `maxBatches`), and every replica reads it back with `XREAD BLOCK` into its
 * own hub, so any replica serves any tail and a cursor from one resumes on another (the
 * stream's ids are the cursors).
 *
 * Exactly one replica follows the sources: the holder of a lease (`SET NX PX`, renewed by a
 * script that checks the owner, so a replica that paused past its lease cannot renew another's),
 * and only while some replica has viewers — each one with viewers keeps its id in a sorted set
 * scored by expiry, renewed with the lease. A leader that cannot reach Redis stops following
 * once its lease may have run out; another takes over within a lease.
 */
export class RedisBus implements TailBus {
  /**
   * Ids are Redis's (its clock, not this process's): nothing is known here before the stream is
   * read, and what it holds comes first (`seed`).
   */
  readonly startId = ZERO_ID;
  private readonly commands: LeaseRedis;
  private readonly reader: Redis;
  private readonly id = randomUUID();
  private readonly keys: { stream: string; lease: string; demand: string };
  private readonly leaseMs: number;
  private readonly renewMs: number;
  /** Until when the lease is certainly ours (from before the last successful renewal was asked). */
  private heldUntil = 0;
  private handlers?: BusHandlers;
  private wanted = false;
  private leading = false;
  private closed = false;
  private ticking = false;
  private timer?: NodeJS.Timeout;

  constructor(private readonly options: RedisBusOptions) {
    const base = `${options.keyPrefix}tail:`;
    this.keys = { stream: `${base}stream`, lease: `${base}leader`, demand: `${base}demand` };
    this.leaseMs = options.leaseMs ?? 5_000;
    this.renewMs = options.renewMs ?? 1_000;
    this.commands = new Redis(options.url, {
      ...FAIL_FAST_REDIS,
      commandTimeout: options.commandTimeoutMs,
      connectionName: 'gpt-runner-logs-tail',
    }) as LeaseRedis;
    this.commands.defineCommand('renewLease', { numberOfKeys: 1, lua: RENEW });
    this.commands.defineCommand('releaseLease', { numberOfKeys: 1, lua: RELEASE });
    // Blocking reads hold their connection: a second one, without the command time-out.
    this.reader = new Redis(options.url, {
      ...FAIL_FAST_REDIS,
      connectionName: 'gpt-runner-logs-tail-reader',
    });
    for (const client of [this.commands, this.reader])
      client.on('error', (error: unknown) =>
        options.logger.debug({ err: describeError(error) }, 'live tail: Redis connection failed'),
      );
  }

  start(handlers: BusHandlers): void {
    this.handlers = handlers;
    void this.read();
    this.timer = setInterval(() => void this.tick(), this.renewMs);
    this.timer.unref();
    void this.tick();
  }

  demand(wanted: boolean): void {
    this.wanted = wanted;
    void this.tick();
  }

  publish(entries: LogEntry[]): void {
    if (entries.length === 0 || this.closed) return;
    const { stream } = this.keys;
    const max = String(this.options.maxBatches);
    this.commands
      .xadd(stream, 'MAXLEN', '~', max, '*', 'e', JSON.stringify(entries))
      .catch((error: unknown) =>
        this.options.logger.warn(
          { err: describeError(error), entries: entries.length },
          'live tail: a batch could not be published to Redis and is lost',
        ),
      );
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.timer);
    this.setLeading(false);
    await Promise.allSettled([
      this.commands.zrem(this.keys.demand, this.id),
      this.commands.releaseLease(this.keys.lease, this.id),
    ]);
    this.reader.disconnect();
    this.commands.disconnect();
  }

  /** Declares this replica's demand, keeps or takes the lease, and leads while anyone watches. */
  private async tick(): Promise<void> {
    if (this.ticking || this.closed) return;
    this.ticking = true;
    try {
      const { demand, lease } = this.keys;
      const now = Date.now();
      if (this.wanted) await this.commands.zadd(demand, now + this.leaseMs, this.id);
      else await this.commands.zrem(demand, this.id);
      const asked = Date.now();
      const held = this.leading
        ? (await this.commands.renewLease(lease, this.id, this.leaseMs)) === 1
        : (await this.commands.set(lease, this.id, 'PX', this.leaseMs, 'NX')) === 'OK';
      if (!held) {
        this.setLeading(false);
        return;
      }
      this.heldUntil = asked + this.leaseMs;
      await this.commands.zremrangebyscore(demand, '-inf', now);
      this.setLeading((await this.commands.zcard(demand)) > 0);
    } catch (error) {
      this.options.logger.debug({ err: describeError(error) }, 'live tail: lease renewal failed');
      // A slow answer is not a lost lease: following goes on while the lease surely still holds.
      if (Date.now() >= this.heldUntil - this.renewMs) this.setLeading(false);
    } finally {
      this.ticking = false;
    }
  }

  private setLeading(leading: boolean): void {
    if (leading === this.leading) return;
    this.leading = leading;
    // The lease may go on being held while nobody watches; following is what stops.
    this.handlers?.lead(leading);
  }

  /** What the stream still holds, then every new batch, for as long as the bus is open. */
  private async read(): Promise<void> {
    let last = await this.backfill();
    let failures = 0;
    while (!this.closed) {
      try {
        const answer = await this.reader.xread(
          'COUNT',
          500,
          'BLOCK',
          this.options.blockMs ?? 5_000,
          'STREAMS',
          this.keys.stream,
          last,
        );
        failures = 0;
        for (const batch of batchesOf(answer?.[0]?.[1] ?? [])) {
          last = batch.id;
          this.handlers?.deliver(batch);
        }
      } catch (error) {
        if (this.closed) return;
        this.options.logger.debug(
          { err: describeError(error) },
          'live tail: reading the Redis stream failed',
        );
        await sleep(reconnectDelayMs(++failures));
      }
    }
  }

  /** Seeds the hub with what the stream holds; retried until Redis answers or the bus closes. */
  private async backfill(): Promise<string> {
    for (let attempt = 1; !this.closed; attempt++) {
      try {
        const floor = await this.floor();
        const raw = await this.reader.xrange(this.keys.stream, '-', '+', 'COUNT', this.options.maxBatches);
        const batches = batchesOf(raw);
        this.handlers?.seed(floor, batches);
        return batches.at(-1)?.id ?? floor;
      } catch (error) {
        this.options.logger.debug(
          { err: describeError(error) },
          'live tail: reading the Redis stream failed',
        );
        await sleep(reconnectDelayMs(attempt));
      }
    }
    return ZERO_ID;
  }

  /** The newest id the stream dropped (Redis 7's `max-deleted-entry-id`), or before its first entry. */
  private async floor(): Promise<string> {
    let info: unknown[];
    try {
      info = (await this.reader.call('XINFO', 'STREAM', this.keys.stream)) as unknown[];
    } catch (error) {
      if (/no such key/i.test(describeError(error))) return ZERO_ID;
      throw error;
    }
    const field = (name: string): unknown => info[info.indexOf(name) + 1];
    const deleted = field('max-deleted-entry-id');
    if (typeof deleted === 'string') return deleted;
    // Older servers do not say; only the first entry kept is certain.
    const first = field('first-entry') as [string] | null;
    return first?.[0] ?? ZERO_ID;
  }
}

function batchesOf(raw: [string, string[]][]): TailBatch[] {
  const batches: TailBatch[] = [];
  for (const [id, fields] of raw) {
    const json = fields[fields.indexOf('e') + 1];
    if (json === undefined) continue;
    try {
      batches.push({ id, entries: JSON.parse(json) as LogEntry[] });
    } catch {
      // Not written by this service: nothing to show.
    }
  }
  return batches;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms).unref());
