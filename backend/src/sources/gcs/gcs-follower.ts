import type { Bucket } from '@google-cloud/storage';
import pLimit from 'p-limit';
import { formatEpochMs, type LogEntry } from '../../model/index.js';
import type { Follower, FollowSink } from '../../query/log-source.js';
import { deliver, resumeAfter } from '../follow/batch.js';
import { Timers } from '../follow/backoff.js';
import { guard } from '../follow/guard.js';
import { FolderLister, type ListedObject, type ListingBudget } from './listing.js';
import type { CountCall } from '../calls/call-counter.js';

export interface GcsFollowerOptions {
  bucket: Bucket;
  prefixes: readonly string[];
  /** The source's own read: through its parsed-object cache, so a dashboard refresh finds it parsed. */
  read: (object: ListedObject, prefix: string) => Promise<LogEntry[]>;
  sink: FollowSink;
  /** Objects updated before this were there already and are not delivered. */
  sinceMs: number;
  intervalMs: number;
  nameSlackMs: number;
  /** How long listings of dated folders whose time has passed are reused. */
  closedListingTtlMs: number;
  maxListCalls: number;
  /** Told about each listing call. */
  countCall?: CountCall;
}

/** Downloads at once: new objects are few per interval, and queries need the connections more. */
const READ_CONCURRENCY = 2;
/** An object that cannot be read is tried again on the next intervals, then given up. */
const MAX_READ_ATTEMPTS = 3;

/**
 * Every interval, lists the folders that can hold records of the last intervals and delivers
 * the entries of objects not seen before (by name and generation: a rewrite is delivered again).
 * Objects are read through the source's parsed-object cache, so a dashboard refresh right
 * after finds them parsed. What a prefix listed last time is all it remembers.
 */
export class GcsFollower implements Follower {
  private readonly lister: FolderLister;
  private readonly timers = new Timers();
  private readonly limit = pLimit(READ_CONCURRENCY);
  /** Per prefix: the objects (`name#generation`) listed last time that need no reading. */
  private readonly seen = new Map<string, Set<string>>();
  private readonly attempts = new Map<string, number>();
  private running = false;
  private stopped = false;

  constructor(private readonly options: GcsFollowerOptions) {
    this.lister = new FolderLister(options.bucket, {
      slackMs: options.nameSlackMs,
      // Folders still written to are listed afresh every time: that is where new objects appear.
      openTtlMs: 0,
      closedTtlMs: options.closedListingTtlMs,
      concurrency: READ_CONCURRENCY,
      countCall: options.countCall,
    });
  }

  start(): void {
    const tick = (): void => guard(this.options.sink, 'list', () => this.tick());
    tick();
    this.timers.every(this.options.intervalMs, tick);
  }

  stop(): void {
    this.stopped = true;
    this.timers.clear();
    this.limit.clearQueue();
  }

  /** One listing of every prefix; a tick still running when the next is due makes it skip. */
  async tick(): Promise<void> {
    if (this.running || this.stopped) return;
    this.running = true;
    try {
      const now = Date.now();
      const window = { lo: now - 2 * this.options.intervalMs, hi: now };
      const budget: ListingBudget = { callsLeft: this.options.maxListCalls, calls: 0, cacheHits: 0 };
      await Promise.all(this.options.prefixes.map((prefix) => this.scan(prefix, window, budget)));
    } finally {
      this.running = false;
    }
  }

  private async scan(
    prefix: string,
    window: { lo: number; hi: number },
    budget: ListingBudget,
  ): Promise<void> {
    const { sink } = this.options;
    let objects: ListedObject[];
    try {
      objects = await this.lister.candidates(prefix, window, budget);
      sink.connected(`prefix:${prefix}`);
    } catch (error) {
      sink.failed('list', error, `prefix:${prefix}`);
      return;
    }
    const before = this.seen.get(prefix);
    const after = new Set<string>();
    await Promise.all(
      objects.map(async (object) => {
        const key = `${object.name}#${object.generation}`;
        if (before?.has(key) || !this.isNew(object, before === undefined)) {
          after.add(key);
          return;
        }
        if (await this.limit(() => this.read(object, prefix, key))) after.add(key);
      }),
    );
    if (!this.stopped) this.seen.set(prefix, after);
  }

  /** On a prefix's first listing, only objects written since the follower started are new. */
  private isNew(object: ListedObject, firstListing: boolean): boolean {
    if (!object.updated) return !firstListing;
    return Date.parse(object.updated) >= this.options.sinceMs;
  }

  /** True once the object needs no more reading: delivered, or given up on. */
  private async read(object: ListedObject, prefix: string, key: string): Promise<boolean> {
    if (this.stopped) return false;
    const { sink } = this.options;
    try {
      // A copy: the source's cache holds the parsed list, and delivery sorts what it is given.
      const entries = [...(await this.options.read(object, prefix))];
      const resume = resumeAfter(entries, { time: formatEpochMs(0), count: 0 });
      deliver(sink, { stream: object.name, origin: prefix, entries, resume });
      this.attempts.delete(key);
      return true;
    } catch (error) {
      sink.failed('read', error);
      const attempts = (this.attempts.get(key) ?? 0) + 1;
      const givenUp = attempts >= MAX_READ_ATTEMPTS;
      if (givenUp) this.attempts.delete(key);
      else this.attempts.set(key, attempts);
      return givenUp;
    }
  }
}
