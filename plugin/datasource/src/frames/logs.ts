import { DataFrame, DataFrameType, FieldType, createDataFrame } from '@grafana/data';

import { LogEntry, LogsResponse } from '@gpt-runner-logs/contract';
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
function labelsOf(entry: LogEntry): Record<string, string> {
  return { source: entry.source, ...entry.labels };
}

const escapeRegex = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Grafana highlights `searchWords` as regular expressions. */
export function searchWords(search: string | undefined, regex: boolean | undefined): string[] {
  if (!search?.trim()) {
    return [];
  }
  return [regex ? search : escapeRegex(search)];
}

export interface LogsFrameOptions {
  refId: string;
  search?: string;
  regex?: boolean;
  limit?: number;
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
      { name: 'id', type: FieldType.string, values: entries.map((entry) => `${entry.source}:${entry.id}`) },
      { name: 'labels', type: FieldType.other, values: entries.map(labelsOf) },
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
