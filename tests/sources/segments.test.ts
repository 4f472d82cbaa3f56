/**
 * The segment cache over the real sources (GCS emulator, Firestore emulator, Kubernetes API
 * double), refreshed the way a Grafana dashboard refreshes: absolute windows that move with
 * the clock, a logs panel and a volume panel, filters changing between refreshes. Every
 * answer must equal the in-memory oracle's, and once the settled segments are cached a
 * refresh must not call Firestore at all (the fresh edge is shared for a minute here, so the
 * count does not depend on this machine's speed).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LogEntry } from '../../backend/src/model/index.js';
import { TOKENS } from '../support/backend.js';
import { scrape, total } from '../support/metrics.js';
import {
  essentials,
  fetchPage,
  iso,
  pathOf,
  seedEverySource,
  startSourceSuite,
  type SourceSuite,
} from '../support/source-suite.js';

const HOUR = 3_600_000;
const CALLS = 'log_aggregator_backend_calls_total';

let suite: SourceSuite;

beforeAll(async () => {
  suite = await startSourceSuite({
    sources: ['gcs', 'firestore', 'pods'],
    days: 0.25,
    env: {
      CACHE_SEGMENT_BYTES: String(64 * 1024 * 1024),
      CACHE_SEGMENT_SECONDS: '60',
      CACHE_FRESH_EDGE_MAX_AGE_MS: '60000',
    },
    seed: seedEverySource,
  });
});

afterAll(() => suite?.close());

/** The oracle also holds the crash-looping container's previous log, which /logs leaves out. */
const current = (entries: LogEntry[]) => entries.filter((e) => e.labels.previous !== 'true');

/** A window ending now, as Grafana sends it on each refresh. */
const movingWindow = () => ({ from: iso(suite.nowMs - 3 * HOUR), to: iso(Date.now()) });

const FILTERS = [{}, { minSeverity: 'WARNING' }, { search: 'order' }, { label: 'symbol!=SPY' }];

async function callsBySource(): Promise<Record<string, number>> {
  const samples = await scrape(suite.real);
  return Object.fromEntries(
    ['gcs', 'firestore', 'pods'].map((source) => [source, total(samples, CALLS, { source })]),
  );
}

describe('segment cache over the emulators', () => {
  it('answers moving-window refreshes with any filter as the sources do, counting every backend call', async () => {
    const before = await scrape(suite.real);
    const first = await fetchPage(suite.real, '/logs', { ...movingWindow(), limit: 5000 });
    const after = await scrape(suite.real);
    const delta = (source: string, call: string) =>
      total(after, CALLS, { source, call }) - total(before, CALLS, { source, call });
    expect(delta('firestore', 'query')).toBeGreaterThanOrEqual(2);
    expect(delta('gcs', 'list')).toBeGreaterThanOrEqual(1);
    expect(delta('gcs', 'download')).toBeGreaterThanOrEqual(1);
    expect(delta('pods', 'list')).toBeGreaterThanOrEqual(1);
    expect(delta('pods', 'read')).toBeGreaterThanOrEqual(1);
    expect(first.partial).toBe(false);

    const calls = await callsBySource();
    for (const filter of FILTERS) {
      const params = { ...movingWindow(), limit: 5000, ...filter };
      const [real, oracle] = await Promise.all([
        fetchPage(suite.real, '/logs', params),
        fetchPage(suite.oracle, '/logs', params),
      ]);
      expect(real.partial).toBe(false);
      expect(real.entries.length).toBeGreaterThan(0);
      expect(essentials(real.entries)).toEqual(essentials(current(oracle.entries)));
      // Served from cached segments and the shared fresh edge: nothing read from the sources.
      expect(real.stats.scanned).toBe(0);
    }
    expect((await callsBySource()).firestore).toBe(calls.firestore);
  });

  it('lets the source say why a narrowed query found nothing', async () => {
    const page = await fetchPage(suite.real, '/logs', {
      ...movingWindow(),
      source: 'firestore',
      collection: 'gpt_runner_orders',
    });
    expect(page.entries).toEqual([]);
    expect(page.warnings.map((w) => w.message)).toContainEqual(
      expect.stringMatching(/^collection gpt_runner_orders is not served here/),
    );
  });

  it('pages with cursors through cached segments as the sources do', async () => {
    const params = { ...movingWindow(), limit: 37, source: 'gcs,firestore' };
    const seen: LogEntry[] = [];
    let cursor: string | undefined;
    do {
      const page = await fetchPage(suite.real, '/logs', { ...params, cursor });
      seen.push(...page.entries);
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    const oracle = await fetchPage(suite.oracle, '/logs', { ...params, limit: 5000 });
    expect(essentials(seen)).toEqual(essentials(oracle.entries));
  });

  it('counts a volume panel from cached segments, reading the sources once', async () => {
    const params = { ...movingWindow(), step: '5m', source: 'gcs,firestore' };
    const path = pathOf('/logs/volume', params);
    const [real, oracle] = await Promise.all([
      suite.real.json<{ series: unknown; stats: { scanned: number; counted: number } }>(path, TOKENS.viewer),
      suite.oracle.json<{ series: unknown }>(path, TOKENS.viewer),
    ]);
    expect(real.status).toBe(200);
    expect(real.body.series).toEqual(oracle.body.series);
    expect(real.body.stats.counted).toBeGreaterThan(100);

    const calls = await callsBySource();
    const again = await suite.real.json<{ series: unknown; stats: { scanned: number } }>(
      pathOf('/logs/volume', { ...params, severity: 'ERROR' }),
      TOKENS.viewer,
    );
    expect(again.status).toBe(200);
    expect(again.body.stats.scanned).toBe(0);
    expect((await callsBySource()).firestore).toBe(calls.firestore);
  });
});
