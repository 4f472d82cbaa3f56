import { parseTimestamp, type LogEntry, type Timestamp } from '../../model/index.js';
import {
  DEFAULT_FIELD_MAPPING,
  isRecord,
  recordToTimedEntry,
  type FieldMapping,
} from '../mapping/record-mapper.js';
import { textSeverity } from '../mapping/text-severity.js';

/** Where a record sits: one GCS object, read with one field mapping. */
export interface ObjectOrigin {
  bucket: string;
  name: string;
  /** The configured prefix the object was listed under (`trades/`). */
  prefix: string;
  /** The object's own time, for records without one. */
  fallbackTime: Timestamp;
  mapping?: FieldMapping;
}

const originLabels = (origin: ObjectOrigin): Record<string, string> => ({
  bucket: origin.bucket,
  object: origin.name,
  prefix: origin.prefix,
});

/** Ids are object + record index: stable, since objects never change once written. */
const recordId = (origin: ObjectOrigin, index: number): string => `${origin.bucket}/${origin.name}#${index}`;

/** Records of one object that carried no time the mapping recognizes, so they have the object's. */
export interface UntimedTally {
  untimed: number;
}

export function objectRecordEntry(
  record: unknown,
  index: number,
  origin: ObjectOrigin,
  tally?: UntimedTally,
): LogEntry {
  const structured = isRecord(record) ? record : { message: JSON.stringify(record) };
  const { entry, ownTime } = recordToTimedEntry(
    structured,
    {
      id: recordId(origin, index),
      source: 'gcs',
      labels: originLabels(origin),
      fallbackTime: origin.fallbackTime,
    },
    origin.mapping ?? DEFAULT_FIELD_MAPPING,
  );
  if (!ownTime && tally) tally.untimed += 1;
  return entry;
}

const LEADING_DATE = /^\d{4}-\d{2}-\d{2}/;

/** A line's leading time: `2026-11-29T07:01:13Z msg` or Python's `2026-11-29 07:01:13,123 msg`. */
function leadingTime(line: string): { time?: Timestamp; rest: string } {
  // Only a calendar date opens a timestamp: `42 items processed` would otherwise parse as
  // epoch second 42 and lose its first word.
  if (!LEADING_DATE.test(line)) return { rest: line };
  const words = line.split(' ');
  // Longest first: `2026-11-29 07:01:13 UTC msg` keeps its zone word out of the message.
  for (const take of [3, 2, 1]) {
    const time = parseTimestamp(words.slice(0, take).join(' '));
    if (time && words.length > take) return { time, rest: words.slice(take).join(' ') };
  }
  return { rest: line };
}

export function objectTextLineEntry(
  line: string,
  index: number,
  origin: ObjectOrigin,
  tally?: UntimedTally,
): LogEntry {
  const { time, rest } = leadingTime(line);
  if (!time && tally) tally.untimed += 1;
  return {
    id: recordId(origin, index),
    timestamp: time ?? origin.fallbackTime,
    source: 'gcs',
    severity: textSeverity(rest),
    message: rest,
    labels: originLabels(origin),
  };
}

/** The object an entry id (`bucket/object#index`) came from. */
export function objectOfId(id: string): { bucket: string; name: string } | undefined {
  const m = /^([^/]+)\/(.+)#\d+$/.exec(id);
  return m ? { bucket: m[1] ?? '', name: m[2] ?? '' } : undefined;
}
