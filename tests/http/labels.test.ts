import type { LabelNamesResponse, LabelValuesResponse, LogsResponse } from '@gpt-runner-logs/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemorySource } from '../../local/demo-data/memory-source.js';
import { formatEpochMs, type LogEntry } from '../../backend/src/model/index.js';
import { TOKENS, startTestBackend, type TestBackend } from '../support/backend.js';

/** Label names and values over the demo data, in the caller's scope and time range. */
let backend: TestBackend;
beforeAll(async () => {
  backend = await startTestBackend();
});
afterAll(() => backend.close());

const MINUTE = 60_000;
/** A window on whole minutes (as the endpoints widen theirs), ending where the demo data ends. */
function window(minutes: number): string {
  const to = Math.floor(backend.nowMs / MINUTE) * MINUTE;
  return `from=${to - minutes * MINUTE}&to=${to}`;
}

const names = (query: string, token: string = TOKENS.viewer) =>
  backend.json<LabelNamesResponse>(`/logs/labels?${query}`, token);
const values = (query: string, token: string = TOKENS.viewer) =>
  backend.json<LabelValuesResponse>(`/logs/labels/values?${query}`, token);

describe('GET /logs/labels', () => {
  it('lists the label names of every source, sorted, source and severity included', async () => {
    const { status, body } = await names(window(60));
    expect(status).toBe(200);
    expect(body.names).toEqual([...body.names].sort());
    for (const name of [
      'symbol',
      'strategy',
      'side',
      'collection',
      'object',
      'pod',
      'namespace',
      'source',
      'severity',
    ])
      expect(body.names).toContain(name);
    expect(body.truncated).toBe(false);
    expect(body.stats.entries).toBeGreaterThan(0);
  });

  it("keeps to the token's sources", async () => {
    const { status, body } = await names(window(60), TOKENS.gcsOnly);
    expect(status).toBe(200);
    expect(body.names).toContain('object');
    expect(body.names).not.toContain('pod');
    expect(body.names).not.toContain('collection');
    expect((await names(`${window(60)}&source=pods`, TOKENS.gcsOnly)).status).toBe(403);
  });

  it('keeps to the time range: nothing before the data began', async () => {
    const { body } = await names(
      `from=${backend.nowMs - 5 * 86_400_000}&to=${backend.nowMs - 4 * 86_400_000}`,
    );
    expect(body.names).toEqual([]);
    expect(body.stats.entries).toBe(0);
  });

  it('is narrowed by the listing filters', async () => {
    const { body } = await names(`${window(60)}&source=pods`);
    expect(body.names).toContain('container');
    expect(body.names).not.toContain('collection');
  });

  it('says when it read only the newest entries, and when it listed only some names', async () => {
    const cutEntries = (await names(`${window(600)}&maxEntries=5`)).body;
    expect(cutEntries.truncated).toBe(true);
    expect(cutEntries.stats.entries).toBeLessThanOrEqual(15);
    expect(cutEntries.warnings.map((w) => w.message).join()).toMatch(
      /newest 5 matching entries of each source/,
    );

    const cutList = (await names(`${window(60)}&limit=3`)).body;
    expect(cutList.names).toHaveLength(3);
    expect(cutList.truncated).toBe(true);
    expect(cutList.warnings.map((w) => w.message).join()).toMatch(/more than 3 label names/);
  });
});

describe('GET /logs/labels/values', () => {
  it('counts the values the listing holds, per value', async () => {
    const range = window(120);
    const { status, body } = await values(`name=symbol&source=firestore&${range}`);
    expect(status).toBe(200);
    const listing = await backend.json<LogsResponse>(
      `/logs?source=firestore&${range}&limit=5000`,
      TOKENS.viewer,
    );
    const expected = new Map<string, number>();
    for (const entry of listing.body.entries) {
      const symbol = entry.labels.symbol;
      if (symbol) expected.set(symbol, (expected.get(symbol) ?? 0) + 1);
    }
    expect(body.name).toBe('symbol');
    expect(body.values).toEqual(
      [...expected].sort(([a], [b]) => (a < b ? -1 : 1)).map(([value, entries]) => ({ value, entries })),
    );
    expect(body.values.length).toBeGreaterThan(1);
    for (const { value } of body.values) expect(value).toMatch(/^[A-Z]+$/);
  });

  it('reads source and severity from the entry itself', async () => {
    const sources = (await values(`name=source&${window(60)}`)).body.values.map((v) => v.value);
    expect(sources).toEqual(['firestore', 'gcs', 'pods']);
    const severities = (await values(`name=severity&minSeverity=ERROR&${window(60)}`)).body.values;
    expect(severities.map((v) => v.value)).toContain('ERROR');
    expect(severities.map((v) => v.value)).not.toContain('INFO');
  });

  it('is narrowed by label matchers', async () => {
    const all = (await values(`name=side&${window(120)}`)).body.values.map((v) => v.value);
    expect(all).toEqual(['buy', 'sell']);
    const narrowed = (await values(`name=side&label=${encodeURIComponent('side!=buy')}&${window(120)}`)).body;
    expect(narrowed.values.map((v) => v.value)).toEqual(['sell']);
  });

  it('lists at most limit values and says so', async () => {
    const { body } = await values(`name=symbol&limit=2&${window(120)}`);
    expect(body.values).toHaveLength(2);
    expect(body.truncated).toBe(true);
    expect(body.warnings.map((w) => w.message).join()).toMatch(/more than 2 label values/);
  });

  it('answers windows within the same minutes from the cache', async () => {
    const to = Math.floor(backend.nowMs / MINUTE) * MINUTE - 10 * MINUTE;
    const first = await values(`name=strategy&from=${to - 30 * MINUTE + 1_000}&to=${to - 2_000}`);
    const second = await values(`name=strategy&from=${to - 30 * MINUTE + 7_000}&to=${to - 1_000}`);
    expect(first.body.stats.cache).toBe('miss');
    expect(second.body.stats.cache).toBe('hit');
    expect(second.body.values).toEqual(first.body.values);
  });

  it.each([
    ['', 'name'],
    ['name=', 'name'],
    [`name=${'x'.repeat(300)}`, 'name'],
    ['name=symbol&cursor=abc', 'cursor'],
    ['name=symbol&limit=0', 'limit'],
    ['name=symbol&maxEntries=50001', 'maxEntries'],
    ['name=symbol&nope=1', 'nope'],
  ])('refuses ?%s naming %s', async (query, param) => {
    const response = await backend.get(`/logs/labels/values?${query}`, TOKENS.viewer);
    expect(response.status).toBe(400);
    expect(((await response.json()) as { param: string }).param).toBe(param);
  });

  it('needs a token', async () => {
    expect((await backend.get('/logs/labels/values?name=symbol')).status).toBe(401);
    expect((await backend.get('/logs/labels')).status).toBe(401);
  });
});

describe('with REDACT_RESPONSES', () => {
  const nowMs = Date.now();
  const KEYS = ['AKIAIOSFODNN7EXAMPLE', 'AKIAI44QH8DHBEXAMPLE'];
  const entries: LogEntry[] = [...KEYS, ...KEYS, 'desk-7'].map((account, i) => ({
    id: `pods-${i}`,
    timestamp: formatEpochMs(nowMs - (i + 1) * MINUTE),
    source: 'pods',
    severity: 'INFO',
    message: 'session opened',
    labels: { pod: 'trader-1', account },
  }));
  let redacting: TestBackend;
  beforeAll(async () => {
    redacting = await startTestBackend({
      nowMs,
      sources: [new MemorySource('pods', entries)],
      env: { REDACT_RESPONSES: 'true' },
    });
  });
  afterAll(() => redacting.close());

  it('redacts values as listings redact labels, counting values that become equal together', async () => {
    const { status, body } = await redacting.json<LabelValuesResponse>(
      `/logs/labels/values?name=account&from=now-1h`,
      TOKENS.viewer,
    );
    expect(status).toBe(200);
    for (const key of KEYS) expect(JSON.stringify(body)).not.toContain(key);
    expect(body.values).toEqual([
      { value: '[REDACTED:aws_access_key]', entries: 4 },
      { value: 'desk-7', entries: 1 },
    ]);
  });
});
