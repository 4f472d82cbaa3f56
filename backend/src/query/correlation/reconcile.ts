import {
  MAX_RECONCILE_LISTED,
  MAX_RECONCILE_RECORDS,
  type ReconcileDifference,
  type ReconcileKind,
  type ReconcileOnly,
  type ReconcileResponse,
} from '@gpt-runner-logs/contract';
import {
  formatEpochMs,
  labelValue,
  type LogEntry,
  type LogQuery,
  type Timestamp,
} from '../../model/index.js';
import { collectEntries } from '../collect.js';
import type { QueryEngine } from '../engine.js';

/**
 * `/logs/reconcile`: are the trades in Firestore also archived in GCS, and do both say the
 * same? Both stores' trades of a window are read through the engine (GCS: the configured
 * prefix, its dated folders pruned to the window; Firestore: one collection, range-filtered),
 * keyed by order id, and compared field by field.
 */
export interface ReconcileSettings {
  gcsPrefix: string;
  collection: string;
  key: string;
  fields: string[];
}

export interface ReconcileRequest {
  from: Timestamp;
  to: Timestamp;
}

/** Told about every complete run (a partial one would count a failed source's trades as missing). */
export type ReconcileObserver = (counts: Record<ReconcileKind, number>) => void;

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The value a field has in an entry's record (its labels where the record lacks it). */
function fieldOf(entry: LogEntry, field: string): unknown {
  if (isRecord(entry.payload) && Object.hasOwn(entry.payload, field)) return entry.payload[field];
  return labelValue(entry.labels, field);
}

/** `12.5` and `"12.50"` are the same price; anything else compares as written. */
function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  const na = typeof a === 'string' && a.trim() !== '' ? Number(a) : a;
  const nb = typeof b === 'string' && b.trim() !== '' ? Number(b) : b;
  if (typeof na === 'number' && typeof nb === 'number') return na === nb;
  return JSON.stringify(a) === JSON.stringify(b);
}

function byKey(entries: LogEntry[], key: string): Map<string, LogEntry> {
  const map = new Map<string, LogEntry>();
  for (const entry of entries) {
    const value = fieldOf(entry, key);
    if (typeof value === 'string' && value !== '' && !map.has(value)) map.set(value, entry);
  }
  return map;
}

const only = (orderId: string, entry: LogEntry): ReconcileOnly => {
  const status = fieldOf(entry, 'status');
  return {
    orderId,
    timestamp: entry.timestamp,
    id: entry.id,
    ...(typeof status === 'string' ? { status } : {}),
  };
};

/**
 * One store's trades of the window: the selector prunes the source's reading (GCS folders,
 * one collection); the label keeps other prefixes' and collections' records out wherever a
 * source cannot push the selector down.
 */
function readStore(
  engine: Pick<QueryEngine, 'page'>,
  request: ReconcileRequest,
  store: Pick<LogQuery, 'sources' | 'labels' | 'selectors'>,
  signal?: AbortSignal,
) {
  const query: LogQuery = {
    ...store,
    from: request.from,
    to: request.to,
    severities: [],
    limit: 5_000,
    direction: 'backward',
  };
  return collectEntries(engine, query, MAX_RECONCILE_RECORDS, signal);
}

export async function reconcile(
  engine: Pick<QueryEngine, 'page'>,
  settings: ReconcileSettings,
  request: ReconcileRequest,
  signal?: AbortSignal,
): Promise<ReconcileResponse> {
  const started = performance.now();
  const { gcsPrefix: prefix, collection } = settings;
  const [gcs, firestore] = await Promise.all([
    readStore(
      engine,
      request,
      {
        sources: ['gcs'],
        labels: [{ name: 'prefix', op: '=', value: prefix }],
        selectors: { gcs: { prefixes: [prefix] } },
      },
      signal,
    ),
    readStore(
      engine,
      request,
      {
        sources: ['firestore'],
        labels: [{ name: 'collection', op: '=', value: collection }],
        selectors: { firestore: { collections: [collection] } },
      },
      signal,
    ),
  ]);
  const archived = byKey(gcs.entries, settings.key);
  const stored = byKey(firestore.entries, settings.key);
  const onlyInGcs = [...archived].filter(([id]) => !stored.has(id)).map(([id, e]) => only(id, e));
  const onlyInFirestore = [...stored].filter(([id]) => !archived.has(id)).map(([id, e]) => only(id, e));
  const differences: ReconcileDifference[] = [];
  let differing = 0;
  for (const [orderId, kept] of stored) {
    const copy = archived.get(orderId);
    if (!copy) continue;
    const fields = settings.fields.filter((field) => !sameValue(fieldOf(copy, field), fieldOf(kept, field)));
    if (fields.length > 0) differing += 1;
    for (const field of fields)
      differences.push({
        orderId,
        timestamp: kept.timestamp,
        field,
        gcs: fieldOf(copy, field) ?? null,
        firestore: fieldOf(kept, field) ?? null,
      });
  }
  const oldestFirst = <T extends { timestamp: string }>(items: T[]): T[] =>
    items
      .sort((a, b) => (a.timestamp < b.timestamp ? -1 : a.timestamp > b.timestamp ? 1 : 0))
      .slice(0, MAX_RECONCILE_LISTED);
  return {
    window: { from: request.from, to: request.to },
    key: settings.key,
    fields: settings.fields,
    counts: {
      gcs: archived.size,
      firestore: stored.size,
      matched: stored.size - onlyInFirestore.length - differing,
      only_in_gcs: onlyInGcs.length,
      only_in_firestore: onlyInFirestore.length,
      field_differs: differing,
    },
    onlyInGcs: oldestFirst(onlyInGcs),
    onlyInFirestore: oldestFirst(onlyInFirestore),
    differences: oldestFirst(differences),
    truncated: gcs.truncated || firestore.truncated,
    partial: gcs.partial || firestore.partial,
    warnings: [...gcs.warnings, ...firestore.warnings],
    stats: {
      tookMs: Math.round(performance.now() - started),
      gcsScanned: gcs.scanned,
      firestoreScanned: firestore.scanned,
    },
  };
}

/** The counts a metric reports, by kind. */
export const mismatchCounts = (response: ReconcileResponse): Record<ReconcileKind, number> => ({
  only_in_gcs: response.counts.only_in_gcs,
  only_in_firestore: response.counts.only_in_firestore,
  field_differs: response.counts.field_differs,
});

/** The window reconciled when none is asked for: the last `windowMs`, up to `settleMs` ago (younger trades may not be archived yet). */
export function defaultReconcileWindow(
  nowMs: number,
  { windowMs, settleMs }: { windowMs: number; settleMs: number },
): { from: string; to: string } {
  const to = nowMs - settleMs;
  return { from: formatEpochMs(Math.max(0, to - windowMs)), to: formatEpochMs(to) };
}
