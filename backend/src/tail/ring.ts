import type { LogEntry } from '../model/index.js';
import { compareEventIds } from './event-id.js';

/** Entries published together under one event id, oldest first. */
export interface TailBatch {
  id: string;
  entries: LogEntry[];
}

export interface Replay {
  batches: TailBatch[];
  /** The cursor was older than the oldest batch kept: entries after it were dropped. */
  gap: boolean;
}

/**
 * The recent batches of one process, bounded in entries: what a reconnecting client resumes
 * from. `floor` is the id of the newest batch dropped (or where the process started), so a
 * cursor at or after it lost nothing, and one before it did.
 */
export class TailRing {
  private readonly batches: TailBatch[] = [];
  private entries = 0;

  constructor(
    private readonly maxEntries: number,
    private floor: string,
  ) {}

  /** The newest id published, or the floor when nothing is kept: where a new stream starts. */
  get head(): string {
    return this.batches.at(-1)?.id ?? this.floor;
  }

  get oldest(): string {
    return this.floor;
  }

  /** Starts over from what a shared bus held when this process joined. */
  reset(floor: string, batches: readonly TailBatch[]): void {
    this.batches.length = 0;
    this.entries = 0;
    this.floor = floor;
    for (const batch of batches) this.push(batch);
  }

  /** Batches arrive in id order; one older than the head (a bus replaying) is ignored. */
  push(batch: TailBatch): boolean {
    if (compareEventIds(batch.id, this.head) <= 0) return false;
    this.batches.push(batch);
    this.entries += batch.entries.length;
    // The newest batch stays even when it alone is over the bound.
    while (this.entries > this.maxEntries && this.batches.length > 1) {
      const dropped = this.batches.shift() as TailBatch;
      this.entries -= dropped.entries.length;
      this.floor = dropped.id;
    }
    return true;
  }

  /** Everything after `cursor`; from the oldest kept when it is older than that. */
  after(cursor: string): Replay {
    const gap = compareEventIds(cursor, this.floor) < 0;
    const batches = this.batches.filter((batch) => compareEventIds(batch.id, cursor) > 0);
    return { batches, gap };
  }
}
