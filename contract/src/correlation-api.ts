/**
 * Parameters, bounds and answers of the correlation endpoints: `/logs/related` (one order
 * across every source), `/logs/reconcile` (the GCS archive against Firestore) and the
 * listings' `dedupe`.
 */
import { LOG_QUERY_PARAM_NAMES } from './params.js';
import type { Severity, SourceName } from './vocabulary.js';
import type { LogEntry, Timestamp, Warning } from './wire.js';

/** `GET /logs` and `/logs/{source}`: a listing, plus `dedupe=true` to show a record stored twice once. */
export const LISTING_PARAM_NAMES = [...LOG_QUERY_PARAM_NAMES, 'dedupe'] as const;

/** `GET /logs/related`: a key, its value, an optional window and how many entries at most. */
export const RELATED_PARAM_NAMES = ['key', 'value', 'from', 'to', 'limit'] as const;

/** `GET /logs/reconcile`: the window of trades compared. */
export const RECONCILE_PARAM_NAMES = ['from', 'to'] as const;

export type ListingParamName = (typeof LISTING_PARAM_NAMES)[number];
export type RelatedParamName = (typeof RELATED_PARAM_NAMES)[number];
export type ReconcileParamName = (typeof RECONCILE_PARAM_NAMES)[number];

/** Entries `/logs/related` returns unless `limit` says otherwise, and at most. */
export const DEFAULT_RELATED_LIMIT = 1_000;
export const MAX_RELATED_LIMIT = 5_000;

/** Without `from`/`to`, the window around the first sighting: this long before it (the submission) … */
export const RELATED_WINDOW_BEFORE_MS = 30 * 60_000;
/** … and this long after it (fills, retries, and the reflection within the hour). */
export const RELATED_WINDOW_AFTER_MS = 2 * 60 * 60_000;
/** Where nothing pinpoints the first sighting, the window searched ends now and is this long. */
export const RELATED_FALLBACK_WINDOW_MS = 24 * 60 * 60_000;

/** Trades of one reconciliation, per store, at most (past it the answer says it is truncated). */
export const MAX_RECONCILE_RECORDS = 50_000;
/** Mismatches listed per kind at most; the counts are always complete. */
export const MAX_RECONCILE_LISTED = 500;

/** A place an id is expected to leave a trace: a source, narrowed by one label. */
export interface ExpectedPlace {
  source: SourceName;
  label: string;
  value: string;
  /** How the timeline names it: `gcs trades/`, `pods app=trader`. */
  name: string;
}

/** The header of `/logs/related`: where and when the value was seen. */
export interface RelatedTimeline {
  key: string;
  value: string;
  firstSeen?: Timestamp;
  lastSeen?: Timestamp;
  /** Entries per source where the value appears. */
  sources: Partial<Record<SourceName, number>>;
  severities: Partial<Record<Severity, number>>;
  /** Places where an id of this key is expected and this one was not found. */
  missing: ExpectedPlace[];
  /** Expected places this token may not read: not checked. */
  unchecked: ExpectedPlace[];
}

/** `GET /logs/related`. */
export interface RelatedResponse {
  timeline: RelatedTimeline;
  /** Oldest first. */
  entries: LogEntry[];
  window: { from: Timestamp; to: Timestamp; basis: 'request' | 'first-sighting' | 'fallback' };
  /** More entries carried the value than `limit`. */
  truncated: boolean;
  partial: boolean;
  warnings: Warning[];
  stats: {
    scanned: number;
    tookMs: number;
    sources: Partial<Record<SourceName, { scanned: number; pushdown: string; tookMs: number }>>;
  };
}

export const RECONCILE_KINDS = ['only_in_gcs', 'only_in_firestore', 'field_differs'] as const;
export type ReconcileKind = (typeof RECONCILE_KINDS)[number];

/** One trade found in one store only. */
export interface ReconcileOnly {
  orderId: string;
  timestamp: Timestamp;
  /** The entry's id in the store that has it. */
  id: string;
  status?: string;
}

/** One field of one trade that the two stores disagree on. */
export interface ReconcileDifference {
  orderId: string;
  timestamp: Timestamp;
  field: string;
  gcs: unknown;
  firestore: unknown;
}

/** `GET /logs/reconcile`. */
export interface ReconcileResponse {
  window: { from: Timestamp; to: Timestamp };
  key: string;
  fields: string[];
  counts: {
    gcs: number;
    firestore: number;
    matched: number;
    only_in_gcs: number;
    only_in_firestore: number;
    field_differs: number;
  };
  onlyInGcs: ReconcileOnly[];
  onlyInFirestore: ReconcileOnly[];
  differences: ReconcileDifference[];
  /** A store held more trades than `MAX_RECONCILE_RECORDS` in the window: counts cover the newest. */
  truncated: boolean;
  partial: boolean;
  warnings: Warning[];
  stats: { tookMs: number; gcsScanned: number; firestoreScanned: number };
}
