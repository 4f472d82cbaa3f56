import { describe, expect, it } from 'vitest';
import { SLICE_SIZE, formatEpochMs, type LogEntry, type Severity, type SourceName } from '../model/index.js';
import {
  bucketWidth,
  buildDigest,
  buildDigestInSlices,
  inTimeOrder,
  median,
  mineEntries,
  mineEntriesInSlices,
} from './digest.js';

const T0 = Date.parse('2026-11-29T07:00:00Z');
const MINUTE = 60_000;
const WINDOW = { from: formatEpochMs(T0), to: formatEpochMs(T0 + 60 * MINUTE) };

let serial = 0;
function entry(
  minute: number,
  message: string,
  severity: Severity = 'INFO',
  labels: Record<string, string> = {},
  source: SourceName = 'pods',
): LogEntry {
  serial += 1;
  return {
    id: `e${String(serial).padStart(6, '0')}`,
    timestamp: formatEpochMs(T0 + minute * MINUTE + (serial % 1000)),
    source,
    severity,
    message,
    labels,
  };
}

/** An hour of steady traffic with one error per 2-minute bucket, and a burst at minutes 40–43. */
function hourWithBurst(): LogEntry[] {
  const entries: LogEntry[] = [];
  for (let minute = 0; minute < 60; minute += 1) {
    entries.push(entry(minute, `heartbeat ok worker ${minute % 3}`, 'INFO', { pod: 'feed-1' }));
    entries.push(entry(minute, `order filled qty ${minute}`, 'INFO', { pod: 'trader-a', symbol: 'AAPL' }));
    if (minute % 2 === 0)
      entries.push(entry(minute, `cache miss for key k${minute}`, 'ERROR', { pod: 'feed-1' }));
  }
  for (let i = 0; i < 24; i += 1) {
    const pod = i % 4 === 0 ? 'trader-b' : 'trader-a';
    entries.push(
      entry(40 + (i % 4), `broker returned 503 for order ${i}`, 'ERROR', {
        pod,
        symbol: i % 2 ? 'NVDA' : 'TSLA',
      }),
    );
  }
  return entries;
}

/** Fisher–Yates with a small LCG: a fixed but thorough reordering. */
function shuffle<T>(items: readonly T[], seed: number): T[] {
  const out = [...items];
  let state = seed;
  for (let i = out.length - 1; i > 0; i -= 1) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    const j = state % (i + 1);
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

describe('buildDigest', () => {
  it('counts by severity and by source, in the scale order', () => {
    const digest = buildDigest(
      [
        entry(1, 'a', 'ERROR', {}, 'gcs'),
        entry(2, 'b', 'INFO', {}, 'pods'),
        entry(3, 'c', 'WARNING', {}, 'firestore'),
        entry(4, 'd', 'INFO', {}, 'pods'),
      ],
      WINDOW,
    );
    expect(Object.entries(digest.bySeverity)).toEqual([
      ['INFO', 2],
      ['WARNING', 1],
      ['ERROR', 1],
    ]);
    expect(Object.entries(digest.bySource)).toEqual([
      ['gcs', 1],
      ['firestore', 1],
      ['pods', 2],
    ]);
    expect(digest.totals).toEqual({ entries: 4, errors: 1, warnings: 1, errorRate: 0.25 });
  });

  it('buckets the error rate over the window on readable boundaries', () => {
    const digest = buildDigest(hourWithBurst(), WINDOW);
    expect(digest.window.bucketSeconds).toBe(120);
    expect(digest.errorRate).toHaveLength(30);
    expect(digest.errorRate[0]).toEqual({
      start: '2026-11-29T07:00:00.000000000Z',
      entries: 5,
      errors: 1,
      rate: 0.2,
    });
    expect(digest.errorRate.reduce((n, b) => n + b.errors, 0)).toBe(digest.totals.errors);
    expect(bucketWidth(60 * MINUTE, 48)).toBe(120_000);
    expect(bucketWidth(24 * 60 * MINUTE, 48)).toBe(1_800_000);
    expect(bucketWidth(5_000, 48)).toBe(1_000);
  });

  it('finds the burst as a spike with its factor over the median', () => {
    const digest = buildDigest(hourWithBurst(), WINDOW);
    expect(digest.spikes).toEqual([
      {
        start: '2026-11-29T07:40:00.000000000Z',
        end: '2026-11-29T07:44:00.000000000Z',
        errors: 26,
        peakErrors: 13,
        median: 1,
        factor: 13,
        baseline: 1,
      },
    ]);
  });

  it('states the baseline of a spike as the rest of the window, zero when it was quiet', () => {
    const quiet = hourWithBurst().filter((e) => !e.message.startsWith('cache miss'));
    const [spike] = buildDigest(quiet, WINDOW).spikes;
    expect(spike).toMatchObject({ errors: 24, median: 0, baseline: 0 });
  });

  it('gives each template its variables with their value spread', () => {
    const broker = buildDigest(hourWithBurst(), WINDOW).templates.errors.find((t) =>
      t.template.startsWith('broker returned'),
    );
    expect(broker?.variables).toEqual([
      { index: 0, distinct: 1, lines: 24, top: [{ value: '503', count: 24 }] },
      {
        index: 1,
        distinct: 24,
        lines: 24,
        top: [
          { value: '0', count: 1 },
          { value: '1', count: 1 },
          { value: '10', count: 1 },
        ],
      },
    ]);
  });

  it('reports no spike for steady errors or a lone one', () => {
    const steady = Array.from({ length: 60 }, (_, m) => entry(m, `retry ${m}`, 'ERROR'));
    expect(buildDigest(steady, WINDOW).spikes).toEqual([]);
    expect(buildDigest([entry(5, 'boom', 'ERROR')], WINDOW).spikes).toEqual([]);
  });

  it('lists templates that first appear in the second half of the window', () => {
    const digest = buildDigest(hourWithBurst(), WINDOW);
    const fresh = digest.templates.new.map((t) => t.template);
    expect(fresh).toEqual(['broker returned <*> for order <*>']);
    expect(digest.templates.new[0]?.firstSeen?.startsWith('2026-11-29T07:40')).toBe(true);
    expect(digest.templates.top.map((t) => t.template)).toContain('heartbeat ok worker <*>');
  });

  it('puts the templates behind errors first, with where their errors are', () => {
    const digest = buildDigest(hourWithBurst(), WINDOW);
    const [cache, broker] = digest.templates.errors;
    expect(broker).toMatchObject({ template: 'broker returned <*> for order <*>', count: 24, errors: 24 });
    expect(broker?.errorsBy?.pods).toEqual([
      { value: 'trader-a', count: 18, errors: 18 },
      { value: 'trader-b', count: 6, errors: 6 },
    ]);
    expect(broker?.errorsBy?.symbols?.map((l) => l.value)).toEqual(['NVDA', 'TSLA']);
    expect(cache).toMatchObject({ template: 'cache miss for key <*>', errors: 30 });
    expect(digest.templates.errors.every((t) => t.errors > 0)).toBe(true);
  });

  it('ranks label values by count and counts their errors', () => {
    const digest = buildDigest(hourWithBurst(), WINDOW);
    expect(digest.labels.pods).toEqual(
      [
        { value: 'trader-a', count: 78, errors: 18 },
        { value: 'feed-1', count: 90, errors: 30 },
        { value: 'trader-b', count: 6, errors: 6 },
      ].sort((a, b) => b.count - a.count),
    );
    expect(digest.labels.symbols?.[0]).toEqual({ value: 'AAPL', count: 60, errors: 0 });
    expect(digest.labels.collections).toBeUndefined();
  });

  it('is deterministic: the same entries in any order give the same JSON', () => {
    const entries = hourWithBurst();
    const shuffled = shuffle(entries, 42);
    const reversed = [...entries].reverse();
    const first = JSON.stringify(buildDigest(entries, WINDOW));
    expect(JSON.stringify(buildDigest(reversed, WINDOW))).toBe(first);
    expect(JSON.stringify(buildDigest(shuffled, WINDOW))).toBe(first);
  });

  it('echoes what the input covered', () => {
    const digest = buildDigest([], {
      ...WINDOW,
      input: { truncated: true, partial: true, warnings: ['gcs failed'] },
    });
    expect(digest.input).toEqual({ entries: 0, truncated: true, partial: true, warnings: ['gcs failed'] });
    expect(digest.totals.errorRate).toBe(0);
    expect(digest.templates).toEqual({ distinct: 0, top: [], new: [], errors: [] });
  });
});

/** Runs `work` while counting the turns the event loop gets meanwhile. */
async function turnsDuring<T>(work: () => Promise<T>): Promise<{ result: T; turns: number }> {
  let turns = 0;
  let done = false;
  const tick = (): void => {
    if (done) return;
    turns += 1;
    setImmediate(tick);
  };
  setImmediate(tick);
  const result = await work();
  done = true;
  return { result, turns };
}

describe('on the request path', () => {
  const lines = 12 * SLICE_SIZE;
  const many = inTimeOrder(
    Array.from({ length: lines }, (_, i) =>
      entry(i % 60, `order filled qty ${i} for ${['AAPL', 'MSFT', 'TSLA', 'NVDA', 'META'][i % 5]}`, 'INFO', {
        symbol: ['AAPL', 'MSFT', 'TSLA', 'NVDA', 'META'][i % 5] as string,
      }),
    ),
  );

  it('mines with a turn for other work after every slice of lines, both while mining and while reading the variables', async () => {
    const { result, turns } = await turnsDuring(() => mineEntriesInSlices(many));
    expect(result).toEqual(mineEntries(many));
    expect(result.templates[0]?.variables?.length).toBeGreaterThan(0);
    expect(turns).toBeGreaterThanOrEqual(2 * (lines / SLICE_SIZE - 1));
  });

  it('digests with a turn for other work between passes over the entries', async () => {
    const mined = mineEntries(many);
    const { result, turns } = await turnsDuring(() => buildDigestInSlices(many, WINDOW, mined));
    expect(result).toEqual(buildDigest(many, WINDOW, mined));
    expect(turns).toBeGreaterThanOrEqual(5);
  });
});

describe('median', () => {
  it.each([
    [[], 0],
    [[3], 3],
    [[1, 9, 2], 2],
    [[4, 1, 3, 2], 2.5],
  ])('of %j is %d', (values, expected) => {
    expect(median(values)).toBe(expected);
  });
});
