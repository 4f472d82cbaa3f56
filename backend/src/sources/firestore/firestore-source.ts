import {
  FieldPath,
  Timestamp,
  type CollectionReference,
  type Firestore,
  type Query,
  type QueryDocumentSnapshot,
} from '@google-cloud/firestore';
import {
  comparatorFor,
  formatEpochMs,
  mergeSorted,
  parseTimestamp,
  timestampMs,
  type LogEntry,
  type Timestamp as Rfc3339,
} from '../../model/index.js';
import { recordToEntry, type FieldMapping, type JsonRecord } from '../mapping/record-mapper.js';
import type {
  CorrelationLookup,
  Follower,
  FollowOptions,
  FollowSink,
  LogSource,
  MetaField,
  SourceHealth,
  SourceRequest,
  SourceResult,
  SourceStats,
  StreamScope,
} from '../../query/log-source.js';
import { FollowerGroup } from '../follow/follower-group.js';
import { findCorrelatedDocuments } from './correlated.js';
import { documentEntryId, firestoreContextScope } from './document-id.js';
import { FirestoreFollower, type NewDocuments } from './firestore-follower.js';
import { severityValues, type CollectionSettings, type QueryPlan } from './query-plan.js';
import { describeTimeGap, findTimeGap, type TimeGap } from './time-coverage.js';

/** How long a collection's count of documents without its time field is trusted. */
const COVERAGE_TTL_MS = 5 * 60_000;
/** How long `/readyz` waits for a fresh count before showing the last one. */
const COVERAGE_WAIT_MS = 1_000;

interface Coverage {
  checkedAt: number;
  gaps: TimeGap[];
}

export interface FirestoreSourceOptions {
  db: Firestore;
  collections: string[];
  settingsFor: (collection: string) => CollectionSettings;
  mappingFor: (collection: string) => FieldMapping;
  /** Documents fetched per round trip while filling a page. */
  batchSize: number;
}

interface FirestoreStats extends SourceStats {
  queries: number;
  documentsRead: number;
}

/**
 * Documents of a few collections, newest first. Time range, order, severities and the
 * cursor are pushed down to Firestore; the engine's filter does the rest, and the source
 * keeps reading batches after the last document until the page is full.
 */
export class FirestoreSource implements LogSource {
  readonly name = 'firestore' as const;

  private coverage?: Coverage;
  private checking?: Promise<Coverage>;

  constructor(private readonly options: FirestoreSourceOptions) {}

  /**
   * Documents lacking their collection's time field, as last counted: every listing leaves them
   * out. Counted again once the last count is older than a few minutes.
   */
  timeGaps(now = Date.now()): Promise<TimeGap[]> {
    if (this.coverage && now - this.coverage.checkedAt < COVERAGE_TTL_MS)
      return Promise.resolve(this.coverage.gaps);
    this.checking ??= (async () => {
      try {
        const found = await Promise.all(
          this.options.collections.map((c) => findTimeGap(this.options.db, c, this.options.settingsFor(c))),
        );
        this.coverage = { checkedAt: Date.now(), gaps: found.filter((gap) => gap !== undefined) };
        return this.coverage;
      } finally {
        this.checking = undefined;
      }
    })();
    return this.checking.then((coverage) => coverage.gaps);
  }

  /** Counted in the background; a listing never waits for it, and shows the last count. */
  private knownGaps(): TimeGap[] {
    if (!this.coverage || Date.now() - this.coverage.checkedAt >= COVERAGE_TTL_MS)
      this.timeGaps().catch(() => undefined);
    return this.coverage?.gaps ?? [];
  }

  async query(request: SourceRequest): Promise<SourceResult> {
    const stats: FirestoreStats = { scanned: 0, queries: 0, documentsRead: 0 };
    const warnings: string[] = [];
    const collections = this.selectCollections(request, warnings);
    for (const gap of this.knownGaps())
      if (collections.includes(gap.collection)) warnings.push(describeTimeGap(gap));
    const lists = await Promise.all(collections.map((c) => this.readCollection(c, request, stats)));
    const entries = mergeSorted(lists, comparatorFor(request.query.direction), request.limit);
    return { entries, stats, warnings };
  }

  private selectCollections(request: SourceRequest, warnings: string[]): string[] {
    const wanted = request.query.selectors.firestore?.collections;
    if (!wanted?.length) return this.options.collections;
    return wanted.filter((collection) => {
      const served = this.options.collections.includes(collection);
      if (!served)
        warnings.push(`collection ${collection} is not served here (${this.options.collections.join(', ')})`);
      return served;
    });
  }

  private async readCollection(
    collection: string,
    request: SourceRequest,
    stats: FirestoreStats,
  ): Promise<LogEntry[]> {
    const settings = this.options.settingsFor(collection);
    const plan = planFor(collection, request, settings);
    if (plan.severityIn?.length === 0) return [];
    const base = buildQuery(this.options.db.collection(collection), plan, settings);
    const mapping = this.options.mappingFor(collection);
    const entries: LogEntry[] = [];
    let last: QueryDocumentSnapshot | undefined;
    for (;;) {
      if (request.signal.aborted) throw new Error('aborted');
      const batch = last ? base.startAfter(last) : base;
      const snapshot = await batch.limit(this.options.batchSize).get();
      stats.queries += 1;
      stats.documentsRead += snapshot.size;
      for (const doc of snapshot.docs) {
        stats.scanned += 1;
        const entry = documentEntry(collection, doc, settings, mapping);
        if (request.matches(entry)) entries.push(entry);
        if (entries.length >= request.limit) return entries;
      }
      if (snapshot.size < this.options.batchSize) return entries;
      last = snapshot.docs.at(-1);
    }
  }

  async listValues(field: MetaField): Promise<string[] | undefined> {
    if (field !== 'collections') return undefined;
    const existing = new Set((await this.options.db.listCollections()).map((c) => c.id));
    return this.options.collections.filter((c) => existing.has(c)).sort();
  }

  async health(): Promise<SourceHealth> {
    const first = this.options.collections[0];
    if (!first) return { up: true, detail: 'no collections configured' };
    // Side by side, within `/readyz`'s budget: a slow count shows the last one (none at first).
    const [, gaps] = await Promise.all([
      this.options.db.collection(first).limit(1).get(),
      Promise.race([
        this.timeGaps(),
        new Promise<TimeGap[]>((resolve) =>
          setTimeout(() => resolve(this.coverage?.gaps ?? []), COVERAGE_WAIT_MS).unref(),
        ),
      ]).catch(() => this.coverage?.gaps ?? []),
    ]);
    // Still up: the source answers, only incompletely, and says so on every listing.
    return { up: true, detail: [`collection ${first} readable`, ...gaps.map(describeTimeGap)].join('; ') };
  }

  async close(): Promise<void> {
    await this.options.db.terminate();
  }

  contextScope(id: string): StreamScope | undefined {
    return firestoreContextScope(id);
  }

  /** By document id and field equality in every collection (see correlated.ts). */
  findCorrelated(lookup: CorrelationLookup): Promise<SourceResult> {
    const targets = this.options.collections.map((collection) => {
      const settings = this.options.settingsFor(collection);
      const mapping = this.options.mappingFor(collection);
      return {
        collection,
        ref: this.options.db.collection(collection),
        toEntry: (doc: QueryDocumentSnapshot) => documentEntry(collection, doc, settings, mapping),
      };
    });
    return findCorrelatedDocuments(targets, lookup);
  }

  /** A snapshot listener per collection. */
  follow(sink: FollowSink, options: FollowOptions): Follower {
    const since = formatEpochMs(options.sinceMs);
    return new FollowerGroup(
      this.options.collections.map(
        (collection) =>
          new FirestoreFollower({
            collection,
            newDocuments: (from) => this.newDocuments(collection, from),
            sink,
            since,
            maxBackoffMs: options.maxBackoffMs,
          }),
      ),
    );
  }

  /** Listened to by followers, mapped with the source's own mapping: follows agree with `/logs`. */
  private newDocuments(collection: string, since: Rfc3339): NewDocuments {
    const settings = this.options.settingsFor(collection);
    const mapping = this.options.mappingFor(collection);
    const field = settings.timeField;
    return {
      query: this.options.db.collection(collection).where(field, '>=', timeValue(since, settings.timeType)),
      toEntry: (doc) => documentEntry(collection, doc, settings, mapping),
    };
  }
}

/**
 * The window, narrowed by the cursor: going backward, documents at or before the cursor's
 * time (the engine drops those at that instant that were already served).
 */
export function planFor(collection: string, request: SourceRequest, settings: CollectionSettings): QueryPlan {
  const { query, after } = request;
  const backward = query.direction === 'backward';
  const since = !backward && after && after.timestamp > query.from ? after.timestamp : query.from;
  const cursorBound = backward && after && after.timestamp < query.to;
  return {
    collection,
    severityIn: severityValues(query, settings),
    since,
    until: cursorBound ? after.timestamp : query.to,
    untilInclusive: Boolean(cursorBound),
    direction: backward ? 'desc' : 'asc',
  };
}

function timeValue(ts: Rfc3339, type: CollectionSettings['timeType']): Timestamp | string | number {
  if (type === 'string') return ts;
  const ms = timestampMs(ts);
  if (type === 'millis') return ms;
  const nanos = Number(ts.slice(20, 29));
  return new Timestamp(Math.floor(ms / 1000), nanos);
}

function buildQuery(collection: CollectionReference, plan: QueryPlan, settings: CollectionSettings): Query {
  const field = settings.timeField;
  let query: Query = collection;
  if (plan.severityIn && settings.severityField)
    query = query.where(settings.severityField, 'in', plan.severityIn);
  return query
    .where(field, '>=', timeValue(plan.since, settings.timeType))
    .where(field, plan.untilInclusive ? '<=' : '<', timeValue(plan.until, settings.timeType))
    .orderBy(field, plan.direction)
    .orderBy(FieldPath.documentId(), plan.direction);
}

/** Firestore Timestamps in a payload become RFC 3339, so entries serialize as people read them. */
function plainValue(value: unknown): unknown {
  if (value instanceof Timestamp) return parseTimestamp(value);
  if (Array.isArray(value)) return value.map(plainValue);
  if (value && typeof value === 'object' && value.constructor === Object) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plainValue(v)]));
  }
  return value;
}

function documentEntry(
  collection: string,
  doc: QueryDocumentSnapshot,
  settings: CollectionSettings,
  mapping: FieldMapping,
): LogEntry {
  const data = plainValue(doc.data()) as JsonRecord;
  // The ordering field decides the entry's time, so pages and pushdown agree.
  const timeMapping = { ...mapping, timestampFields: [settings.timeField, ...mapping.timestampFields] };
  return recordToEntry(
    data,
    {
      id: documentEntryId(collection, doc.id),
      source: 'firestore',
      labels: { collection, document: doc.id },
      fallbackTime: parseTimestamp(doc.createTime) ?? formatEpochMs(0),
    },
    timeMapping,
  );
}
