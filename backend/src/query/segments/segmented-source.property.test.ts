import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MemorySource } from '../../../../local/demo-data/memory-source.js';
import {
  SEVERITIES,
  SOURCE_NAMES,
  formatEpochMs,
  type Clock,
  type LogEntry,
  type LogQuery,
  type SourceName,
} from '../../model/index.js';
import { CursorCodec } from '../cursor.js';
import { QueryEngine } from '../engine.js';
import type { LogSource, SourceRequest, SourceResult } from '../log-source.js';
import { sharesOf } from '../log-reader.js';
import { listingArb, listingQuery } from '../listing.fixture.js';
import { SegmentStore, type Segment } from './segment-store.js';
import { SegmentedSource } from './segmented-source.js';

const BASE_MS = Date.UTC(2026, 10, 29, 7, 0, 0);
const SEGMENT_MS = 1_000;

/** An entry, and when it is written: at its own time or later, within its source's settle time. */
interface Arriving {
  entry: LogEntry;
  arrivesAtMs: number;
}

/**
 * The in-memory oracle with records arriving over time: a read at any moment sees exactly the
 * entries written by then, as a Firestore query or a pod log read would.
 */
class ArrivingSource implements LogSource {
  reads = 0;
  scanned = 0;

  constructor(
    readonly name: SourceName,
    private readonly arriving: Arriving[],
    private readonly clock: Clock,
  ) {}

  async query(request: SourceRequest): Promise<SourceResult> {
    const now = this.clock.now();
    const written = this.arriving.filter((a) => a.arrivesAtMs <= now).map((a) => a.entry);
    const result = await new MemorySource(this.name, written).query(request);
    this.reads += 1;
    this.scanned += result.stats.scanned;
    return result;
  }

  async listValues(): Promise<undefined> {
    return undefined;
  }

  async health() {
    return { up: true, detail: 'memory' };
  }

  contextScope(): undefined {
    return undefined;
  }
}

class ManualClock implements Clock {
  constructor(public ms: number) {}
  now(): number {
    return this.ms;
  }
}

const SETTLE_CHOICES = [0, 400, 2_500];

const entryArb = fc.record({
  source: fc.constantFrom(...SOURCE_NAMES),
  offsetMs: fc.integer({ min: 0, max: 12_000 }),
  /** Percent of the source's settle time the entry is written after its own time. */
  latePercent: fc.integer({ min: 0, max: 100 }),
  severity: fc.constantFrom(...SEVERITIES),
  word: fc.constantFrom('order filled', 'broker error', 'tick'),
  symbol: fc.constantFrom('AAPL', 'NVDA', 'SPY'),
});

const queryArb = fc.record({
  listing: listingArb,
  moving: fc.boolean(),
  fromOffset: fc.integer({ min: -500, max: 12_000 }),
  span: fc.integer({ min: 1, max: 14_000 }),
});

type EntrySpec = typeof entryArb extends fc.Arbitrary<infer T> ? T : never;
type QuerySpec = typeof queryArb extends fc.Arbitrary<infer T> ? T : never;

const stepArb = fc.record({
  advanceMs: fc.integer({ min: 0, max: 2_500 }),
  queries: fc.array(queryArb, { minLength: 1, maxLength: 3 }),
});

function toArriving(specs: EntrySpec[], settle: Record<SourceName, number>): Arriving[] {
  return specs.map((spec, i) => {
    const timeMs = BASE_MS + spec.offsetMs;
    return {
      entry: {
        id: `e${String(i % 5)}-${i}`,
        timestamp: formatEpochMs(timeMs),
        source: spec.source,
        severity: spec.severity,
        message: `${spec.word} ${spec.symbol}`,
        labels: { symbol: spec.symbol },
      },
      arrivesAtMs: timeMs + Math.floor((spec.latePercent / 100) * settle[spec.source]),
    };
  });
}

function buildQuery(q: QuerySpec, nowMs: number): LogQuery {
  const fromMs = q.moving ? nowMs - q.span : BASE_MS + q.fromOffset;
  return listingQuery(q.listing, formatEpochMs(fromMs), formatEpochMs(q.moving ? nowMs : fromMs + q.span));
}

const codec = new CursorCodec('p'.repeat(32));

/** Every page of a query, following cursors as a client does. */
async function walk(engine: QueryEngine, query: LogQuery): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | undefined;
  for (let pages = 0; pages < 200; pages++) {
    const position = cursor ? codec.decode(query, cursor) : undefined;
    const page = await engine.page({ ...query, after: position?.after }, undefined, position?.shares);
    expect(page.partial).toBe(false);
    ids.push(...page.entries.map((e) => `${e.source}:${e.id}`));
    cursor = page.next ? codec.encode(query, page.next, sharesOf(page.entries)) : undefined;
    if (!cursor) return ids;
  }
  throw new Error('more pages than entries');
}

function cachedEngine(
  raw: ArrivingSource[],
  settle: Record<SourceName, number>,
  clock: Clock,
  store: SegmentStore,
  readBudget = 50_000,
  maxSegments?: number,
) {
  const sources = raw.map(
    (source) =>
      new SegmentedSource(
        source,
        store,
        {
          segmentMs: SEGMENT_MS,
          settleMs: settle[source.name],
          edgeMaxAgeMs: 0,
          readBudget,
          joinWithinMs: 60_000,
          maxSegments,
        },
        clock,
      ),
  );
  return new QueryEngine({ sources: new Map(sources.map((s) => [s.name, s])), sourceTimeoutMs: 5_000 });
}

function rawEngine(raw: ArrivingSource[]): QueryEngine {
  return new QueryEngine({ sources: new Map(raw.map((s) => [s.name, s])), sourceTimeoutMs: 5_000 });
}

function sourcesOver(arriving: Arriving[], clock: Clock): ArrivingSource[] {
  return SOURCE_NAMES.map(
    (name) =>
      new ArrivingSource(
        name,
        arriving.filter((a) => a.entry.source === name),
        clock,
      ),
  );
}

describe('the segment cache', () => {
  it('answers every query, page by page, exactly as the sources read at that moment would', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(entryArb, { maxLength: 60 }),
        fc.record({
          gcs: fc.constantFrom(...SETTLE_CHOICES),
          firestore: fc.constantFrom(...SETTLE_CHOICES),
          pods: fc.constantFrom(...SETTLE_CHOICES),
        }),
        fc.array(stepArb, { minLength: 1, maxLength: 8 }),
        fc.integer({ min: 0, max: 14_000 }),
        fc.constantFrom(3, 7, 50_000),
        fc.constantFrom(2, 5, undefined),
        async (specs, settle, steps, startOffset, readBudget, maxSegments) => {
          const clock = new ManualClock(BASE_MS + startOffset);
          const arriving = toArriving(specs, settle);
          const cachedSources = sourcesOver(arriving, clock);
          // A small read budget, so runs of segments and fresh edges too large for one read are exercised.
          const store = new SegmentStore({ maxBytes: 1e6, sharedTtlSeconds: 60 });
          // Few segments per window, so windows reaching past the cache's horizon are exercised.
          const cached = cachedEngine(cachedSources, settle, clock, store, readBudget, maxSegments);
          const oracle = rawEngine(sourcesOver(arriving, clock));
          for (const step of steps) {
            clock.ms += step.advanceMs;
            // Concurrent viewers at one instant share fresh-edge and segment reads.
            const queries = step.queries.map((q) => buildQuery(q, clock.ms));
            const got = await Promise.all(queries.map((query) => walk(cached, query)));
            const expected = await Promise.all(queries.map((query) => walk(oracle, query)));
            expect(got).toEqual(expected);
          }
        },
      ),
      { numRuns: 250 },
    );
  });

  it('reads from the sources only what is new on a moving-window refresh', async () => {
    // One entry every 10 ms for a minute, each written 200 ms late.
    const arriving: Arriving[] = Array.from({ length: 6_000 }, (_, i) => ({
      entry: {
        id: `line-${i}`,
        timestamp: formatEpochMs(BASE_MS + i * 10),
        source: 'pods' as const,
        severity: i % 50 === 0 ? ('ERROR' as const) : ('INFO' as const),
        message: `tick ${i}`,
        labels: {},
      },
      arrivesAtMs: BASE_MS + i * 10 + 200,
    }));
    const clock = new ManualClock(BASE_MS + 50_000);
    const settle = { gcs: 0, firestore: 0, pods: 1_000 };
    const [source] = sourcesOver(arriving, clock).filter((s) => s.name === 'pods') as [ArrivingSource];
    const store = new SegmentStore({ maxBytes: 10e6, sharedTtlSeconds: 60 });
    const engine = cachedEngine([source], settle, clock, store);
    const refresh = (minSeverity?: LogQuery['minSeverity']) =>
      engine.page({
        sources: ['pods'],
        from: formatEpochMs(clock.ms - 40_000),
        to: formatEpochMs(clock.ms),
        severities: [],
        minSeverity,
        labels: [],
        limit: 100,
        direction: 'backward',
        selectors: {},
      });

    await refresh();
    const before = source.scanned;
    clock.ms += 5_000;
    const page = await refresh();
    // The edge: the settle time plus at most one segment, 100 entries a second — not 40 s of them.
    const readThisTime = source.scanned - before;
    expect(readThisTime).toBeLessThanOrEqual(((1_000 + SEGMENT_MS + 5_000) / 10) * 1.1);
    expect(page.entries).toHaveLength(100);
    expect(page.stats.scanned).toBe(readThisTime);

    // Another filter over the same window reuses the cached segments: only the edge is read again.
    const reads = source.reads;
    clock.ms += 1;
    const errors = await refresh('ERROR');
    expect(source.reads - reads).toBe(1);
    expect(errors.entries.every((e) => e.severity === 'ERROR')).toBe(true);
    expect(errors.entries.length).toBeGreaterThan(50);
  });

  it('coalesces concurrent refreshes into one read of the fresh edge', async () => {
    const arriving: Arriving[] = Array.from({ length: 500 }, (_, i) => ({
      entry: {
        id: `doc-${i}`,
        timestamp: formatEpochMs(BASE_MS + i * 20),
        source: 'firestore' as const,
        severity: 'INFO' as const,
        message: `order ${i}`,
        labels: {},
      },
      arrivesAtMs: BASE_MS + i * 20,
    }));
    const clock = new ManualClock(BASE_MS + 10_000);
    const [source] = sourcesOver(arriving, clock).filter((s) => s.name === 'firestore') as [ArrivingSource];
    const store = new SegmentStore({ maxBytes: 10e6, sharedTtlSeconds: 60 });
    const engine = cachedEngine([source], { gcs: 0, firestore: 2_000, pods: 0 }, clock, store);
    const query = (from: number): LogQuery => ({
      sources: ['firestore'],
      from: formatEpochMs(from),
      to: formatEpochMs(clock.ms),
      severities: [],
      labels: [],
      limit: 20,
      direction: 'backward',
      selectors: {},
    });
    // Warm the settled segments, then 50 viewers refresh at once with their own windows.
    await engine.page(query(BASE_MS));
    const reads = source.reads;
    clock.ms += 3_000;
    const pages = await Promise.all(Array.from({ length: 50 }, (_, i) => engine.page(query(BASE_MS + i))));
    // One read of the fresh edge for all of them, plus one of the segments that settled meanwhile.
    expect(source.reads - reads).toBeLessThanOrEqual(2);
    for (const page of pages) expect(page.entries[0]?.id).toBe('doc-499');
  });

  it('keeps the in-process segments within their byte bound, evicting the least recently used', async () => {
    const store = new SegmentStore({ maxBytes: 20_000, sharedTtlSeconds: 60 });
    const segment = (n: number): Segment => ({
      entries: Array.from({ length: 20 }, (_, i) => ({
        id: `s${n}-${i}`,
        timestamp: formatEpochMs(BASE_MS + n * SEGMENT_MS + i),
        source: 'gcs' as const,
        severity: 'INFO' as const,
        message: 'x'.repeat(40),
        labels: { object: 'trades/2026/11/29/07.jsonl' },
      })),
      warnings: [],
    });
    for (let n = 0; n < 50; n++) {
      store.set(`segment:${n}`, segment(n));
      expect(store.bytes).toBeLessThanOrEqual(20_000);
    }
    expect((await store.get('segment:49'))?.entries).toHaveLength(20);
    expect(await store.get('segment:0')).toBeUndefined();
  });
});
