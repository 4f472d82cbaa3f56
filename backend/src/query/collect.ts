import { createHash } from 'node:crypto';
import { MAX_LIMIT, type LogEntry, type LogQuery } from '../model/index.js';
import type { QueryEngine, SourceShares, Warning } from './engine.js';
import { sharesOf } from './log-reader.js';

/** What a summary or a pattern listing reads: up to `maxEntries` matches of a query. */
export interface Collected {
  entries: LogEntry[];
  /** More entries matched than were read. */
  truncated: boolean;
  /** A source failed on some page; its entries are missing. */
  partial: boolean;
  /** Distinct warnings of all pages, in order of first appearance. */
  warnings: Warning[];
  pages: number;
  scanned: number;
}

/**
 * Pages through the engine, each page resuming after the last, until the query is exhausted
 * or `maxEntries` are read. The query's direction is kept: newest first (the default) means
 * a truncated read keeps the most recent entries, which are the ones a summary is about.
 */
export async function collectEntries(
  engine: Pick<QueryEngine, 'page'>,
  query: LogQuery,
  maxEntries: number,
  signal?: AbortSignal,
): Promise<Collected> {
  const collected: Collected = {
    entries: [],
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
    const limit = Math.min(MAX_LIMIT, maxEntries - collected.entries.length);
    const page = await engine.page({ ...query, limit, after }, signal, shares);
    shares = sharesOf(page.entries);
    collected.pages += 1;
    collected.scanned += page.stats.scanned;
    collected.partial ||= page.partial;
    for (const warning of page.warnings) {
      const key = `${warning.source}\u0000${warning.message}`;
      if (!seen.has(key)) collected.warnings.push(warning);
      seen.add(key);
    }
    collected.entries.push(...page.entries);
    if (!page.next) return collected;
    if (collected.entries.length >= maxEntries) {
      collected.truncated = true;
      return collected;
    }
    after = page.next;
  }
}

/**
 * Identifies a set of entries by content: two reads with the same fingerprint would be
 * summarized the same way, so the second can be answered from the cache.
 */
export function entriesFingerprint(entries: readonly LogEntry[]): string {
  const hash = createHash('sha256');
  for (const { source, id, timestamp, severity, message } of entries) {
    hash.update(`${source}\u0000${id}\u0000${timestamp}\u0000${severity}\u0000${message}\u0001`);
  }
  return hash.digest('base64url');
}
