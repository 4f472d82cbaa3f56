/**
 * The GCS source against the Cloud Storage emulator, through the real client and the real
 * backend: time pushdown into listing and downloads, the object cache, every object format,
 * malformed objects, time zones, and cursor paging — each checked against the same data
 * set served from memory.
 */
import type { Bucket } from '@google-cloud/storage';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedGcs } from '../../local/seed.js';
import type { ObjectFormat } from '../../local/demo-data/dataset.js';
import {
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
const DEMO_PREFIXES = 'trades/,reflections/,strategies/';
const GCS_COUNTERS = [
  'listCalls',
  'objectsListed',
  'objectsSkippedByTime',
  'objectsRead',
  'objectsDownloaded',
  'objectCacheHits',
  'bytesDownloaded',
  'listCacheHits',
] as const;

/** Hand-made objects for the cases the generated data set does not cover, dated 2020. */
const EDGE = {
  ist: 'edge/2020/01/15/ist-0530.jsonl',
  text: 'edge/2020/01/15/ist-text.log',
  broken: 'edge/2020/01/15/broken.json',
  good: 'edge/2020/01/15/good.json',
  stray: 'edge/2020/01/15/stray.jsonl',
  /** Written late: its folder says 06:00-07:00, its records are from 07:15 on. */
  late: 'edge/2020/01/16/06/late.jsonl',
};

async function seedEdgeObjects(bucket: Bucket): Promise<void> {
  const jsonl = (records: object[]): string => records.map((r) => JSON.stringify(r)).join('\n') + '\n';
  const objects: [string, string][] = [
    [
      EDGE.ist,
      jsonl([
        // India Standard Time, as a writer in Mumbai would log: 23:59:30 UTC the day before.
        { timestamp: '2020-01-15T05:29:30+05:30', level: 'INFO', message: 'ist before utc midnight' },
        { timestamp: '2020-01-15T06:00:00+05:30', level: 'WARNING', message: 'ist half past midnight' },
        { timestamp: '2020-01-15T10:00:00.123+05:30', level: 'ERROR', message: 'ist morning' },
      ]),
    ],
    [EDGE.text, '2020-01-15T06:15:00+05:30 ERROR text line with an offset\n'],
    [EDGE.broken, '{not json'],
    [
      EDGE.late,
      jsonl([
        { timestamp: '2020-01-16T07:15:00Z', level: 'INFO', message: 'late write one' },
        { timestamp: '2020-01-16T07:40:00Z', level: 'INFO', message: 'late write two' },
      ]),
    ],
    [
      EDGE.good,
      JSON.stringify({ timestamp: '2020-01-15T00:10:00Z', level: 'INFO', message: 'good neighbour' }),
    ],
    [
      EDGE.stray,
      `${JSON.stringify({ timestamp: '2020-01-15T00:20:00Z', message: 'before the stray line' })}\nthis line is not json\n${JSON.stringify({ timestamp: '2020-01-15T00:25:00Z', message: 'after the stray line' })}\n`,
    ],
  ];
  await Promise.all(objects.map(([name, body]) => bucket.file(name).save(body, { resumable: false })));
}

let suite: SourceSuite;
let bucket: Bucket;

beforeAll(async () => {
  suite = await startSourceSuite({
    sources: ['gcs'],
    days: 3,
    // The generator opens its hourly trade files at the data set's start minute; pinning it
    // to :35 makes every run cut the hours the same way, so results do not depend on the
    // minute the suite happens to run.
    nowMs: Math.floor(Date.now() / HOUR) * HOUR - 25 * 60_000,
    env: { GCS_PREFIXES: `${DEMO_PREFIXES},edge/` },
    seed: async (stack, dataset) => {
      const target = stack.storage.bucket(stack.bucketName);
      await Promise.all([seedGcs(target, dataset), seedEdgeObjects(target)]);
    },
  });
  bucket = suite.stack.storage.bucket(suite.stack.bucketName);
});

afterAll(() => suite?.close());

/** Both backends answer the query; the real one's page is returned after comparing. */
async function compareWithOracle(params: Record<string, string | number>) {
  const [real, expected] = await Promise.all([
    fetchPage(suite.real, '/logs/gcs', params),
    fetchPage(suite.oracle, '/logs/gcs', params),
  ]);
  expect(real.warnings).toEqual([]);
  // The memory oracle has no notion of prefixes: narrow its answer as the selector does.
  const prefixes = params.prefix === undefined ? undefined : String(params.prefix).split(',');
  const wanted = expected.entries.filter((e) => !prefixes || prefixes.includes(e.labels.prefix ?? ''));
  expect(expected.nextCursor === null || !prefixes).toBe(true);
  expect(essentials(real.entries)).toEqual(essentials(wanted));
  return real;
}

/** Noon to 1 pm UTC two days ago: inside the data set, far from midnight and its slack. */
function oneHourWindow(): { from: string; to: string } {
  const day = Math.floor((suite.nowMs - 2 * DAY) / DAY) * DAY;
  return { from: iso(day + 12 * HOUR), to: iso(day + 13 * HOUR) };
}

describe('GCS source over the emulator', () => {
  it('lists and downloads only the objects a one-hour query can need', async () => {
    const total = suite.dataset.objects.length;
    const page = await compareWithOracle({ ...oneHourWindow(), limit: 1000 });
    expect(page.entries.length).toBeGreaterThan(10);
    const stats = sourceStats(page, 'gcs', GCS_COUNTERS);
    console.info(
      `[gcs] one hour of ${total} objects: listed ${stats.objectsListed}, skipped by time ${stats.objectsSkippedByTime}, downloaded ${stats.objectsDownloaded}, list calls ${stats.listCalls}`,
    );
    // Folders dated outside the hour (and its slack) are never listed, so nearly every
    // object listed is one that can hold a record of the hour; only those are downloaded.
    expect(stats.objectsListed).toBeLessThan(total / 10);
    expect(stats.objectsDownloaded).toBeLessThan(total / 10);
    expect(stats.objectsRead + stats.objectsSkippedByTime).toBe(stats.objectsListed);

    // Hourly trade objects show it best: of 72 hours, the hour and its neighbours (name slack).
    const trades = await compareWithOracle({ ...oneHourWindow(), limit: 1000, prefix: 'trades/' });
    const tradeStats = sourceStats(trades, 'gcs', GCS_COUNTERS);
    const tradeObjects = suite.dataset.objects.filter((o) => o.name.startsWith('trades/')).length;
    console.info(
      `[gcs] one hour of ${tradeObjects} trade objects: listed ${tradeStats.objectsListed}, downloaded ${tradeStats.objectsDownloaded + tradeStats.objectCacheHits}`,
    );
    expect(tradeStats.objectsListed).toBeLessThanOrEqual(4);
    expect(tradeStats.objectsRead).toBeLessThanOrEqual(4);
    expect(trades.entries.every((e) => e.labels.prefix === 'trades/')).toBe(true);
  });

  it('serves a repeated query from the folder and object caches without listing or downloading', async () => {
    // Noon yesterday: objects no earlier test has read.
    const { from, to } = oneHourWindow();
    const window = { from: iso(Date.parse(from) + DAY), to: iso(Date.parse(to) + DAY), limit: 500 };
    const first = await compareWithOracle(window);
    const second = await compareWithOracle(window);
    const again = sourceStats(second, 'gcs', GCS_COUNTERS);
    expect(sourceStats(first, 'gcs', GCS_COUNTERS).objectsDownloaded).toBeGreaterThan(0);
    expect(second.stats.cache).toBe('miss'); // the page cache is off: the source did the work
    expect(again.objectsDownloaded).toBe(0);
    expect(again.bytesDownloaded).toBe(0);
    expect(again.objectCacheHits).toBe(again.objectsRead);
    expect(again.listCalls).toBe(0); // folder listings are reused within their TTL
    expect(again.listCacheHits).toBeGreaterThan(0);
    expect(second.entries).toEqual(first.entries);
  });

  it('reads every object format the writers produce, as the oracle does', async () => {
    const page = await compareWithOracle({
      from: iso(suite.nowMs - 4 * DAY),
      to: iso(suite.nowMs + 60_000),
      limit: 5000,
      prefix: DEMO_PREFIXES,
    });
    expect(page.nextCursor).toBeNull();
    const perObject = new Map<string, number>();
    for (const entry of page.entries)
      perObject.set(entry.labels.object ?? '', (perObject.get(entry.labels.object ?? '') ?? 0) + 1);
    const seen = new Set<ObjectFormat>();
    for (const object of suite.dataset.objects) {
      const expected = object.format === 'text' ? object.lines.length : object.records.length;
      expect(perObject.get(object.name) ?? 0, object.name).toBe(expected);
      seen.add(object.format);
    }
    expect([...seen].sort()).toEqual(['json', 'json-array', 'jsonl', 'jsonl-gzip', 'text']);
    // The seed marks every other gzip object `Content-Encoding: gzip`: both kinds were read.
    const gzipped = suite.dataset.objects.filter((o) => o.format === 'jsonl-gzip').slice(0, 2);
    const encodings = await Promise.all(
      gzipped.map(async (o) => (await bucket.file(o.name).getMetadata())[0].contentEncoding),
    );
    expect(new Set(encodings.map((e) => e ?? 'none'))).toEqual(new Set(['gzip', 'none']));
    // The pretty-printed array is spread over many lines yet read as one document.
    const pretty = suite.dataset.objects.find((o) => o.format === 'json-array');
    const [strategy] = await bucket.file(pretty?.name ?? '').download();
    expect(strategy.toString().split('\n').length).toBeGreaterThan(10);
  });

  it('finds records written into an hourly folder after its hour, within the name slack', async () => {
    // Writers rotate files on their own clock, so a folder dated 06 may hold records from 07:15.
    const page = await fetchPage(suite.real, '/logs/gcs', {
      from: '2020-01-16T07:20:00Z',
      to: '2020-01-16T07:50:00Z',
      prefix: 'edge/',
      limit: 100,
    });
    expect(page.entries.map((e) => e.message)).toEqual(['late write two']);
  });

  it('applies severity and text filters after reading, as the oracle does', async () => {
    const window = { from: iso(suite.nowMs - 4 * DAY), to: iso(suite.nowMs + 60_000), prefix: DEMO_PREFIXES };
    const errors = await compareWithOracle({ ...window, minSeverity: 'ERROR', limit: 5000 });
    expect(errors.entries.length).toBeGreaterThan(0);
    expect(errors.entries.every((e) => e.severity === 'ERROR')).toBe(true);
    const rejected = await compareWithOracle({ ...window, search: 'rejected', limit: 5000 });
    expect(rejected.entries.length).toBeGreaterThan(0);
    expect(rejected.entries.every((e) => e.message.includes('rejected'))).toBe(true);
  });

  it('warns about a malformed object by name and serves the rest of the page', async () => {
    const page = await fetchPage(suite.real, '/logs/gcs', {
      from: '2020-01-15T00:00:00Z',
      to: '2020-01-15T01:00:00Z',
      prefix: 'edge/',
      limit: 100,
    });
    expect(page.partial).toBe(false);
    const messages = page.warnings.map((w) => `${w.source}: ${w.message}`);
    expect(messages).toContainEqual(
      expect.stringMatching(
        /^gcs: object edge\/2020\/01\/15\/broken\.json could not be read: .*not valid JSON/,
      ),
    );
    expect(messages).toContainEqual(`gcs: object ${EDGE.stray}: 1 lines were not JSON`);
    expect(page.entries.map((e) => e.message)).toEqual(
      expect.arrayContaining(['good neighbour', 'before the stray line', 'after the stray line']),
    );
    expect(page.entries.some((e) => e.labels.object === EDGE.broken)).toBe(false);
  });

  it('normalizes +05:30 offsets to UTC and filters the range in UTC', async () => {
    const range = async (from: string, to: string) =>
      (await fetchPage(suite.real, '/logs/gcs', { from, to, prefix: 'edge/', limit: 100 })).entries
        .filter((e) => e.labels.object === EDGE.ist || e.labels.object === EDGE.text)
        .map((e) => [e.timestamp, e.severity, e.message]);

    expect(await range('2020-01-15T00:00:00Z', '2020-01-15T01:00:00Z')).toEqual([
      // A text line keeps its level word; only the leading time is taken out of it.
      ['2020-01-15T00:45:00.000000000Z', 'ERROR', 'ERROR text line with an offset'],
      ['2020-01-15T00:30:00.000000000Z', 'WARNING', 'ist half past midnight'],
    ]);
    // The previous UTC day, from an object dated the 15th: the name's slack keeps it a candidate.
    expect(await range('2020-01-14T23:00:00Z', '2020-01-15T00:00:00Z')).toEqual([
      ['2020-01-14T23:59:30.000000000Z', 'INFO', 'ist before utc midnight'],
    ]);
    expect(await range('2020-01-15T04:30:00.123Z', '2020-01-15T04:30:00.124Z')).toEqual([
      ['2020-01-15T04:30:00.123000000Z', 'ERROR', 'ist morning'],
    ]);
  });

  it.each(['backward', 'forward'] as const)(
    'walks all pages (%s) to exactly one full scan',
    async (direction) => {
      const params = {
        from: iso(suite.nowMs - 5 * HOUR),
        to: iso(suite.nowMs - 2 * HOUR),
        direction,
        prefix: DEMO_PREFIXES,
      };
      const whole = await compareWithOracle({ ...params, limit: 5000 });
      expect(whole.nextCursor).toBeNull();
      const walked = await walkPages(suite.real, '/logs/gcs', params, 7);
      expect(walked.pages).toBeGreaterThan(5);
      expect(idsOf(walked.entries)).toEqual(idsOf(whole.entries));
      expect(essentials(walked.entries)).toEqual(essentials(whole.entries));
    },
  );
});

describe('records without a time of their own', () => {
  // Last in the file: the object is written now and removed after, out of the other cases' way,
  // under a folder no earlier listing has cached.
  const untimed = 'edge/untimed/records.jsonl';

  it("are shown at their object's upload time, and every listing that reads them says so", async () => {
    const records = [
      { message: 'no time here', level: 'INFO' },
      { message: 'nor here', level: 'WARN' },
    ];
    await bucket.file(untimed).save(records.map((r) => JSON.stringify(r)).join('\n'), { resumable: false });
    try {
      const params = {
        from: iso(Date.now() - 10 * 60_000),
        to: iso(Date.now() + 10 * 60_000),
        prefix: 'edge/untimed/',
        limit: 10,
      };
      for (const read of ['downloaded', 'cached']) {
        const page = await fetchPage(suite.real, '/logs/gcs', params);
        expect(page.entries.map((e) => e.message).sort(), read).toEqual(['no time here', 'nor here']);
        expect(page.partial, read).toBe(false);
        expect(
          page.warnings.map((w) => `${w.source}: ${w.message}`),
          read,
        ).toEqual([
          `gcs: records without a recognizable time, shown at their object's upload time: ${untimed} (2 of 2); looked for timestamp, time, ts, @timestamp, created_at, createdAt, executed_at (FIELD_MAPPINGS timestampFields of edge/ can name theirs)`,
        ]);
      }
    } finally {
      await bucket.file(untimed).delete();
    }
  });
});
