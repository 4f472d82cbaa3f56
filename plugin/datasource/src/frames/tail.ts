import { CircularDataFrame, DataFrameType, FieldType } from '@grafana/data';
import { LogEntry } from '@gpt-runner-logs/contract';

import { grafanaLevel, labelsOf, rowId, searchWords } from './logs';

export interface TailFrameOptions {
  refId: string;
  /** Rows kept: the oldest go as new ones come. */
  capacity: number;
  search?: string;
  regex?: boolean;
}

/** One row of a live frame: the fields of the logs frame that do not depend on the whole page. */
interface TailRow {
  timestamp: number;
  body: string;
  severity: string;
  id: string;
  labels: Record<string, string>;
}

/**
 * A `log-lines` frame that grows as entries arrive, in a ring of `capacity` rows (Grafana's
 * `CircularDataFrame`), oldest first, with the fields of the page frames (payload columns
 * aside: they depend on a whole page, and a live view shows the line and its labels).
 */
export function tailFrame(options: TailFrameOptions): CircularDataFrame<TailRow> {
  const frame = new CircularDataFrame<TailRow>({ append: 'tail', capacity: options.capacity });
  frame.refId = options.refId;
  frame.name = options.refId;
  frame.meta = {
    type: DataFrameType.LogLines,
    typeVersion: [0, 0],
    preferredVisualisationType: 'logs',
    searchWords: searchWords(options.search, options.regex),
  };
  frame.addField({ name: 'timestamp', type: FieldType.time });
  frame.addField({ name: 'body', type: FieldType.string });
  frame.addField({ name: 'severity', type: FieldType.string });
  frame.addField({ name: 'id', type: FieldType.string });
  frame.addField({ name: 'labels', type: FieldType.other });
  return frame;
}

export function appendEntries(frame: CircularDataFrame<TailRow>, entries: LogEntry[]): void {
  for (const entry of entries) {
    frame.add({
      timestamp: Date.parse(entry.timestamp),
      body: entry.message,
      severity: grafanaLevel(entry.severity),
      id: rowId(entry),
      labels: labelsOf(entry),
    });
  }
}
