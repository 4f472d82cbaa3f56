import { Timestamp, type Firestore } from '@google-cloud/firestore';
import type { CountCall } from '../calls/call-counter.js';
import type { CollectionSettings } from './query-plan.js';

/**
 * A query ordered by a field leaves out, without a word, every document that lacks it (or holds
 * it as another type). This finds such documents with two aggregation counts — the collection's,
 * and that of `timeField >= <smallest value of the type>`; each is billed one read per 1,000
 * documents counted — and samples a few documents to name the time fields they do have.
 */

export interface TimeGap {
  collection: string;
  timeField: string;
  /** Documents every listing leaves out. */
  missing: number;
  total: number;
  /** Time-like fields of sampled documents without `timeField`: what the setting should probably say. */
  candidates: string[];
}

/** Documents sampled for the names of their time fields. */
const SAMPLE_SIZE = 20;

/** The smallest value of the configured type: `>=` it matches every document holding that type. */
function smallest(type: CollectionSettings['timeType']): Timestamp | string | number {
  if (type === 'string') return '';
  if (type === 'millis') return -Number.MAX_VALUE;
  // 0001-01-01T00:00:00Z, the earliest time Firestore stores.
  return new Timestamp(-62_135_596_800, 0);
}

function holdsType(value: unknown, type: CollectionSettings['timeType']): boolean {
  if (type === 'string') return typeof value === 'string';
  if (type === 'millis') return typeof value === 'number';
  return value instanceof Timestamp;
}

const TIME_NAME = /(?:time|date|_at|At|^ts)$|^(?:ts|time|timestamp|created|updated)/i;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}/;

/** Fields that look like a time by name or by value (a Timestamp, an ISO date string). */
function timeLikeFields(data: Record<string, unknown>): string[] {
  return Object.entries(data)
    .filter(
      ([name, value]) =>
        value instanceof Timestamp ||
        (typeof value === 'string' && ISO_DATE.test(value)) ||
        (TIME_NAME.test(name) && (typeof value === 'string' || typeof value === 'number')),
    )
    .map(([name]) => name);
}

export async function findTimeGap(
  db: Firestore,
  collection: string,
  settings: Pick<CollectionSettings, 'timeField' | 'timeType'>,
  count: CountCall = () => undefined,
): Promise<TimeGap | undefined> {
  const ref = db.collection(collection);
  const aggregate = <T>(call: () => Promise<T>): Promise<T> => {
    count('aggregation');
    return call();
  };
  const [all, dated] = await Promise.all([
    aggregate(() => ref.count().get()),
    aggregate(() => ref.where(settings.timeField, '>=', smallest(settings.timeType)).count().get()),
  ]);
  const total = all.data().count;
  const missing = total - dated.data().count;
  if (missing <= 0) return undefined;
  count('query');
  const sample = await ref.limit(SAMPLE_SIZE).get();
  const candidates = new Set<string>();
  for (const doc of sample.docs) {
    const data = doc.data();
    if (holdsType(data[settings.timeField], settings.timeType)) continue;
    for (const field of timeLikeFields(data)) if (field !== settings.timeField) candidates.add(field);
  }
  return { collection, timeField: settings.timeField, missing, total, candidates: [...candidates].sort() };
}

/** The warning shown on listings and in `/readyz`. */
export function describeTimeGap(gap: TimeGap): string {
  const found =
    gap.candidates.length > 0
      ? `; they have ${gap.candidates.join(', ')} (set FIRESTORE_TIME_FIELDS)`
      : '; sampled documents show no other time field';
  return (
    `collection ${gap.collection}: ${gap.missing} of ${gap.total} documents lack the time field ` +
    `${gap.timeField} (or hold it as another type than FIRESTORE_TIME_TYPE) and are left out of every listing${found}`
  );
}
