import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  SEVERITIES,
  SOURCE_NAMES,
  comparatorFor,
  formatEpochMs,
  type LogEntry,
  type LogQuery,
} from '../model/index.js';
import { memorySourcesFor } from '../../../local/demo-data/memory-source.js';
import { CursorCodec } from './cursor.js';
import { QueryEngine } from './engine.js';
import { compileFilter } from './filter.js';
import { listingArb, listingQuery } from './listing.fixture.js';

const BASE_MS = Date.UTC(2026, 10, 29, 7, 0, 0);

/** Few distinct instants, so many entries share a timestamp across and within sources. */
const entryArb = fc.record({
  source: fc.constantFrom(...SOURCE_NAMES),
  offsetMs: fc.integer({ min: 0, max: 40 }),
  severity: fc.constantFrom(...SEVERITIES),
  word: fc.constantFrom('order filled', 'broker error', 'tick', 'reflection'),
  symbol: fc.constantFrom('AAPL', 'NVDA', 'SPY'),
});

type EntrySpec = typeof entryArb extends fc.Arbitrary<infer T> ? T : never;
type QuerySpec = typeof queryArb extends fc.Arbitrary<infer T> ? T : never;

function toEntries(specs: EntrySpec[]): LogEntry[] {
  return specs.map((spec, i) => ({
    id: `e${String(i % 7)}-${i}`,
    timestamp: formatEpochMs(BASE_MS + spec.offsetMs),
    source: spec.source,
    severity: spec.severity,
    message: `${spec.word} ${spec.symbol}`,
    labels: { symbol: spec.symbol },
  }));
}

const queryArb = fc.record({
  listing: listingArb,
  fromOffset: fc.integer({ min: 0, max: 20 }),
  span: fc.integer({ min: 1, max: 41 }),
});

function buildQuery(q: QuerySpec): LogQuery {
  const from = BASE_MS + q.fromOffset;
  return listingQuery(q.listing, formatEpochMs(from), formatEpochMs(from + q.span));
}

function engineOver(entries: LogEntry[]): QueryEngine {
  return new QueryEngine({ sources: memorySourcesFor(entries), sourceTimeoutMs: 5_000 });
}

describe('paging through the engine', () => {
  it('walking every page with its cursor yields exactly the filtered set, in order, once each', async () => {
    const codec = new CursorCodec('x'.repeat(32));
    await fc.assert(
      fc.asyncProperty(fc.array(entryArb, { maxLength: 80 }), queryArb, async (specs, q) => {
        const entries = toEntries(specs);
        const query = buildQuery(q);
        const engine = engineOver(entries);
        const matches = compileFilter(query);
        const expected = entries
          .filter((e) => query.sources.includes(e.source) && matches(e))
          .sort(comparatorFor(query.direction));

        const seen: LogEntry[] = [];
        let cursor: string | undefined;
        for (let pages = 0; pages <= expected.length + 1; pages++) {
          const after = cursor ? codec.decode(query, cursor).after : undefined;
          const page = await engine.page({ ...query, after });
          expect(page.entries.length).toBeLessThanOrEqual(query.limit);
          // A cursor promises more: following one never lands on an empty page.
          if (pages > 0) expect(page.entries.length).toBeGreaterThan(0);
          seen.push(...page.entries);
          cursor = page.next ? codec.encode(query, page.next) : undefined;
          if (!cursor) break;
          expect(page.entries).toHaveLength(query.limit);
        }
        expect(cursor).toBeUndefined();
        expect(seen.map((e) => `${e.source}:${e.id}`)).toEqual(expected.map((e) => `${e.source}:${e.id}`));
      }),
      { numRuns: 300 },
    );
  });
});
