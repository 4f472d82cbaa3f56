/**
 * The unified listing over all three real sources, then the GCS emulator stopped in the
 * middle of the test: the next page must be partial, say which source is missing, and keep
 * the other sources' entries exactly as they were.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LogEntry } from '../../backend/src/model/index.js';
import {
  essentials,
  fetchPage,
  iso,
  seedEverySource,
  startSourceSuite,
  type SourceSuite,
} from '../support/source-suite.js';

const HOUR = 3_600_000;
const SOURCE_TIMEOUT_MS = 3_000;

let suite: SourceSuite;

beforeAll(async () => {
  suite = await startSourceSuite({
    sources: ['gcs', 'firestore', 'pods'],
    // Six hours of data: the two-hour window below, and enough around it.
    days: 0.25,
    // A dead source costs a page at most this long.
    // Folder listings are not reused here, so the first page after the stop meets the outage.
    env: {
      SOURCE_TIMEOUT_MS: String(SOURCE_TIMEOUT_MS),
      GCS_LISTING_TTL_SECONDS: '0',
      GCS_CLOSED_LISTING_TTL_SECONDS: '0',
    },
    seed: seedEverySource,
  });
});

afterAll(() => suite?.close());

const bySource = (entries: LogEntry[], ...sources: string[]) =>
  entries.filter((e) => sources.includes(e.source));

describe('unified listing over the emulators', () => {
  it('serves a partial page naming GCS when its emulator stops, the other sources intact', async () => {
    // Past the pods' start in the API double, which is when they were seeded.
    const params = { from: iso(suite.nowMs - 2 * HOUR), to: iso(Date.now() + 60_000), limit: 5000 };
    const before = await fetchPage(suite.real, '/logs', params);
    expect(before.partial).toBe(false);
    expect(before.warnings).toEqual([]);
    expect(before.nextCursor).toBeNull();
    expect(new Set(before.entries.map((e) => e.source))).toEqual(new Set(['gcs', 'firestore', 'pods']));
    const expected = await fetchPage(suite.oracle, '/logs', params);
    // The oracle also holds the crash-looping container's previous log, which /logs leaves out.
    const current = expected.entries.filter((e) => e.labels.previous !== 'true');
    expect(essentials(before.entries)).toEqual(essentials(current));

    await suite.stack.gcs.stop();
    expect(suite.stack.gcs.isRunning()).toBe(false);

    const started = performance.now();
    const after = await fetchPage(suite.real, '/logs', params);
    expect(performance.now() - started).toBeLessThan(SOURCE_TIMEOUT_MS + 2_000);
    expect(after.partial).toBe(true);
    expect(after.warnings).toHaveLength(1);
    console.info(`[unified] after the GCS emulator stopped: ${after.warnings[0]?.message}`);
    expect(after.warnings[0]?.source).toBe('gcs');
    expect(after.warnings[0]?.message).toMatch(/^gcs .*; its entries are missing from this page$/);
    expect(after.stats.sources.gcs?.ok).toBe(false);
    expect(after.stats.sources.firestore?.ok).toBe(true);
    expect(after.stats.sources.pods?.ok).toBe(true);
    expect(bySource(after.entries, 'gcs')).toEqual([]);
    expect(after.entries).toEqual(bySource(before.entries, 'firestore', 'pods'));
  });
});
