import type { ReadStats } from '@gpt-runner-logs/contract';
import { DIGEST_LABEL_GROUPS } from '@gpt-runner-logs/contract';
import { compareKeys, labelValue, mapInSlices, type LogEntry, type LogQuery } from '../model/index.js';
import type { QueryEngine } from '../query/engine.js';
import { walkEntries, type EntriesFingerprint } from '../query/collect.js';
import { firstLine, tokenize } from './patterns/index.js';

/**
 * What patterns and summaries read of a query: up to `maxEntries` matches, page by page,
 * each entry cut down as its page arrives to what mining and the digest look at, and the
 * page dropped. Mining order decides template ids, so the entries are mined oldest first
 * once the read is done (pages come newest first, so that a truncated read keeps the most
 * recent entries); what is held until then is one small row per entry, not its record.
 *
 * A row is a `LogEntry` whose message is the first line of the redacted message (all the
 * miner, the examples and the variables read) and whose labels are only those the digest
 * counts and those that may name a variable (a label whose value appears in that line:
 * a variable's value is always a piece of it). The id stays: it orders entries of one
 * instant. Every result computed from rows is the one computed from the whole entries.
 */
export interface InsightRead {
  /** Oldest first. */
  entries: LogEntry[];
  stats: ReadStats;
}

/** Labels a digest counts by value. */
const COUNTED_LABELS: ReadonlySet<string> = new Set(Object.values(DIGEST_LABEL_GROUPS));

/** Hoisted: a regex literal in a loop is a new object on every pass. */
const WHITESPACE = /\s/;

/** Shared by every row that keeps no label: rows are read, never written. */
const NO_LABELS: Readonly<Record<string, string>> = Object.freeze({});

export async function readForInsight(
  engine: Pick<QueryEngine, 'page'>,
  query: LogQuery,
  maxEntries: number,
  redact: (text: string) => string,
  /** Takes each entry with its message redacted whole, when given: how a summary's cache key names what was read. */
  fingerprint?: EntriesFingerprint,
): Promise<InsightRead> {
  const entries: LogEntry[] = [];
  const walked = await walkEntries(engine, query, maxEntries, async (page) => {
    const rows = await mapInSlices(page, (entry) => {
      const redacted = redact(entry.message);
      fingerprint?.add(entry, redacted);
      return rowOf(entry, redacted);
    });
    for (const row of rows) entries.push(row);
  });
  entries.sort(compareKeys);
  const { truncated, partial, warnings } = walked;
  return { entries, stats: { entries: entries.length, truncated, partial, warnings } };
}

/** The row of an entry whose message, redacted, is `redacted`. */
export function rowOf({ id, timestamp, source, severity, labels }: LogEntry, redacted: string): LogEntry {
  const line = standalone(firstLine(redacted), redacted);
  return { id, timestamp, source, severity, message: line, labels: labelsRead(line, labels) };
}

/**
 * The labels of an entry that its row needs, in their order (the first of several labels
 * naming a variable wins): the counted ones, and those whose value is a piece of `line` as
 * the variables cut it, i.e. of its tokens joined by single spaces.
 */
function labelsRead(
  line: string,
  labels: Readonly<Record<string, string>>,
): Readonly<Record<string, string>> {
  let kept: Record<string, string> | undefined;
  let words: string | undefined;
  // `for … in` over own names, in the order `Object.keys` gives, without an array per entry.
  for (const name in labels) {
    const value = labelValue(labels, name);
    if (value === undefined) continue;
    const inLine = WHITESPACE.test(value)
      ? (words ??= tokenize(line).join(' ')).includes(value)
      : line.includes(value);
    if (!inLine && !COUNTED_LABELS.has(name)) continue;
    kept ??= {};
    // A plain object is far smaller than a prototype-less one; `__proto__` must not set its prototype.
    if (name === '__proto__') Object.defineProperty(kept, name, { value, enumerable: true, writable: true });
    else kept[name] = value;
  }
  return kept ?? NO_LABELS;
}

/**
 * `part` of `whole` as a string of its own: a first line cut from a long message (a
 * traceback) would otherwise keep the whole message alive for as long as the row.
 */
function standalone(part: string, whole: string): string {
  return part.length === whole.length ? part : (JSON.parse(JSON.stringify(part)) as string);
}
