import type { Query, QueryDocumentSnapshot, QuerySnapshot } from '@google-cloud/firestore';
import type { LogEntry, Timestamp } from '../../model/index.js';
import type { Follower, FollowSink } from '../../query/log-source.js';
import { deliver } from '../follow/batch.js';
import { Backoff, Timers } from '../follow/backoff.js';

/** The documents of a collection stamped at or after a time, and how each becomes an entry. */
export interface NewDocuments {
  query: Query;
  toEntry: (doc: QueryDocumentSnapshot) => LogEntry;
}

export interface FirestoreFollowerOptions {
  collection: string;
  /** The source's own query and mapping, so what is followed agrees with what `/logs` serves. */
  newDocuments: (since: Timestamp) => NewDocuments;
  sink: FollowSink;
  /** Only documents stamped at or after this are delivered. */
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
 * Follows one collection with a snapshot listener on `timeField >= anchor` and delivers the
 * documents it adds. The anchor is the newest document time delivered so far, with the ids
 * delivered at exactly that time, so a listener started again (after an error, or to stay
 * small) skips what was already delivered. A document written later but stamped before the
 * anchor while no listener runs is missed: followers feed volume counts and a tail, not an audit.
 */
export class FirestoreFollower implements Follower {
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
    let first = true;
    try {
      const { query, toEntry } = this.options.newDocuments(this.anchor.time);
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

  private onSnapshot(snapshot: QuerySnapshot, initial: boolean, toEntry: NewDocuments['toEntry']): void {
    const { sink, collection } = this.options;
    try {
      sink.connected(this.key);
      this.backoff.reset();
      const entries: LogEntry[] = [];
      for (const change of snapshot.docChanges()) {
        if (change.type !== 'added') continue;
        const entry = toEntry(change.doc);
        // Only the first snapshot of a new listener can repeat what an earlier one delivered.
        if (initial && entry.timestamp === this.anchor.time && this.anchor.ids.has(change.doc.id)) continue;
        entries.push(entry);
        this.advance(entry.timestamp, change.doc.id);
      }
      const resume = { time: this.anchor.time, count: this.anchor.ids.size };
      deliver(sink, { stream: collection, origin: collection, entries, resume });
    } catch (error) {
      sink.failed('read', error);
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
    this.options.sink.failed('listen', error, this.key);
    this.timers.after(this.backoff.next(), () => {
      if (this.stopped) return;
      this.options.sink.reconnected();
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
