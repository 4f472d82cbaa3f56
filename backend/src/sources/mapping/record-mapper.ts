import {
  labelSet,
  normalizeSeverity,
  parseTimestamp,
  type LogEntry,
  type Severity,
  type SourceName,
  type Timestamp,
} from '../../model/index.js';

/**
 * How a structured record (a JSON object in GCS, a Firestore document, a JSON log line)
 * becomes a `LogEntry`. The defaults fit GPT Runner+'s records; each prefix or collection
 * may override them through configuration.
 */
export interface FieldMapping {
  timestampFields: string[];
  severityFields: string[];
  messageFields: string[];
  /** Payload fields copied into labels, for filtering and grouping. */
  labelFields: string[];
  /** For records that carry no level: business events, not debug noise. */
  defaultSeverity: Severity;
}

export const DEFAULT_FIELD_MAPPING: FieldMapping = {
  timestampFields: ['timestamp', 'time', 'ts', '@timestamp', 'created_at', 'createdAt', 'executed_at'],
  severityFields: ['severity', 'level', 'levelname', 'log_level', 'lvl'],
  messageFields: ['message', 'msg', 'summary', 'text', 'event'],
  labelFields: [
    'symbol',
    'strategy',
    'side',
    'model',
    'status',
    'version',
    'account',
    'exchange',
    'logger',
    'component',
  ],
  defaultSeverity: 'INFO',
};

export type JsonRecord = Record<string, unknown>;

export const isRecord = (value: unknown): value is JsonRecord =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Statuses that mean an operation failed, which deserve ERROR even without a level field. */
const FAILED_STATUS =
  /^(fail(ed|ure)?|error(ed)?|reject(ed)?|cancel(l)?ed|timeout|timed[_ ]out|crash(ed)?)$/i;

function firstPresent(record: JsonRecord, fields: string[]): unknown {
  for (const field of fields) {
    const value = record[field];
    if (value !== undefined && value !== null && value !== '') return value;
  }
  return undefined;
}

function severityOf(record: JsonRecord, mapping: FieldMapping): Severity {
  const level = firstPresent(record, mapping.severityFields);
  if (level !== undefined) return normalizeSeverity(level);
  const status = record.status;
  if (typeof status === 'string' && FAILED_STATUS.test(status)) return 'ERROR';
  return mapping.defaultSeverity;
}

function formatNumber(value: unknown, signed = false): string {
  if (typeof value !== 'number') return String(value);
  // Cents as traders write them (189.20), but never rounding away a small quantity or price
  // (0.0015 BTC is not 0.00); eight places hide float noise such as 12.300000000000001.
  const text = Number.isInteger(value) ? String(value) : value.toFixed(8).replace(/0{1,6}$/, '');
  return signed && value >= 0 ? `+${text}` : text;
}

/** `BUY 10 AAPL @ 189.20 pnl=+12.30 [momentum-v3]`: how a trader reads a trade. */
function renderTrade(record: JsonRecord): string | undefined {
  const { side, symbol } = record;
  const qty = record.qty ?? record.quantity;
  if (typeof side !== 'string' || typeof symbol !== 'string' || qty === undefined) return undefined;
  const parts = [side.toUpperCase(), formatNumber(qty), symbol];
  if (record.price !== undefined) parts.push('@', formatNumber(record.price));
  if (record.pnl !== undefined) parts.push(`pnl=${formatNumber(record.pnl, true)}`);
  if (typeof record.status === 'string') parts.push(record.status);
  if (typeof record.strategy === 'string') parts.push(`[${record.strategy}]`);
  return parts.join(' ');
}

const MAX_RENDERED = 500;

/** A one-line rendering of any other record: its scalar fields as key=value. */
function renderScalars(record: JsonRecord, skip: Set<string>): string {
  const parts: string[] = [];
  for (const [key, value] of Object.entries(record)) {
    if (skip.has(key) || value === null || typeof value === 'object') continue;
    const text = typeof value === 'string' && /\s/.test(value) ? JSON.stringify(value) : String(value);
    parts.push(`${key}=${text}`);
  }
  const line = parts.join(' ');
  return line.length > MAX_RENDERED ? `${line.slice(0, MAX_RENDERED - 1)}…` : line;
}

function messageOf(record: JsonRecord, mapping: FieldMapping): string {
  const message = firstPresent(record, mapping.messageFields);
  if (typeof message === 'string') return message;
  if (message !== undefined) return JSON.stringify(message);
  const skip = new Set([...mapping.timestampFields, ...mapping.severityFields]);
  return renderTrade(record) ?? renderScalars(record, skip);
}

function labelsOf(
  record: JsonRecord,
  mapping: FieldMapping,
  base: Record<string, string>,
): Record<string, string> {
  const labels = labelSet(base);
  for (const field of mapping.labelFields) {
    const value = Object.hasOwn(record, field) ? record[field] : undefined;
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')
      labels[field] = String(value);
  }
  return labels;
}

export interface RecordOrigin {
  id: string;
  source: SourceName;
  /** Labels of the place the record came from: bucket and object, collection, pod. */
  labels: Record<string, string>;
  /** Used when the record carries no time of its own (the object's or document's time). */
  fallbackTime: Timestamp;
}

/** The first time field that holds a time: an unparseable `time` must not hide a good `created_at`. */
function timestampOf(record: JsonRecord, mapping: FieldMapping): Timestamp | undefined {
  for (const field of mapping.timestampFields) {
    const time = parseTimestamp(record[field]);
    if (time) return time;
  }
  return undefined;
}

export function recordToEntry(
  record: JsonRecord,
  origin: RecordOrigin,
  mapping = DEFAULT_FIELD_MAPPING,
): LogEntry {
  return recordToTimedEntry(record, origin, mapping).entry;
}

/** The entry, and whether the record carried a time of its own (else it has the origin's). */
export function recordToTimedEntry(
  record: JsonRecord,
  origin: RecordOrigin,
  mapping = DEFAULT_FIELD_MAPPING,
): { entry: LogEntry; ownTime: boolean } {
  const own = timestampOf(record, mapping);
  return {
    entry: mappedEntry(record, origin, mapping, own ?? origin.fallbackTime),
    ownTime: own !== undefined,
  };
}

function mappedEntry(
  record: JsonRecord,
  origin: RecordOrigin,
  mapping: FieldMapping,
  timestamp: Timestamp,
): LogEntry {
  return {
    id: origin.id,
    timestamp,
    source: origin.source,
    severity: severityOf(record, mapping),
    message: messageOf(record, mapping),
    labels: labelsOf(record, mapping, origin.labels),
    payload: record,
  };
}
