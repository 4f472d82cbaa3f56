import { parseTimestamp, type LogEntry, type Timestamp } from '../../model/index.js';
import {
  DEFAULT_FIELD_MAPPING,
  isRecord,
  recordToEntry,
  type FieldMapping,
} from '../mapping/record-mapper.js';
import { textSeverity } from '../mapping/text-severity.js';

/**
 * Turns a container log, as the API server returns it with `timestamps=true`, into entries:
 * one per record, with multi-line records (Python tracebacks, Java and Node stack traces,
 * indented continuations) joined into the entry they belong to.
 */
export interface PodLogOrigin {
  namespace: string;
  pod: string;
  container: string;
  previous: boolean;
  /** namespace, pod, container, node, app … */
  labels: Record<string, string>;
}

interface RawLine {
  time: Timestamp;
  text: string;
}

/**
 * Where a Python traceback stands: reading its frames (up to the exception line), or past
 * the exception line, where only blank lines and a chained-exception header still belong.
 */
type TracebackPhase = 'frames' | 'ended';

interface PendingRecord {
  time: Timestamp;
  /** Position of the first line among the lines stamped with the same instant. */
  rank: number;
  lines: string[];
  traceback?: TracebackPhase;
}

// The kubelet writes RFC 3339 (`2026-11-29T07:01:13.123456789Z`). Anything else in front of
// a line, such as `42 items`, is text, even when it would parse as an epoch number.
const KUBELET_STAMP = /^\d{4}-\d{2}-\d{2}T\S+$/;

/** `sinceTime` is read with second precision; flooring keeps it inclusive. */
export const sinceTimeOf = (ts: Timestamp): string => `${ts.slice(0, 19)}Z`;

/** Splits `2026-11-29T07:01:13.123456789Z text` as the kubelet writes it. */
export function splitTimestampedLine(line: string): RawLine | undefined {
  const space = line.indexOf(' ');
  const stamp = space === -1 ? line : line.slice(0, space);
  if (!KUBELET_STAMP.test(stamp)) return undefined;
  const time = parseTimestamp(stamp);
  if (!time) return undefined;
  return { time, text: space === -1 ? '' : line.slice(space + 1) };
}

const TRACEBACK_START = /^Traceback \(most recent call last\):/;
const CHAINED_EXCEPTION =
  /^(During handling of the above exception|The above exception was the direct cause)/;
/** The line that closes a Python traceback: `ValueError: bad`, `mod.Error:`, `KeyboardInterrupt`. */
const EXCEPTION_LINE = /^[A-Za-z_][\w.]*(:(\s|$)|$)/;
const JAVA_CONTINUATION = /^(Caused by: |Suppressed: |\.\.\. \d+ (more|common frames omitted))/;
const INDENTED = /^\s+\S/;
/** Java (`\tat com.x.Y.z(Y.java:1)`) and Node (`    at fn (file.js:1:2)`) stack frames. */
const STACK_FRAME = /^\s+at\s/;

function continuesRecord(text: string, record: PendingRecord): boolean {
  if (INDENTED.test(text)) return true; // stack frames, wrapped values
  if (JAVA_CONTINUATION.test(text) || TRACEBACK_START.test(text)) return true;
  if (record.traceback === 'frames') return text === '' || EXCEPTION_LINE.test(text);
  // After the exception line the traceback is over unless another one is chained to it;
  // without this, the next record (`ERROR: retrying`) would be swallowed into it.
  if (record.traceback === 'ended') return text === '' || CHAINED_EXCEPTION.test(text);
  return false;
}

function nextPhase(text: string, phase: TracebackPhase | undefined): TracebackPhase | undefined {
  if (TRACEBACK_START.test(text)) return 'frames';
  if (phase === 'frames' && text !== '' && !INDENTED.test(text)) return 'ended';
  return phase;
}

function parseJsonLine(text: string): Record<string, unknown> | undefined {
  if (!text.startsWith('{')) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    return isRecord(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

// The kubelet's time orders and resumes pod reads (`sinceTime`), so it wins over a record's own.
const POD_MAPPING: FieldMapping = {
  ...DEFAULT_FIELD_MAPPING,
  timestampFields: [],
  defaultSeverity: 'DEFAULT',
};

function toEntry(record: PendingRecord, origin: PodLogOrigin, id: string): LogEntry {
  const lines = [...record.lines];
  // Blank lines after a traceback were kept in case a chained exception followed; none did.
  while (lines.length > 1 && lines.at(-1) === '') lines.pop();
  const [first = '', ...rest] = lines;
  const json = parseJsonLine(first);
  const base = { id, source: 'pods' as const, labels: origin.labels, fallbackTime: record.time };
  const entry: LogEntry = json
    ? recordToEntry(json, base, POD_MAPPING)
    : {
        id,
        timestamp: record.time,
        source: 'pods',
        severity: textSeverity(first),
        message: first,
        labels: origin.labels,
      };
  // A structured line followed by a traceback (logger.exception) is one record: keep both.
  if (rest.length > 0) entry.message = [entry.message, ...rest].join('\n');
  // A stack trace is an error report even when no level was printed with it.
  const stackTrace = record.traceback !== undefined || rest.some((line) => STACK_FRAME.test(line));
  if (entry.severity === 'DEFAULT' && stackTrace) entry.severity = 'ERROR';
  return entry;
}

function streamId(origin: PodLogOrigin): string {
  return `${origin.namespace}/${origin.pod}/${origin.container}${origin.previous ? '/previous' : ''}`;
}

/**
 * Ids are the stream plus the first line's kubelet time and its rank among all lines of the
 * same instant (continuation lines included). A `sinceTime` read returns every line at or
 * after its time, so that rank is the same whichever window the log was read with, even
 * when the window starts inside a multi-line record whose lines share one instant.
 *
 * A line without a kubelet time continues the record before it; one before any record
 * cannot be placed in time and is dropped.
 */
export function parsePodLog(body: string, origin: PodLogOrigin): LogEntry[] {
  const entries: LogEntry[] = [];
  const stream = streamId(origin);
  const linesAt = new Map<Timestamp, number>();
  let pending: PendingRecord | undefined;
  const flush = (): void => {
    if (!pending) return;
    entries.push(toEntry(pending, origin, `${stream}@${pending.time}#${pending.rank}`));
    pending = undefined;
  };
  for (const line of body.split('\n')) {
    const text = line.replace(/\r$/, '');
    const raw = splitTimestampedLine(text);
    if (!raw) {
      // The empty string after the final newline is not a line.
      if (pending && text !== '') pending.lines.push(text);
      continue;
    }
    const rank = linesAt.get(raw.time) ?? 0;
    linesAt.set(raw.time, rank + 1);
    if (pending && continuesRecord(raw.text, pending)) {
      pending.lines.push(raw.text);
      pending.traceback = nextPhase(raw.text, pending.traceback);
      continue;
    }
    flush();
    pending = { time: raw.time, rank, lines: [raw.text], traceback: nextPhase(raw.text, undefined) };
  }
  flush();
  return entries;
}

export interface PodStream {
  namespace: string;
  pod: string;
  container: string;
  previous: boolean;
}

/** The container log an entry id (`ns/pod/container[/previous]@time#rank`) came from. */
export function podStreamOfId(id: string): PodStream | undefined {
  const m = /^([^/@]+)\/([^/@]+)\/([^/@]+)(\/previous)?@/.exec(id);
  if (!m) return undefined;
  const [, namespace = '', pod = '', container = '', previous] = m;
  return { namespace, pod, container, previous: previous !== undefined };
}
