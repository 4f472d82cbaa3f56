import { LRUCache } from 'lru-cache';
import type { Cache } from '../../cache/cache.js';
import type { LogEntry } from '../../model/index.js';

export interface SegmentStoreOptions {
  /** Bytes (as JSON) the in-process copy holds at most; the least recently used segments go first. */
  maxBytes: number;
  /** Shared by every replica (Redis) when set; a segment one replica read is then read by none again. */
  shared?: Cache;
  /** How long the shared copy is kept: settled segments never change, so only room limits it. */
  sharedTtlSeconds: number;
}

/** A settled segment: its entries, oldest first, and the lasting gaps its read warned of. */
export interface Segment {
  entries: LogEntry[];
  /** Warnings about entries of its span that no read can return any more; served with it. */
  warnings: string[];
}

/**
 * Settled segments: in process, bounded in bytes, and optionally in the shared cache. A
 * segment held here is complete and unfiltered — every entry of its source in its time span —
 * so any query's filter can be applied to it — but for what a
 * lasting gap (its warnings) took out of reach of every read.
 */
export class SegmentStore {
  private readonly local: LRUCache<string, Segment>;

  constructor(private readonly options: SegmentStoreOptions) {
    this.local = new LRUCache({
      maxSize: Math.max(1, options.maxBytes),
      sizeCalculation: (segment) => Math.max(1, jsonBytes(segment)),
    });
  }

  /** Bytes the in-process copy holds now. */
  get bytes(): number {
    return this.local.calculatedSize;
  }

  async get(key: string): Promise<Segment | undefined> {
    const local = this.local.get(key);
    if (local) return local;
    const shared = await this.options.shared?.get<Segment>(key);
    if (shared) this.local.set(key, shared);
    return shared;
  }

  /** The shared copy is written in the background: a request never waits for it. */
  set(key: string, segment: Segment): void {
    this.local.set(key, segment);
    void this.options.shared?.set(key, segment, this.options.sharedTtlSeconds).catch(() => undefined);
  }
}

function jsonBytes(segment: Segment): number {
  return Buffer.byteLength(JSON.stringify(segment), 'utf8');
}
