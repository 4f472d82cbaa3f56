import type { QuerySnapshot } from '@google-cloud/firestore';
import type { LogEntry, Timestamp } from '../model/index.js';
import type { FirestoreSource } from '../sources/firestore/firestore-source.js';
import { Backoff, Timers } from './backoff.js';
import type { VolumeSink } from './sink.js';

export interface FirestoreFollowerOptions {
  source: FirestoreSource;
  collection: string;
  sink: VolumeSink;
  /** Only documents stamped at or after this count. */
  since: Timestamp;
  maxBackoffMs: number;
  /**
   * A listener holds every document its query matched since it started; re-listening from
   * the newest document seen keeps that set (and the reads it costs) small.
   */
  reanchorMs?: number;
}

const REANCHOR_MS = 10 * 60_000;

/**
 * Follows one collection with a snapshot listener on `timeField >= anchor` and counts the
 * documents it adds. The anchor is the newest document time counted so far, with the ids
 * counted at exactly that time, so a listener started again (after an error, or to stay
 * small) skips what was already counted. A document written later but stamped before the
 * anchor while no listener runs is missed: counts are for volume, not an audit.
 */
export class FirestoreFollower {
  private readonly key: string;
  private readonly backoff: Backoff;
  private readonly timers = new Timers();
  private anchor: { time: Timestamp; ids: Set<string> };
  private unsubscribe?: () => void;
  private stopped = false;

  constructor(private readonly options: FirestoreFollowerOptions) {
    this.key = `collection:${options.collection}`;
    this.backoff = new Backoff(options.maxBackoffMs);
    this.anchor = { time: options.since, ids: new Set() };
  }

  start(): void {
    this.listen();
    this.timers.every(this.options.reanchorMs ?? REANCHOR_MS, () => this.reanchor());
  }

  stop(): void {
    this.stopped = true;
    this.timers.clear();
    this.unsubscribe?.();
    this.unsubscribe = undefined;
  }

  private listen(): void {
    if (this.stopped) return;
    const { source, collection } = this.options;
    let first = true;
    try {
      const { query, toEntry } = source.newDocuments(collection, this.anchor.time);
      this.unsubscribe = query.onSnapshot(
        (snapshot) => {
          this.onSnapshot(snapshot, first, toEntry);
          first = false;
        },
        (error) => this.onError(error),
      );
    } catch (error) {
      this.onError(error);
    }
  }

  private onSnapshot(
    snapshot: QuerySnapshot,
    initial: boolean,
    toEntry: ReturnType<FirestoreSource['newDocuments']>['toEntry'],
  ): void {
    const { sink, collection } = this.options;
    try {
      sink.ok('firestore', this.key);
      this.backoff.reset();
      const entries: LogEntry[] = [];
      for (const change of snapshot.docChanges()) {
        if (change.type !== 'added') continue;
        const entry = toEntry(change.doc);
        // Only the first snapshot of a new listener can repeat what an earlier one counted.
        if (initial && entry.timestamp === this.anchor.time && this.anchor.ids.has(change.doc.id)) continue;
        entries.push(entry);
        this.advance(entry.timestamp, change.doc.id);
      }
      sink.count('firestore', collection, entries);
    } catch (error) {
      sink.error('firestore', 'read', error);
    }
  }

  private advance(time: Timestamp, id: string): void {
    if (time > this.anchor.time) this.anchor = { time, ids: new Set([id]) };
    else if (time === this.anchor.time) this.anchor.ids.add(id);
  }

  /** A listener that failed is dead: listen again after a back-off. */
  private onError(error: unknown): void {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    if (this.stopped) return;
    this.options.sink.error('firestore', 'listen', error, this.key);
    this.timers.after(this.backoff.next(), () => {
      if (this.stopped) return;
      this.options.sink.reconnect('firestore');
      this.listen();
    });
  }

  private reanchor(): void {
    if (this.stopped || !this.unsubscribe) return;
    this.unsubscribe();
    this.unsubscribe = undefined;
    this.listen();
  }
}
