import { createHash } from 'node:crypto';
import type { CacheStatus } from '../cache/cache.js';
import type { CachedCalls } from '../cache/cached-call.js';
import type { LogQuery } from '../model/index.js';
import type { CursorCodec } from './cursor.js';
import type { LogPage, QueryEngine, SourceShares } from './engine.js';

/** A page as clients receive it: entries plus the signed cursor of the next page. */
export interface PageResponse {
  entries: LogPage['entries'];
  nextCursor: string | null;
  partial: boolean;
  warnings: LogPage['warnings'];
  stats: LogPage['stats'] & { tookMs: number; cache: CacheStatus };
}

export const queryCacheKey = (query: LogQuery): string =>
  'page:' + createHash('sha256').update(JSON.stringify(query)).digest('base64url');

/**
 * Pages through the engine behind the cache. Partial pages are not cached: a source that
 * failed a moment ago should be asked again on the next refresh.
 */
export class LogReader {
  constructor(
    private readonly engine: QueryEngine,
    private readonly cursors: CursorCodec,
    private readonly calls: CachedCalls,
    private readonly ttlSeconds: number,
  ) {}

  /** `shares`: the previous page's entries by source, from its cursor. */
  async page(query: LogQuery, shares?: SourceShares): Promise<PageResponse> {
    const started = performance.now();
    const { value, cache } = await this.calls.run(
      queryCacheKey(query),
      this.ttlSeconds,
      () => this.engine.page(query, undefined, shares),
      (page) => !page.partial,
    );
    return {
      entries: value.entries,
      nextCursor: value.next ? this.cursors.encode(query, value.next, sharesOf(value.entries)) : null,
      partial: value.partial,
      warnings: value.warnings,
      stats: { ...value.stats, tookMs: Math.round(performance.now() - started), cache },
    };
  }
}

/** Entries by source: what the next page's cursor carries. */
export function sharesOf(entries: readonly { source: LogQuery['sources'][number] }[]): SourceShares {
  const shares: SourceShares = {};
  for (const { source } of entries) shares[source] = (shares[source] ?? 0) + 1;
  return shares;
}
