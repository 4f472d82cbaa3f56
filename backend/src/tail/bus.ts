import type { LogEntry } from '../model/index.js';
import { EventIdIssuer, formatEventId } from './event-id.js';
import type { TailBatch } from './ring.js';

/** What a bus tells the hub of its process. */
export interface BusHandlers {
  /** A published batch, with its id; every process's hub receives every batch, in id order. */
  deliver(batch: TailBatch): void;
  /** Whether this process should follow the sources now (it has, or holds the lease for, the viewers). */
  lead(leading: boolean): void;
  /**
   * What a shared bus still held when this process joined (oldest first), and the id of the
   * newest batch it had already dropped; called once, before any `deliver`.
   */
  seed(floor: string, batches: TailBatch[]): void;
}

/**
 * Carries what followers read to every process that serves a tail, and decides which process
 * follows: in one process it is a direct call; with several replicas, a Redis stream and a
 * lease. Whoever follows (this process's followers, or a collector elsewhere) calls `publish`.
 */
export interface TailBus {
  /** Where new streams start before anything was published: entries older than this were never kept here. */
  readonly startId: string;
  start(handlers: BusHandlers): void;
  /** This process has viewers (or no longer has any). */
  demand(wanted: boolean): void;
  publish(entries: LogEntry[]): void;
  close(): Promise<void>;
}

/** One process: ids from its clock, and it follows exactly while it has viewers. */
export class MemoryBus implements TailBus {
  readonly startId: string;
  private readonly ids: EventIdIssuer;
  private handlers?: BusHandlers;

  constructor(now: () => number = Date.now) {
    this.startId = formatEventId({ ms: now(), seq: 0 });
    this.ids = new EventIdIssuer(now, this.startId);
  }

  start(handlers: BusHandlers): void {
    this.handlers = handlers;
  }

  demand(wanted: boolean): void {
    this.handlers?.lead(wanted);
  }

  publish(entries: LogEntry[]): void {
    if (entries.length === 0) return;
    this.handlers?.deliver({ id: this.ids.next(), entries });
  }

  async close(): Promise<void> {
    this.handlers = undefined;
  }
}
