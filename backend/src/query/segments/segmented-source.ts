import {
  formatEpochMs,
  timestampMs,
  type Clock,
  type EntryKey,
  type LogEntry,
  type LogQuery,
  type SourceName,
} from '../../model/index.js';
import { compileFilter } from '../filter.js';
import type { LastingGap, LogSource, SourceRequest, SourceResult, SourceStats } from '../log-source.js';
import { FreshEdge, type EdgeRead } from './fresh-edge.js';
import { segmentStart, segmentStarts, settledEnd } from './segment-math.js';
import type { Segment, SegmentStore } from './segment-store.js';

export interface SegmentSettings {
  /** Length of a segment; segments align to multiples of it. */
  segmentMs: number;
  /** How late a record of this source may arrive after its own time. */
  settleMs: number;
  /** How long before a request a fresh-edge read it shares may have started. */
  edgeMaxAgeMs: number;
  /** Unfiltered entries one read of missing segments or of the fresh edge returns at most. */
  readBudget: number;
  /**
   * How long after it started a shared read of missing segments may still be joined: the
   * source's time budget. An older one is presumed stuck (a source that stopped answering), and
   * a request that joined it would give up with it; a new request reads afresh instead.
   */
  joinWithinMs: number;
  /** How many of a window's newest settled segments the cache serves; older time is read from the source. */
  maxSegments?: number;
}

/** A shared read is not tied to the request that started it: another may be waiting on it. */
const SHARED_READ_TIMEOUT_MS = 60_000;
/** The most segments of one window served from the cache (14 days of the default 5-minute segments). */
const MAX_SEGMENTS = 4_096;
/** Segments looked up at once. */
const LOOKAHEAD = 12;
/** How far past now a fresh-edge read reaches, for windows that end a little ahead of this clock. */
const EDGE_LOOKAHEAD_MS = 60_000;

interface Tally {
  scanned: number;
  cached: number;
  edge: number;
  edgeShared: number;
  segmentsRead: number;
  segmentsCached: number;
  warnings: string[];
}

/** What a read of missing segments left: entries in query order, and which segments it completed. */
interface RunRead {
  entries: LogEntry[];
  stats: SourceStats;
  warnings: string[];
  lasting: LastingGap[];
}

/**
 * A source behind the segment cache. A query over recent time is answered from the source's
 * complete, unfiltered segments — cached once settled, shared by every filter — and from one
 * shared read of the fresh edge; the engine's filter is applied here. Only what is new since
 * the last refresh is read from the source. Queries the cache cannot answer exactly (a
 * terminated container's log, a Kubernetes label selector, too much data) go to the source.
 */
export class SegmentedSource implements LogSource {
  readonly name: SourceName;
  private readonly edge: FreshEdge;
  private readonly runs = new Map<string, { read: Promise<RunRead>; startedMs: number }>();

  constructor(
    private readonly inner: LogSource,
    private readonly store: SegmentStore,
    private readonly settings: SegmentSettings,
    private readonly clock: Clock,
  ) {
    this.name = inner.name;
    this.edge = new FreshEdge(settings.edgeMaxAgeMs);
    // Everything else a source offers passes straight through.
    this.listValues = inner.listValues.bind(inner);
    this.health = inner.health.bind(inner);
    this.contextScope = inner.contextScope.bind(inner);
    if (inner.follow) this.follow = inner.follow.bind(inner);
    if (inner.observeCalls) this.observeCalls = inner.observeCalls.bind(inner);
    if (inner.close) this.close = inner.close.bind(inner);
  }

  readonly listValues: LogSource['listValues'];
  readonly health: LogSource['health'];
  readonly contextScope: LogSource['contextScope'];
  readonly follow?: LogSource['follow'];
  readonly observeCalls?: LogSource['observeCalls'];
  readonly close?: LogSource['close'];

  async query(request: SourceRequest): Promise<SourceResult> {
    if (!servable(request.query)) return this.inner.query(request);
    const { fromMs, toMs } = narrowedWindow(request);
    if (toMs <= fromMs) return result([], newTally());
    const now = this.clock.now();
    const settled = settledEnd(now, this.settings.settleMs, this.settings.segmentMs);
    // A window of years would mean millions of segments: the cache serves its newest ones, and
    // the time before them is one read of the source, which finds nothing there cheaply.
    const segmentMs = this.settings.segmentMs;
    const horizon =
      segmentStart(Math.min(toMs, settled), segmentMs) -
      (this.settings.maxSegments ?? MAX_SEGMENTS) * segmentMs;
    if (toMs <= horizon) return this.inner.query(request);
    if (fromMs >= horizon) return (await this.fromCache(request, { fromMs, toMs }, now, settled)).result;
    return this.acrossHorizon(request, horizon, toMs, now, settled);
  }

  /** A window reaching past the cache's horizon: the newer part from the cache, the older from the source, in query order. */
  private async acrossHorizon(
    request: SourceRequest,
    horizon: number,
    toMs: number,
    now: number,
    settled: number,
  ): Promise<SourceResult> {
    const newer = () => this.fromCache(request, { fromMs: horizon, toMs }, now, settled);
    const older = () => this.inner.query(beforeHorizon(request, horizon));
    if (request.query.direction === 'backward') {
      const first = await newer();
      if (first.whole || first.result.entries.length >= request.limit) return first.result;
      return joined(first.result, await older(), request.limit);
    }
    const first = await older();
    if (first.entries.length >= request.limit) return first;
    const second = await newer();
    return second.whole ? second.result : joined(first, second.result, request.limit);
  }

  /**
   * The part of a query from `fromMs` on, from cached segments and the fresh edge. `whole`: the
   * answer is the source's own for the whole query (the cache could not answer exactly).
   */
  private async fromCache(
    request: SourceRequest,
    { fromMs, toMs }: { fromMs: number; toMs: number },
    now: number,
    settled: number,
  ): Promise<{ result: SourceResult; whole: boolean }> {
    const tally = newTally();
    let edge: EdgeRead | undefined;
    if (toMs > settled) {
      const served = await this.freshEdge(settled, toMs, now);
      edge = served.edge;
      // More than one read may return: the cache cannot answer exactly, the source can.
      if (edge.entries.length >= this.settings.readBudget)
        return { result: await this.direct(request, served), whole: true };
      // A shared read is counted once, by the request that made it.
      if (served.shared) tally.edgeShared += 1;
      else tally.scanned += edge.stats.scanned;
      tally.warnings.push(...edge.warnings);
    }
    const settledTo = Math.min(toMs, edge?.startMs ?? toMs);
    const starts = fromMs < settledTo ? segmentStarts(fromMs, settledTo, this.settings.segmentMs) : [];
    const out: LogEntry[] = [];
    const take = (
      entries: readonly LogEntry[],
      order: 'asc' | 'query',
      counter: 'cached' | 'edge' | 'read',
    ) => this.take(request, entries, order, out, tally, counter);
    const backward = request.query.direction === 'backward';
    const served = () => ({ result: result(out, tally), whole: false });
    if (backward && edge && take(edge.entries, 'asc', 'edge')) return served();
    if (await this.walkSettled(request, backward ? starts.reverse() : starts, take, tally)) return served();
    if (!backward && edge) take(edge.entries, 'asc', 'edge');
    // Nothing found for a narrowed query: the source itself says whether what it names is
    // served at all (a collection, namespace or prefix it does not read is a warning there).
    if (out.length === 0 && narrows(request.query, this.name))
      return { result: await this.confirmEmpty(request, tally), whole: true };
    return served();
  }

  /** The source's own answer, with what the cache's empty answer cost. */
  private async confirmEmpty(request: SourceRequest, tally: Tally): Promise<SourceResult> {
    return joined(result([], tally), await this.inner.query(request), request.limit);
  }

  /** The source's own answer, with what the fresh-edge read it could not use cost. */
  private async direct(
    request: SourceRequest,
    served: { edge: EdgeRead; shared: boolean },
  ): Promise<SourceResult> {
    const result = await this.inner.query(request);
    if (served.shared) return result;
    return {
      ...result,
      stats: { ...result.stats, scanned: result.stats.scanned + served.edge.stats.scanned },
    };
  }

  /** Adds matching entries to `out`; true once the page is full. */
  private take(
    request: SourceRequest,
    entries: readonly LogEntry[],
    order: 'asc' | 'query',
    out: LogEntry[],
    tally: Tally,
    counter: 'cached' | 'edge' | 'read',
  ): boolean {
    const reverse = order === 'asc' && request.query.direction === 'backward';
    // Oldest-first lists (segments, the edge) are cut to the window first: the edge may be long.
    const [lo, hi] = order === 'asc' ? windowSlice(entries, request.query) : [0, entries.length];
    for (let i = lo; i < hi; i++) {
      const entry = entries[reverse ? hi - 1 - (i - lo) : i] as LogEntry;
      if (counter !== 'read') tally[counter] += 1;
      if (!request.matches(entry)) continue;
      out.push(entry);
      if (out.length >= request.limit) return true;
    }
    return false;
  }

  /**
   * The settled segments in query order: each from the store, or — for a run of missing ones —
   * from one read of the source, which stores every segment it read whole.
   */
  private async walkSettled(
    request: SourceRequest,
    starts: number[],
    take: (
      entries: readonly LogEntry[],
      order: 'asc' | 'query',
      counter: 'cached' | 'edge' | 'read',
    ) => boolean,
    tally: Tally,
  ): Promise<boolean> {
    let index = 0;
    let after: EntryKey | undefined;
    const lookup = this.lookahead(starts);
    while (index < starts.length) {
      const cached = after ? undefined : await lookup(index);
      if (cached) {
        tally.segmentsCached += 1;
        tally.warnings.push(...cached.warnings);
        if (take(cached.entries, 'asc', 'cached')) return true;
        index += 1;
        continue;
      }
      const run = await this.missingRun(starts, index, lookup);
      const read = await this.readRun(request.query.direction, run, after);
      tally.scanned += read.stats.scanned;
      tally.warnings.push(...read.warnings);
      const done = this.storeWhole(request.query.direction, run, after, read);
      tally.segmentsRead += done;
      if (take(read.entries, 'query', 'read')) return true;
      if (read.entries.length < this.settings.readBudget) {
        index += run.length;
        after = undefined;
        continue;
      }
      // The read stopped at its budget: go on after its last entry, from the segment holding it.
      const last = read.entries.at(-1) as LogEntry;
      index += done;
      after = { timestamp: last.timestamp, id: last.id, source: last.source };
    }
    return false;
  }

  /**
   * Looks segments up a few at a time, in parallel: a shared cache that is slow costs one
   * command time-out per few segments, not one per segment, and a page that fills early does
   * not fetch the rest of a long window.
   */
  private lookahead(starts: number[]): (index: number) => Promise<Segment | undefined> {
    const found = new Map<number, Promise<Segment | undefined>>();
    return (index) => {
      if (!found.has(index))
        for (let i = index; i < Math.min(starts.length, index + LOOKAHEAD); i++)
          if (!found.has(i)) found.set(i, this.store.get(this.key(starts[i] as number)));
      return found.get(index) as Promise<Segment | undefined>;
    };
  }

  /** The segments from `index` on that the store does not hold, up to the first it does. */
  private async missingRun(
    starts: number[],
    index: number,
    lookup: (index: number) => Promise<Segment | undefined>,
  ): Promise<number[]> {
    const run = [starts[index] as number];
    for (let i = index + 1; i < starts.length; i++) {
      if (await lookup(i)) break;
      run.push(starts[i] as number);
    }
    return run;
  }

  /** One read of a run of segments (in query order), shared by every request asking for it. */
  private readRun(direction: LogQuery['direction'], run: number[], after?: EntryKey): Promise<RunRead> {
    const lo = Math.min(...run);
    const hi = Math.max(...run) + this.settings.segmentMs;
    const key = `${direction}:${lo}:${hi}:${after ? `${after.timestamp}/${after.id}` : ''}`;
    const now = this.clock.now();
    const pending = this.runs.get(key);
    if (pending && now - pending.startedMs <= this.settings.joinWithinMs) return pending.read;
    const read = this.readUnfiltered(lo, hi, direction, after).finally(() => {
      if (this.runs.get(key)?.read === read) this.runs.delete(key);
    });
    this.runs.set(key, { read, startedMs: now });
    return read;
  }

  /**
   * Stores the segments of a run the read holds whole, or short only of what a lasting gap took
   * out of reach of any read (kept with its warning); returns how many (from the run's start).
   */
  private storeWhole(
    direction: LogQuery['direction'],
    run: number[],
    after: EntryKey | undefined,
    read: RunRead,
  ): number {
    // Any other warning (an unreadable object, a failed read) means the read may not be whole.
    const lasting = new Set(read.lasting.map((gap) => gap.warning));
    if (read.warnings.some((warning) => !lasting.has(warning))) return 0;
    const budgetHit = read.entries.length >= this.settings.readBudget;
    const last = read.entries.at(-1)?.timestamp;
    const L = this.settings.segmentMs;
    // Oldest first, as segments are kept; each segment is then a slice found by binary search,
    // not a pass over the whole read per segment (a run may span thousands of segments).
    const oldestFirst = direction === 'backward' ? read.entries.toReversed() : read.entries;
    let done = 0;
    for (const start of run) {
      const whole =
        direction === 'backward'
          ? (!after || formatEpochMs(start + L) <= after.timestamp) &&
            (!budgetHit || (last !== undefined && last < formatEpochMs(start)))
          : (!after || formatEpochMs(start) > after.timestamp) &&
            (!budgetHit || (last !== undefined && last >= formatEpochMs(start + L)));
      if (!whole) break;
      const from = formatEpochMs(start);
      const to = formatEpochMs(start + L);
      const entries = oldestFirst.slice(firstAtOrAfter(oldestFirst, from), firstAtOrAfter(oldestFirst, to));
      const warnings = read.lasting.filter((gap) => from <= gap.until).map((gap) => gap.warning);
      this.store.set(this.key(start), { entries, warnings });
      done += 1;
    }
    return done;
  }

  private freshEdge(
    settled: number,
    toMs: number,
    now: number,
  ): Promise<{ edge: EdgeRead; shared: boolean }> {
    const next = { startMs: settled, toMs: Math.max(toMs, now + EDGE_LOOKAHEAD_MS), readAtMs: now };
    return this.edge.serve(settled, toMs, next, async () => {
      const read = await this.readUnfiltered(next.startMs, next.toMs, 'forward');
      return { ...next, ...read };
    });
  }

  private async readUnfiltered(
    fromMs: number,
    toMs: number,
    direction: LogQuery['direction'],
    after?: EntryKey,
  ): Promise<RunRead> {
    const query = unfilteredQuery(this.name, fromMs, toMs, direction, this.settings.readBudget);
    const read = await this.inner.query({
      query: { ...query, after },
      after,
      limit: this.settings.readBudget,
      matches: compileFilter({ ...query, after }),
      signal: AbortSignal.timeout(SHARED_READ_TIMEOUT_MS),
    });
    return { entries: read.entries, stats: read.stats, warnings: read.warnings, lasting: read.lasting ?? [] };
  }

  private key(start: number): string {
    // `v2`: a segment is stored with its warnings; an older replica reads and writes its own keys.
    return `segment:v2:${this.name}:${this.settings.segmentMs}:${start}`;
  }
}

/**
 * What the cache answers exactly: queries over the source's default scope, narrowed only by
 * what the engine's filter checks on entries. A terminated container's log and a Kubernetes
 * label selector read other data than the default read, so they go to the source.
 */
function servable(query: LogQuery): boolean {
  const pods = query.selectors.pods;
  return !pods?.previous && !pods?.labelSelector;
}

/** Whether the query names a part of this source (a bucket, prefix, collection, namespace, pod or container). */
function narrows({ selectors }: LogQuery, source: SourceName): boolean {
  const own = selectors[source];
  return own !== undefined && Object.values(own).some((value) => value !== undefined && value !== false);
}

/** The query's window in whole milliseconds, narrowed to the side of the cursor still unread. */
function narrowedWindow({ query, after }: SourceRequest): { fromMs: number; toMs: number } {
  let fromMs = Math.floor(timestampMs(query.from));
  // `to` may carry a fraction of a millisecond: its millisecond is still in the window.
  let toMs = Math.floor(timestampMs(query.to)) + 1;
  if (after && query.direction === 'backward')
    toMs = Math.min(toMs, Math.floor(timestampMs(after.timestamp)) + 1);
  if (after && query.direction === 'forward')
    fromMs = Math.max(fromMs, Math.floor(timestampMs(after.timestamp)));
  return { fromMs, toMs };
}

/** The index range of an oldest-first list whose entries fall in the query's window. */
function windowSlice(entries: readonly LogEntry[], { from, to }: LogQuery): [number, number] {
  return [firstAtOrAfter(entries, from), firstAtOrAfter(entries, to)];
}

function firstAtOrAfter(entries: readonly LogEntry[], timestamp: string): number {
  let lo = 0;
  let hi = entries.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((entries[mid] as LogEntry).timestamp < timestamp) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function unfilteredQuery(
  source: SourceName,
  fromMs: number,
  toMs: number,
  direction: LogQuery['direction'],
  limit: number,
): LogQuery {
  return {
    sources: [source],
    from: formatEpochMs(fromMs),
    to: formatEpochMs(toMs),
    severities: [],
    labels: [],
    limit,
    direction,
    selectors: {},
  };
}

function newTally(): Tally {
  return { scanned: 0, cached: 0, edge: 0, edgeShared: 0, segmentsRead: 0, segmentsCached: 0, warnings: [] };
}

/** The request narrowed to the time before `horizon`. */
function beforeHorizon(request: SourceRequest, horizon: number): SourceRequest {
  const to = formatEpochMs(horizon);
  return {
    ...request,
    query: { ...request.query, to },
    matches: (entry) => entry.timestamp < to && request.matches(entry),
  };
}

/** Two answers for adjacent parts of a window, in query order, cut to the page. */
function joined(first: SourceResult, second: SourceResult, limit: number): SourceResult {
  const stats: SourceStats = { ...first.stats };
  for (const [name, value] of Object.entries(second.stats)) stats[name] = (first.stats[name] ?? 0) + value;
  return {
    entries: [...first.entries, ...second.entries].slice(0, limit),
    stats,
    warnings: [...new Set([...first.warnings, ...second.warnings])],
  };
}

function result(entries: LogEntry[], tally: Tally): SourceResult {
  const { warnings, ...stats } = tally;
  return { entries, stats, warnings: [...new Set(warnings)] };
}
