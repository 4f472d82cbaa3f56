/**
 * The Firestore source against the Firestore emulator, through the real client and the real
 * backend: severity pushdown (`in`), paging in both directions, UTC timestamps and the
 * collections list — each checked against the same data set served from memory.
 */
import { Timestamp } from '@google-cloud/firestore';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedFirestore } from '../../local/seed.js';
import { severityRank } from '../../backend/src/model/index.js';
import { TOKENS } from '../support/backend.js';
import { scrape, total } from '../support/metrics.js';
import { unsupportedReason } from '../support/emulators/firestore.js';
import { skipBecause } from '../support/emulators/skip.js';
import {
  RFC3339_UTC_NANOS,
  essentials,
  fetchPage,
  idsOf,
  iso,
  sourceStats,
  startSourceSuite,
  walkPages,
  type SourceSuite,
} from '../support/source-suite.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** Small batches, so a full scan needs several round trips joined by `startAfter`. */
const BATCH_SIZE = 100;
const FIRESTORE_COUNTERS = ['documentsRead', 'queries'] as const;

let suite: SourceSuite;

beforeAll(async () => {
  suite = await startSourceSuite({
    sources: ['firestore'],
    days: 1,
    env: { FIRESTORE_BATCH_SIZE: String(BATCH_SIZE) },
    seed: async (stack, dataset) => {
      await seedFirestore(stack.db, dataset);
      // A document with sub-millisecond precision (Firestore keeps microseconds) and a nested
      // Timestamp, dated 2020 so no other query meets it.
      await stack.db
        .collection('gpt_runner_trades')
        .doc('ord-precise')
        .set({
          timestamp: new Timestamp(Date.parse('2020-01-15T00:30:00Z') / 1000, 123_456_000),
          level: 'ERROR',
          message: 'precise',
          settled: { at: Timestamp.fromMillis(Date.parse('2020-01-16T09:00:00Z')) },
        });
    },
  });
});

afterAll(() => suite?.close());

/** Why a test that needs cursors inside a page cannot run on this emulator, if it cannot. */
function startAfterGap(): string | undefined {
  return unsupportedReason(suite.stack.firestore.kind, 'startAfter');
}

async function compareWithOracle(params: Record<string, string | number>) {
  const [real, expected] = await Promise.all([
    fetchPage(suite.real, '/logs/firestore', params),
    fetchPage(suite.oracle, '/logs/firestore', params),
  ]);
  expect(real.warnings).toEqual([]);
  expect(essentials(real.entries)).toEqual(essentials(expected.entries));
  return real;
}

const wholeDataset = () => ({ from: iso(suite.nowMs - 3 * DAY), to: iso(suite.nowMs + 60_000) });

describe('Firestore source over the emulator', () => {
  it('pushes minSeverity down as `in`: far fewer documents read than a full scan', async (ctx) => {
    if (skipBecause(startAfterGap(), 'full scans over several batches')) return ctx.skip();
    const total = suite.dataset.documents.length;
    const full = await compareWithOracle({ ...wholeDataset(), limit: 5000 });
    const errors = await compareWithOracle({ ...wholeDataset(), limit: 5000, minSeverity: 'ERROR' });
    const fullStats = sourceStats(full, 'firestore', FIRESTORE_COUNTERS);
    const errorStats = sourceStats(errors, 'firestore', FIRESTORE_COUNTERS);
    console.info(
      `[firestore] ${total} documents: full scan read ${fullStats.documentsRead} in ${fullStats.queries} queries; minSeverity=ERROR read ${errorStats.documentsRead} in ${errorStats.queries} queries`,
    );
    expect(fullStats.documentsRead).toBe(total);
    expect(errors.entries.length).toBeGreaterThan(0);
    expect(errors.entries.every((e) => severityRank(e.severity) >= severityRank('ERROR'))).toBe(true);
    // Every document read was one to return: the filter ran in Firestore, not here.
    expect(errorStats.documentsRead).toBe(errors.entries.length);
    expect(errorStats.documentsRead).toBeLessThan(total / 10);
  });

  it.for(['backward', 'forward'] as const)(
    'walks all pages (%s) to exactly one full scan',
    async (direction, ctx) => {
      if (skipBecause(startAfterGap(), 'the one-scan side reads several batches')) return ctx.skip();
      const params = { from: iso(suite.nowMs - 7 * HOUR), to: iso(suite.nowMs - HOUR), direction };
      const whole = await compareWithOracle({ ...params, limit: 5000 });
      expect(whole.entries.length).toBeGreaterThan(BATCH_SIZE);
      expect(sourceStats(whole, 'firestore', FIRESTORE_COUNTERS).queries).toBeGreaterThan(1);
      const walked = await walkPages(suite.real, '/logs/firestore', params, 7);
      expect(walked.pages).toBeGreaterThan(10);
      expect(idsOf(walked.entries)).toEqual(idsOf(whole.entries));
      expect(essentials(walked.entries)).toEqual(essentials(whole.entries));
    },
  );

  it('counts every query round trip in log_aggregator_backend_calls_total', async () => {
    const calls = async () =>
      total(await scrape(suite.real), 'log_aggregator_backend_calls_total', {
        source: 'firestore',
        call: 'query',
      });
    const before = await calls();
    const page = await compareWithOracle({
      from: iso(suite.nowMs - 5 * HOUR),
      to: iso(suite.nowMs),
      limit: 300,
    });
    const { queries } = sourceStats(page, 'firestore', FIRESTORE_COUNTERS);
    expect(queries).toBeGreaterThan(0);
    expect((await calls()) - before).toBe(queries);
  });

  it('walks pages of a severity-filtered query the same way', async () => {
    const params = { ...wholeDataset(), minSeverity: 'WARNING', direction: 'forward' };
    const expected = await fetchPage(suite.oracle, '/logs/firestore', { ...params, limit: 5000 });
    const walked = await walkPages(suite.real, '/logs/firestore', params, 5);
    expect(walked.entries.length).toBeGreaterThan(5);
    expect(essentials(walked.entries)).toEqual(essentials(expected.entries));
  });

  it('turns Firestore Timestamps into UTC RFC 3339 with nanoseconds', async () => {
    const page = await compareWithOracle({
      from: iso(suite.nowMs - 2 * HOUR),
      to: iso(suite.nowMs),
      limit: 200,
    });
    expect(page.entries.length).toBeGreaterThan(0);
    for (const entry of page.entries) {
      expect(entry.timestamp).toMatch(RFC3339_UTC_NANOS);
      const payload = entry.payload as Record<string, unknown>;
      const stored = payload.timestamp ?? payload.created_at;
      expect(stored).toMatch(RFC3339_UTC_NANOS);
      expect(stored).toBe(entry.timestamp);
    }
    const precise = await fetchPage(suite.real, '/logs/firestore', {
      from: '2020-01-15T00:30:00.123456Z',
      to: '2020-01-15T00:30:00.123457Z',
      limit: 10,
    });
    expect(precise.entries.map((e) => [e.id, e.timestamp])).toEqual([
      ['gpt_runner_trades/ord-precise', '2020-01-15T00:30:00.123456000Z'],
    ]);
    expect(precise.entries[0]?.payload).toMatchObject({ settled: { at: '2020-01-16T09:00:00.000000000Z' } });
  });

  it('reads only the selected collection', async (ctx) => {
    if (skipBecause(startAfterGap(), 'reading a whole collection takes several batches')) return ctx.skip();
    const page = await fetchPage(suite.real, '/logs/firestore', {
      ...wholeDataset(),
      collection: 'gpt_runner_reflections',
      limit: 5000,
    });
    const expected = suite.dataset.documents.filter((d) => d.collection === 'gpt_runner_reflections');
    expect(page.entries.map((e) => e.id).sort()).toEqual(
      expected.map((d) => `${d.collection}/${d.id}`).sort(),
    );
  });

  it('lists the configured collections that exist', async (ctx) => {
    const gap = unsupportedReason(suite.stack.firestore.kind, 'listCollections');
    if (skipBecause(gap, '/meta/collections')) return ctx.skip();
    const { status, body } = await suite.real.json<{ values: string[]; warnings: unknown[] }>(
      '/meta/collections',
      TOKENS.viewer,
    );
    expect(status).toBe(200);
    expect(body).toEqual({ values: ['gpt_runner_reflections', 'gpt_runner_trades'], warnings: [] });
  });
});
