import { compareKeys, type LogEntry } from '../model/index.js';
import type { TailBus } from './bus.js';
import { compareEventIds } from './event-id.js';
import type { TailFeed } from './feed.js';
import { TailRing, type Replay, type TailBatch } from './ring.js';

export interface TailHubSettings {
  /** Entries kept to resume from. */
  bufferEntries: number;
  maxSubscribers: number;
  maxSubscribersPerToken: number;
  /**
   * How long following goes on after the last viewer left: clients reconnect every stream
   * lifetime, and stopping in between would drop what arrives while they do.
   */
  lingerMs?: number;
}

export interface TailObserver {
  subscribers(count: number): void;
  published(entries: readonly LogEntry[]): void;
}

/** Past a subscriber bound: a 429 telling the client when to try again. */
export class TailBusyError extends Error {
  readonly status = 429;
  readonly expose = true;
  readonly headers: Record<string, string>;

  constructor(detail: string, retryAfterSeconds: number) {
    super(detail);
    this.headers = { 'Retry-After': String(retryAfterSeconds) };
  }
}

/** Receives the batches of one subscription, each only once and in id order. */
export type BatchListener = (batch: TailBatch) => void;

export interface Subscription {
  /** Where this stream starts: the cursor, or the newest id when there was none. */
  start: string;
  /** What was kept after the cursor; `gap` when some of it was already dropped. */
  replay: Replay;
  /** The oldest id kept, which a gapped stream resumes from. */
  oldest: string;
  close(): void;
}

const LINGER_MS = 5_000;

/**
 * The one place a process's viewers meet: a ring of recent batches to resume from, the
 * subscribers, and the feed that is running exactly while someone (here, or on another
 * replica through the bus) watches. One feed per process, one bus per deployment.
 */
export class TailHub {
  private readonly ring: TailRing;
  private readonly listeners = new Set<{ listener: BatchListener; last: string; fromNow: boolean }>();
  private readonly perToken = new Map<string, number>();
  private leading = false;
  private wanted = false;
  private lingerTimer?: NodeJS.Timeout;

  constructor(
    private readonly bus: TailBus,
    private readonly feed: TailFeed,
    private readonly settings: TailHubSettings,
    private readonly observer?: TailObserver,
  ) {
    this.ring = new TailRing(settings.bufferEntries, bus.startId);
    bus.start({
      deliver: (batch) => this.deliver(batch),
      lead: (leading) => this.lead(leading),
      seed: (floor, batches) => this.seed(floor, batches),
    });
  }

  get subscribers(): number {
    return this.listeners.size;
  }

  /** What the followers publish into; sorted here once, so no subscriber sorts a batch again. */
  publish(entries: LogEntry[]): void {
    this.bus.publish(entries.toSorted(compareKeys));
  }

  /**
   * Registers a subscriber of `token` from `cursor` (or from now). Throws `TailBusyError` past
   * the process's or the token's bound. Replay and registration happen in one turn, so no
   * batch falls between them.
   */
  subscribe(token: string, cursor: string | undefined, listener: BatchListener): Subscription {
    this.admit(token);
    const start = cursor ?? this.ring.head;
    const replay = this.ring.after(start);
    const entry = { listener, last: replay.batches.at(-1)?.id ?? start, fromNow: cursor === undefined };
    this.listeners.add(entry);
    this.perToken.set(token, (this.perToken.get(token) ?? 0) + 1);
    this.changed();
    let closed = false;
    return {
      start,
      replay,
      oldest: this.ring.oldest,
      close: () => {
        if (closed) return;
        closed = true;
        this.listeners.delete(entry);
        const left = (this.perToken.get(token) ?? 1) - 1;
        if (left > 0) this.perToken.set(token, left);
        else this.perToken.delete(token);
        this.changed();
      },
    };
  }

  async close(): Promise<void> {
    clearTimeout(this.lingerTimer);
    this.lead(false);
    await this.bus.close();
  }

  private admit(token: string): void {
    const { maxSubscribers, maxSubscribersPerToken } = this.settings;
    if (this.listeners.size >= maxSubscribers)
      throw new TailBusyError(
        `this server already serves ${maxSubscribers} live tails; try again shortly`,
        5,
      );
    if ((this.perToken.get(token) ?? 0) >= maxSubscribersPerToken)
      throw new TailBusyError(
        `this token already holds ${maxSubscribersPerToken} live tails on this server; close one or try again shortly`,
        5,
      );
  }

  private deliver(batch: TailBatch): void {
    if (!this.ring.push(batch)) return;
    this.observer?.published(batch.entries);
    this.fanOut(batch);
  }

  /** A shared bus's history: kept to resume from, and passed on to streams that started before it came. */
  private seed(floor: string, batches: TailBatch[]): void {
    const before = this.ring.head;
    this.ring.reset(floor, batches);
    // A stream that started "from now" before the history came starts at its newest batch.
    for (const entry of this.listeners)
      if (entry.fromNow && entry.last === before) entry.last = this.ring.head;
    for (const batch of batches) this.fanOut(batch);
  }

  private fanOut(batch: TailBatch): void {
    for (const entry of this.listeners) {
      // A stream that resumed from a cursor this process had not read yet must not see it twice.
      if (compareEventIds(batch.id, entry.last) <= 0) continue;
      entry.last = batch.id;
      entry.listener(batch);
    }
  }

  /** Demand follows the subscribers: at once when the first arrives, a linger after the last leaves. */
  private changed(): void {
    this.observer?.subscribers(this.listeners.size);
    const wanted = this.listeners.size > 0;
    if (wanted) {
      clearTimeout(this.lingerTimer);
      this.lingerTimer = undefined;
      this.setWanted(true);
      return;
    }
    if (this.lingerTimer) return;
    this.lingerTimer = setTimeout(() => {
      this.lingerTimer = undefined;
      if (this.listeners.size === 0) this.setWanted(false);
    }, this.settings.lingerMs ?? LINGER_MS);
    this.lingerTimer.unref();
  }

  private setWanted(wanted: boolean): void {
    if (wanted === this.wanted) return;
    this.wanted = wanted;
    this.bus.demand(wanted);
  }

  private lead(leading: boolean): void {
    if (leading === this.leading) return;
    this.leading = leading;
    if (leading) this.feed.start((entries) => this.publish(entries));
    else this.feed.stop();
  }
}
