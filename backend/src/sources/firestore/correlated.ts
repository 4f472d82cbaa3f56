import type { CollectionReference, DocumentSnapshot, QueryDocumentSnapshot } from '@google-cloud/firestore';
import { comparatorFor, mergeSorted, type LogEntry } from '../../model/index.js';
import type { CorrelationLookup, SourceResult } from '../../query/log-source.js';

/**
 * The related view's lookup in Firestore: GPT Runner+ keys trade documents by order id and
 * writes the ids into fields, so one value is found by a document get and an equality query
 * per collection — a few billed reads, whatever the time, instead of scanning a window.
 * Single-field equality needs no composite index (Firestore indexes every field by default).
 */

/** A document id Firestore accepts: no slash, not `.`/`..`, not `__…__`, at most 1,500 bytes. */
const isDocumentId = (value: string): boolean =>
  !value.includes('/') &&
  value !== '.' &&
  value !== '..' &&
  !/^__.*__$/.test(value) &&
  Buffer.byteLength(value) <= 1500;

export interface CorrelatedTarget {
  collection: string;
  ref: CollectionReference;
  toEntry: (doc: QueryDocumentSnapshot) => LogEntry;
}

export async function findCorrelatedDocuments(
  targets: CorrelatedTarget[],
  lookup: CorrelationLookup,
): Promise<SourceResult> {
  const stats = { scanned: 0, queries: 0, documentsRead: 0 };
  const lists = await Promise.all(
    targets.map(async ({ ref, toEntry }) => {
      const [byId, byField] = await Promise.all([
        isDocumentId(lookup.value) ? ref.doc(lookup.value).get() : undefined,
        ref.where(lookup.field.name, '==', lookup.value).limit(lookup.limit).get(),
      ]);
      lookup.signal.throwIfAborted();
      stats.queries += byId ? 2 : 1;
      // A get is billed even when the document does not exist.
      stats.documentsRead += (byId ? 1 : 0) + Math.max(1, byField.size);
      const docs = new Map<string, QueryDocumentSnapshot>();
      if (byId?.exists) docs.set(byId.id, byId as DocumentSnapshot as QueryDocumentSnapshot);
      for (const doc of byField.docs) docs.set(doc.id, doc);
      stats.scanned += docs.size;
      return [...docs.values()].map(toEntry).sort(comparatorFor('forward'));
    }),
  );
  return { entries: mergeSorted(lists, comparatorFor('forward'), lookup.limit), stats, warnings: [] };
}
