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

  /**
   * One page, reading about as many entries as it returns: each source is first asked for its
   * share of the page (by default an equal one; a cursor carries the previous page's), and only
   * the source whose last entry bounds what can be served is asked for more, after that entry.
   * A fixed `limit + 1` from every source would read up to k times the page and re-read the
   * surplus on the next one.
   */
  async page(query: LogQuery, signal?: AbortSignal, shares?: SourceShares): Promise<LogPage> {
    const want = query.limit + 1;
    const compare = comparatorFor(query.direction);
    // Regex syntax errors surface here, before any source is called.
    compileFilter(query);
    const states = query.sources.map((name) => newState(name, query.after));
    const deadline = performance.now() + this.options.sourceTimeoutMs;
    let asks = new Map(states.map((state) => [state, firstAsk(state.name, query, want, shares)]));
    while (asks.size > 0) {
      await Promise.all([...asks].map(([state, limit]) => this.read(state, query, limit, deadline, signal)));
      asks = this.nextAsks(states, want, compare);
    }
    return this.assemble(query, states, want, compare);
  }

  /** Who must read more: the unfinished source whose last entry is the earliest, for what the page lacks. */
  private nextAsks(states: SourceState[], want: number, compare: Comparator): Map<SourceState, number> {
    const open = states.filter((state) => !state.done);
    if (open.length === 0) return new Map();
    const bound = open
      .map((state) => state.entries.at(-1) as LogEntry)
      .reduce((a, b) => (compare(a, b) <= 0 ? a : b));
    let servable = 0;
    for (const state of states) servable += countUpTo(state.entries, bound, compare);
    if (servable >= want) return new Map();
    const lacking = want - servable;
    const limiting = open.filter((state) => compare(state.entries.at(-1) as LogEntry, bound) === 0);
    return new Map(limiting.map((state) => [state, Math.ceil(lacking * OVERREAD) + 1]));
  }

  private assemble(query: LogQuery, states: SourceState[], want: number, compare: Comparator): LogPage {
    const page: LogPage = {
      entries: [],
      partial: false,
      warnings: [],
      stats: { scanned: 0, returned: 0, sources: {} },
    };
    for (const state of states) {
      page.stats.sources[state.name] = {
        ok: !state.failed,
        tookMs: Math.round(state.tookMs),
        stats: state.stats,
      };
      page.stats.scanned += state.stats.scanned;
      page.warnings.push(...state.warnings);
      if (state.failed) page.partial = true;
    }
    const lists = states.map((state) => (state.failed ? [] : state.entries));
    const merged = mergeSorted(lists, compare, want);
    page.entries = merged.slice(0, query.limit);
    page.stats.returned = page.entries.length;
    const last = page.entries.at(-1);
    if (merged.length > query.limit && last) page.next = entryKey(last);
    return page;
  }

  /** One call to a source, resuming after what it returned so far; the page's time budget bounds all of them. */
  private async read(
    state: SourceState,
    query: LogQuery,
    limit: number,
    deadline: number,
    signal: AbortSignal | undefined,
  ): Promise<void> {
    const after = state.entries.at(-1) ?? state.after;
    const resumed = after ? { ...query, after: keyOf(after) } : query;
    const call = await this.callSource(state.name, resumed, compileFilter(resumed), limit, deadline, signal);
    state.tookMs += call.outcome.tookMs;
    addStats(state.stats, call.outcome.stats);
    state.warnings.push(...call.warnings.filter((w) => !state.warnings.some((s) => s.message === w.message)));
    if (call.failed) {
      state.failed = true;
      state.done = true;
      return;
    }
    state.entries.push(...call.entries);
    if (call.entries.length < limit) state.done = true;
  }

  private async callSource(
    name: SourceName,
    query: LogQuery,
    matches: EntryPredicate,
    limit: number,
    deadline: number,
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
      timer = setTimeout(
        () => {
          // Rejected before aborting, so the race reports the timeout, not the source's reaction to it.
          reject(new SourceTimeout());
          controller.abort(new SourceTimeout());
        },
        Math.max(0, deadline - started),
      );
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

/** How many of the previous page's entries each source gave: the next page asks in that proportion. */
export type SourceShares = Partial<Record<SourceName, number>>;

type Comparator = (a: LogEntry, b: LogEntry) => number;

/** A little more than a source's share: a source a little over it then needs no second call. */
const OVERREAD = 1.1;

interface SourceState {
  name: SourceName;
  /** Where the page starts (the cursor's position), until the source has returned something. */
  after?: EntryKey;
  entries: LogEntry[];
  /** Returned fewer than asked: nothing more matches. */
  done: boolean;
  failed: boolean;
  tookMs: number;
  stats: SourceStats;
  warnings: Warning[];
}

function newState(name: SourceName, after: EntryKey | undefined): SourceState {
  return {
    name,
    after,
    entries: [],
    done: false,
    failed: false,
    tookMs: 0,
    stats: { scanned: 0 },
    warnings: [],
  };
}

/** The first call's size: the source's share of the page (equal without history), plus a little. */
function firstAsk(name: SourceName, query: LogQuery, want: number, shares: SourceShares | undefined): number {
  const counts = query.sources.map((source) => shares?.[source] ?? 0);
  const total = counts.reduce((a, b) => a + b, 0);
  // A source that gave nothing last time keeps a small share: it may have entries further on.
  const floor = 1 / (4 * query.sources.length);
  const share = total > 0 ? Math.max(floor, (shares?.[name] ?? 0) / total) : 1 / query.sources.length;
  return Math.min(want, Math.ceil(want * share * OVERREAD) + 1);
}

/** How many entries of an ordered list come no later than `bound`. */
function countUpTo(entries: LogEntry[], bound: LogEntry, compare: Comparator): number {
  let lo = 0;
  let hi = entries.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compare(entries[mid] as LogEntry, bound) <= 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

const keyOf = (entry: EntryKey): EntryKey => ({
  timestamp: entry.timestamp,
  id: entry.id,
  source: entry.source,
});

function addStats(into: SourceStats, more: SourceStats): void {
  for (const [counter, value] of Object.entries(more)) into[counter] = (into[counter] ?? 0) + value;
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
