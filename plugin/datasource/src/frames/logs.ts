import { DataFrame, DataFrameType, FieldType, createDataFrame } from '@grafana/data';

import { LogEntry, LogsResponse, escapeRegex } from '@gpt-runner-logs/contract';
import { toNotices } from './notices';
import { parsePreciseTime } from './time';

/**
 * Grafana's level names differ from Cloud Logging's in one place: EMERGENCY is `emerg`.
 * Everything else, lower-cased, is a level Grafana colours.
 */
export function grafanaLevel(severity: string): string {
  return severity === 'EMERGENCY' ? 'emerg' : severity.toLowerCase();
}

/** The source travels as a label so that it shows in details and can be filtered on. */
export function labelsOf(entry: LogEntry): Record<string, string> {
  return { source: entry.source, ...entry.labels };
}

/** A row's id, unique across sources (each source's ids are unique only within it). */
export const rowId = (entry: LogEntry): string => `${entry.source}:${entry.id}`;

/**
 * Grafana highlights `searchWords` as regular expressions, case-sensitive unless they carry
 * the `(?i)` flag; the backend matches both substrings and regexes case-insensitively, so
 * every match it returns is highlighted.
 */
export function searchWords(search: string | undefined, regex: boolean | undefined): string[] {
  if (!search?.trim()) {
    return [];
  }
  return [`(?i)${regex ? search : escapeRegex(search)}`];
}

export interface LogsFrameOptions {
  refId: string;
  search?: string;
  regex?: boolean;
  limit?: number;
}

/** Fields of the data-plane logs contract; a payload key of the same name goes under `payload_`. */
const CORE_FIELDS = new Set(['timestamp', 'body', 'severity', 'id', 'labels']);

/** Enough for any record GPT Runner+ writes; a page of odd records must not make hundreds of columns. */
export const MAX_PAYLOAD_FIELDS = 40;

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const fieldValue = (value: unknown): string | null => {
  if (value === undefined || value === null) {
    return null;
  }
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
};

/** The page's payload keys, most common first, at most `MAX_PAYLOAD_FIELDS`. */
function payloadKeys(entries: LogEntry[]): string[] {
  const counts = new Map<string, number>();
  for (const entry of entries) {
    if (!isRecord(entry.payload)) {
      continue;
    }
    for (const key of Object.keys(entry.payload)) {
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
  }
  return [...counts.entries()]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, MAX_PAYLOAD_FIELDS)
    .map(([key]) => key);
}

/** A value details already show: the line itself, or a label of the same name. */
const repeats = (entry: LogEntry, key: string, value: string): boolean =>
  value === entry.message || (Object.hasOwn(entry.labels, key) && entry.labels[key] === value);

/**
 * The structured record's top-level fields (a trade's qty, price, pnl and order id, a
 * reflection's text) as extra fields, which Grafana shows in log details. A value the entry
 * already shows (its message, or a label of the same name) is left empty, so details do not repeat it.
 */
function payloadFields(entries: LogEntry[]) {
  return payloadKeys(entries).map((key) => ({
    name: CORE_FIELDS.has(key) ? `payload_${key}` : key,
    type: FieldType.string,
    values: entries.map((entry) => {
      const value = isRecord(entry.payload) ? fieldValue(entry.payload[key]) : null;
      return value === null || repeats(entry, key, value) ? null : value;
    }),
  }));
}

/** A `log-lines` frame (Grafana's data-plane logs contract) from one page of entries. */
export function logsFrame(entries: LogEntry[], options: LogsFrameOptions): DataFrame {
  const times = entries.map((entry) => parsePreciseTime(entry.timestamp));
  const frame = createDataFrame({
    refId: options.refId,
    name: options.refId,
    meta: {
      type: DataFrameType.LogLines,
      typeVersion: [0, 0],
      preferredVisualisationType: 'logs',
      searchWords: searchWords(options.search, options.regex),
      limit: options.limit,
    },
    fields: [
      { name: 'timestamp', type: FieldType.time, values: times.map((t) => t.ms), nanos: times.map((t) => t.nanos) },
      { name: 'body', type: FieldType.string, values: entries.map((entry) => entry.message) },
      { name: 'severity', type: FieldType.string, values: entries.map((entry) => grafanaLevel(entry.severity)) },
      { name: 'id', type: FieldType.string, values: entries.map(rowId) },
      { name: 'labels', type: FieldType.other, values: entries.map(labelsOf) },
      ...payloadFields(entries),
    ],
  });
  return frame;
}

export function logsResponseToFrame(response: LogsResponse, options: LogsFrameOptions): DataFrame {
  const frame = logsFrame(response.entries ?? [], options);
  frame.meta = {
    ...frame.meta,
    notices: toNotices(response.warnings, response.partial),
    custom: { nextCursor: response.nextCursor, partial: response.partial, stats: response.stats },
  };
  return frame;
}
