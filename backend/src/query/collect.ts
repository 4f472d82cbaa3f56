import { createHash } from 'node:crypto';
import { MAX_LIMIT, type LogEntry, type LogQuery } from '../model/index.js';
import type { QueryEngine, SourceShares, Warning } from './engine.js';
import { sharesOf } from './log-reader.js';

/** What a walk over a query's pages saw, besides the entries it handed on. */
export interface Walked {
  /** Entries handed on. */
  read: number;
  /** The last entry handed on: the oldest, newest first. */
  last: LogEntry | undefined;
  /** More entries matched than were read. */
  truncated: boolean;
  /** A source failed on some page; its entries are missing. */
  partial: boolean;
  /** Distinct warnings of all pages, in order of first appearance. */
  warnings: Warning[];
  pages: number;
  scanned: number;
}

/** What a summary or a pattern listing reads: up to `maxEntries` matches of a query. */
export interface Collected extends Walked {
  entries: LogEntry[];
}

/**
 * Pages through the engine, each page resuming after the last, until the query is exhausted
 * or `maxEntries` are read, handing each page to `onPage` as it comes: a caller that counts or
 * slims entries holds one page of whole records at a time, not `maxEntries`. The query's
 * direction is kept: newest first (the default) means a truncated read keeps the most recent
 * entries, which are the ones a summary is about.
 */
export async function walkEntries(
  engine: Pick<QueryEngine, 'page'>,
  query: LogQuery,
  maxEntries: number,
  onPage: (entries: LogEntry[]) => void | Promise<void>,
  signal?: AbortSignal,
): Promise<Walked> {
  const walked: Walked = {
    read: 0,
    last: undefined,
    truncated: false,
    partial: false,
    warnings: [],
    pages: 0,
    scanned: 0,
  };
  const seen = new Set<string>();
  let after = query.after;
  let shares: SourceShares | undefined;
  for (;;) {
    signal?.throwIfAborted();
    const limit = Math.min(MAX_LIMIT, maxEntries - walked.read);
    const page = await engine.page({ ...query, limit, after }, signal, shares);
    shares = sharesOf(page.entries);
    walked.pages += 1;
    walked.scanned += page.stats.scanned;
    walked.partial ||= page.partial;
    for (const warning of page.warnings) {
      const key = `${warning.source}\u0000${warning.message}`;
      if (!seen.has(key)) walked.warnings.push(warning);
      seen.add(key);
    }
    walked.read += page.entries.length;
    walked.last = page.entries.at(-1) ?? walked.last;
    await onPage(page.entries);
    if (!page.next) return walked;
    if (walked.read >= maxEntries) {
      walked.truncated = true;
      return walked;
    }
    after = page.next;
  }
}

/** `walkEntries`, keeping every entry. */
export async function collectEntries(
  engine: Pick<QueryEngine, 'page'>,
  query: LogQuery,
  maxEntries: number,
  signal?: AbortSignal,
): Promise<Collected> {
  const entries: LogEntry[] = [];
  const walked = await walkEntries(engine, query, maxEntries, (page) => void entries.push(...page), signal);
  return { ...walked, entries };
}

/**
 * Identifies a set of entries by content: two reads with the same fingerprint would be
 * summarized the same way, so the second can be answered from the cache.
 */
export function entriesFingerprint(entries: readonly LogEntry[]): string {
  const fingerprint = new EntriesFingerprint();
  for (const entry of entries) fingerprint.add(entry);
  return fingerprint.digest();
}

/**
 * `entriesFingerprint` over entries handed in page by page, so a read that keeps only part
 * of each entry still identifies what it read. `message` stands in for the entry's own (its
 * redacted text, say).
 */
export class EntriesFingerprint {
  private readonly hash = createHash('sha256');

  /** Field by field, the same bytes as one joined string, without building that string per entry. */
  add({ source, id, timestamp, severity, message: own }: LogEntry, message = own): void {
    const { hash } = this;
    hash.update(source).update('\u0000').update(id).update('\u0000').update(timestamp).update('\u0000');
    hash.update(severity).update('\u0000').update(message).update('\u0001');
  }

  digest(): string {
    return this.hash.digest('base64url');
  }
}
