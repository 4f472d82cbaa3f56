import {
  comparatorFor,
  describeError,
  entryKey,
  mergeSorted,
  type EntryKey,
  type LogEntry,
  type LogQuery,
  type SourceName,
} from '../model/index.js';
import type { LogSource, SourceResult, SourceStats, StreamScope } from './log-source.js';
import { compileFilter, type EntryPredicate } from './filter.js';

export interface Warning {
  source: SourceName;
  message: string;
}

export interface SourceOutcome {
  ok: boolean;
  tookMs: number;
  stats: SourceStats;
}

/** One page of a unified listing, before the HTTP layer turns `next` into a signed cursor. */
export interface LogPage {
  entries: LogEntry[];
  /** Where the next page starts; absent on the last page. */
  next?: EntryKey;
  partial: boolean;
  warnings: Warning[];
  stats: {
    scanned: number;
    returned: number;
    sources: Partial<Record<SourceName, SourceOutcome>>;
  };
}

/** Told about every source call, for metrics. */
export type SourceObserver = (
  source: SourceName,
  tookMs: number,
  outcome: 'ok' | 'error' | 'timeout',
) => void;

export interface EngineOptions {
  sources: ReadonlyMap<SourceName, LogSource>;
  /** Time budget of one source call; past it the source's share of the page is dropped. */
  sourceTimeoutMs: number;
  observe?: SourceObserver;
}

class SourceTimeout extends Error {}

/**
 * Runs a query over its sources concurrently and merges their pages. A source that fails or
 * exceeds its budget costs only its own entries: the page is marked partial and says why.
 */
export class QueryEngine {
  constructor(private readonly options: EngineOptions) {}

  /** The stream of a row, as its own source reads its id; `undefined` when no source here issued it. */
  contextScope(source: SourceName, id: string): StreamScope | undefined {
    return this.options.sources.get(source)?.contextScope(id);
  }

  async page(query: LogQuery, signal?: AbortSignal): Promise<LogPage> {
    const matches = compileFilter(query);
    // One extra entry per source tells whether another page exists without a second round trip.
    const want = query.limit + 1;
    const calls = query.sources.map((name) => this.callSource(name, query, matches, want, signal));
    const results = await Promise.all(calls);

    const page: LogPage = {
      entries: [],
      partial: false,
      warnings: [],
      stats: { scanned: 0, returned: 0, sources: {} },
    };
    const lists: LogEntry[][] = [];
    for (const result of results) {
      page.stats.sources[result.source] = result.outcome;
      page.stats.scanned += result.outcome.stats.scanned;
      page.warnings.push(...result.warnings);
      if (result.failed) page.partial = true;
      lists.push(result.entries);
    }
    const merged = mergeSorted(lists, comparatorFor(query.direction), want);
    page.entries = merged.slice(0, query.limit);
    page.stats.returned = page.entries.length;
    const last = page.entries.at(-1);
    if (merged.length > query.limit && last) page.next = entryKey(last);
    return page;
  }

  private async callSource(
    name: SourceName,
    query: LogQuery,
    matches: EntryPredicate,
    limit: number,
    outer: AbortSignal | undefined,
  ): Promise<SourceCall> {
    const source = this.options.sources.get(name);
    const started = performance.now();
    if (!source) return failedCall(name, started, 'is not configured on this server');
    const budget = this.options.sourceTimeoutMs;
    const controller = new AbortController();
    const abortFromOuter = (): void => controller.abort(outer?.reason);
    outer?.addEventListener('abort', abortFromOuter, { once: true });
    let timer: NodeJS.Timeout | undefined;
    // The race guarantees the budget even for a source that ignores its abort signal.
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        // Rejected before aborting, so the race reports the timeout, not the source's reaction to it.
        reject(new SourceTimeout());
        controller.abort(new SourceTimeout());
      }, budget);
    });
    try {
      const request = { query, after: query.after, limit, matches, signal: controller.signal };
      const result = await Promise.race([source.query(request), timeout]);
      this.options.observe?.(name, performance.now() - started, 'ok');
      return succeededCall(name, started, result);
    } catch (error) {
      const timedOut = error instanceof SourceTimeout || controller.signal.reason instanceof SourceTimeout;
      this.options.observe?.(name, performance.now() - started, timedOut ? 'timeout' : 'error');
      const reason = timedOut ? `did not answer within ${budget} ms` : `failed: ${describeError(error)}`;
      return failedCall(name, started, reason);
    } finally {
      clearTimeout(timer);
      outer?.removeEventListener('abort', abortFromOuter);
    }
  }
}

interface SourceCall {
  source: SourceName;
  entries: LogEntry[];
  warnings: Warning[];
  failed: boolean;
  outcome: SourceOutcome;
}

function succeededCall(source: SourceName, started: number, result: SourceResult): SourceCall {
  return {
    source,
    entries: result.entries,
    warnings: result.warnings.map((message) => ({ source, message })),
    failed: false,
    outcome: { ok: true, tookMs: Math.round(performance.now() - started), stats: result.stats },
  };
}

function failedCall(source: SourceName, started: number, reason: string): SourceCall {
  return {
    source,
    entries: [],
    warnings: [{ source, message: `${source} ${reason}; its entries are missing from this page` }],
    failed: true,
    outcome: { ok: false, tookMs: Math.round(performance.now() - started), stats: { scanned: 0 } },
  };
}
