import type { CorrelationField, MetaField } from '@gpt-runner-logs/contract';
import type {
  EntryKey,
  LabelMatcher,
  LogEntry,
  LogQuery,
  SourceName,
  SourceSelectors,
  Timestamp,
} from '../model/index.js';

/*
 * The port the engine fans out over. It lives in `query/`, below `sources/`, on purpose: the
 * engine (and context, collect, the paging reader built on it) owns the interface and each
 * source implements it (dependency inversion), so the layers point one way (sources →
 * query → model), the engine stays with the rest of query/, and nothing here knows a
 * concrete source or one of its id formats.
 */

export { META_FIELDS, type MetaField } from '@gpt-runner-logs/contract';

/**
 * What the engine asks of a source for one page. The source pushes down what it can
 * (time range, severities, selectors, `after`) and applies `matches` to everything it reads,
 * so it can stop as soon as it holds `limit` matching entries.
 */
export interface SourceRequest {
  query: LogQuery;
  /** Resume strictly after this key in `query.direction` (the cursor's position). */
  after?: EntryKey;
  /** How many matching entries the engine needs from this source at most. */
  limit: number;
  /** The engine's compiled filter: the whole query, `after` included. Pushdown only saves work. */
  matches: (entry: LogEntry) => boolean;
  /** Aborted when the source's time budget runs out or the client goes away. */
  signal: AbortSignal;
}

export interface SourceResult {
  /** At most `limit` entries, all matching, all after `after`, sorted in `query.direction`. */
  entries: LogEntry[];
  /** Source-specific work counters (records scanned, objects downloaded, bytes, …). */
  stats: SourceStats;
  /** Problems that did not stop the page: an unreadable object, a pod that vanished. */
  warnings: string[];
  /**
   * The warnings (also in `warnings`) about data no later read can return either — lines that
   * fell out of the part of a container's log the source reads — each with the time up to which
   * entries may be missing. Other warnings may be transient (a download that failed).
   */
  lasting?: LastingGap[];
}

/** Entries at or before `until` may be missing, for the reason `warning` gives, for good. */
export interface LastingGap {
  warning: string;
  until: string;
}

export interface SourceStats {
  scanned: number;
  [counter: string]: number;
}

/** Narrows a listing: pods of a namespace, containers of a pod. */
export interface MetaScope {
  namespace?: string;
  pod?: string;
  bucket?: string;
}

export interface SourceHealth {
  up: boolean;
  detail: string;
}

/** The stream a row belongs to (one container log, one object, one collection), as a query narrows to it. */
export interface StreamScope {
  /** What the engine's filter keeps: exactly the stream's entries. */
  labels: LabelMatcher[];
  /** What the source pushes down, so it reads only that stream. */
  selectors: SourceSelectors;
}

/**
 * What a call to a backing service is, as `log_aggregator_backend_calls_total{call}` labels it:
 * Firestore `query` (one round trip of documents), `aggregation` (a `count()`), `listen` (a
 * snapshot listener opened), `list_collections`; GCS `list` (one page of a listing) and
 * `download`; pods `list` (pods), `read_pod`, `read` (one container log read) and `stream` (a
 * followed log opened).
 */
export type BackendCall =
  | 'query'
  | 'aggregation'
  | 'listen'
  | 'list_collections'
  | 'list'
  | 'download'
  | 'read_pod'
  | 'read'
  | 'stream';

/** Told about every call a source makes to its backing service, so a dashboard's cost shows. */
export type BackendCallObserver = (source: SourceName, call: BackendCall) => void;

/** The contract every source implements; the engine knows nothing else about them. */
export interface LogSource {
  readonly name: SourceName;
  /** Where the source reports its calls to its backing service (one observer; a later one replaces it). */
  observeCalls?(observer: BackendCallObserver): void;
  query(request: SourceRequest): Promise<SourceResult>;
  /** `undefined` when this source has no such field. */
  listValues(field: MetaField, scope: MetaScope, signal: AbortSignal): Promise<string[] | undefined>;
  health(signal: AbortSignal): Promise<SourceHealth>;
  /**
   * The stream of one of this source's ids, for "show context"; `undefined` for an id this
   * source did not issue. Only the source knows its id format.
   */
  contextScope(id: string): StreamScope | undefined;
  /**
   * Entries carrying one correlation value, whatever their time, found by lookups the source
   * can push down (Firestore: the document id and field equality); absent where the only way
   * is to read a window (the related view then reads one).
   */
  findCorrelated?(lookup: CorrelationLookup): Promise<SourceResult>;
  /** Follows what is written from now on; absent when the source cannot be followed. */
  follow?(sink: FollowSink, options: FollowOptions): Follower;
  close?(): Promise<void>;
}

/** One correlation value to look up, at most `limit` entries. */
export interface CorrelationLookup {
  field: CorrelationField;
  value: string;
  limit: number;
  signal: AbortSignal;
}

/** What a follower was doing when something failed (the collector's error metric label). */
export type FollowStage = 'listen' | 'list' | 'read' | 'stream';

/**
 * Where a follower of the same stream would resume without delivering an entry twice: the
 * newest time delivered, and how many records (documents, lines) at exactly that time were.
 */
export interface ResumeMark {
  time: Timestamp;
  count: number;
}

/** Entries that arrived together on one stream. */
export interface FollowBatch {
  /** Unique within the source: an object, a collection, a container of a pod. */
  stream: string;
  /** What the batch is counted under: a prefix, a collection, `namespace/app` (never a pod or an id). */
  origin: string;
  /** Mapped exactly as queries map them, oldest first. */
  entries: LogEntry[];
  resume: ResumeMark;
}

/**
 * Where a follower reports, bound to its source: entries, and how its connections fare.
 * `key` names one connection (a listener, a listing, a container stream) so a consumer can
 * tell a source that is down from one stream that failed and came back.
 */
export interface FollowSink {
  entries(batch: FollowBatch): void;
  /** The connection reached its source (a snapshot, a listing, an open stream). */
  connected(key: string): void;
  /** A caught failure; with `key`, that connection is failing until it connects again. */
  failed(stage: FollowStage, error: unknown, key?: string): void;
  /** A failed connection is being opened again. */
  reconnected(): void;
  /** A connection that no longer exists (a deleted pod) must not keep its source failing. */
  gone(key: string): void;
  /** Something an operator should hear about once, such as a limit reached. */
  warn(message: string, details: Record<string, unknown>): void;
}

export interface FollowOptions {
  /** Entries stamped (objects written) before this instant were there already and are not delivered. */
  sinceMs: number;
  /** The longest wait before a failed connection is tried again. */
  maxBackoffMs: number;
  /** How often a source that cannot push looks again (GCS listings, pod lists); listeners ignore it. */
  pollMs: number;
  /** Concurrent streams at most (container logs); what is past the cap is not followed. */
  maxStreams: number;
}

export interface Follower {
  start(): void;
  stop(): void;
}
