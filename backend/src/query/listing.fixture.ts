import fc from 'fast-check';
import { SEVERITIES, SOURCE_NAMES, type Direction, type LogQuery, type SourceName } from '../model/index.js';

/*
 * Random listings for the property tests of the engine and the segment cache: sources, the
 * filters a dashboard uses (severity floor, text search, a label matcher), direction and page
 * size. Each test chooses its own window.
 */
export const listingArb = fc.record({
  sources: fc.subarray([...SOURCE_NAMES], { minLength: 1 }),
  minSeverity: fc.option(fc.constantFrom(...SEVERITIES), { nil: undefined }),
  search: fc.option(fc.constantFrom('error', 'ORDER', 'tick'), { nil: undefined }),
  symbolNot: fc.option(fc.constantFrom('AAPL', 'SPY'), { nil: undefined }),
  direction: fc.constantFrom<Direction>('backward', 'forward'),
  limit: fc.integer({ min: 1, max: 12 }),
});

export type ListingSpec = typeof listingArb extends fc.Arbitrary<infer T> ? T : never;

/** The query a spec describes over `[from, to)`. */
export function listingQuery(spec: ListingSpec, from: string, to: string): LogQuery {
  return {
    sources: spec.sources as SourceName[],
    from,
    to,
    severities: [],
    minSeverity: spec.minSeverity,
    search: spec.search ? { text: spec.search, regex: false } : undefined,
    labels: spec.symbolNot ? [{ name: 'symbol', op: '!=', value: spec.symbolNot }] : [],
    limit: spec.limit,
    direction: spec.direction,
    selectors: {},
  };
}
