import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { generateCorpus } from '../../backend/bench/corpus/generate.js';
import { CachedCalls } from '../../backend/src/cache/cached-call.js';
import { MemoryCache } from '../../backend/src/cache/memory-cache.js';
import { buildDigest, inTimeOrder, mineEntries } from '../../backend/src/insight/digest.js';
import { InsightService } from '../../backend/src/insight/insight-service.js';
import { withVolumes } from '../../backend/src/insight/pattern-volume.js';
import { readForInsight } from '../../backend/src/insight/read.js';
import { createRedactor, type Redactor } from '../../backend/src/insight/redaction/index.js';
import { BuiltinSummarizer } from '../../backend/src/insight/summary/builtin-provider.js';
import {
  SEVERITIES,
  formatEpochMs,
  type LogEntry,
  type LogQuery,
  type Severity,
} from '../../backend/src/model/index.js';
import { EntriesFingerprint, collectEntries, entriesFingerprint } from '../../backend/src/query/collect.js';
import { QueryEngine } from '../../backend/src/query/engine.js';
import { generateDataset } from '../../local/demo-data/dataset.js';
import { memorySourcesFor } from '../../local/demo-data/memory-source.js';
import { memorySources } from '../../local/demo-data/memory-sources.js';

/**
 * Patterns and summaries read page by page, keeping a small row per entry, and mine those
 * rows oldest first. Here they are compared with the whole read they replace — every entry
 * kept with its redacted message and labels, mined, counted and digested at once — on the
 * demo's three days (tracebacks, secrets, labels that name variables, several pages, read
 * whole and truncated) and on the labelled corpora the miner is measured on.
 */

const nowMs = Date.UTC(2026, 11, 1, 12);
const LOGHUB = fileURLToPath(new URL('../../../shared/data/loghub', import.meta.url));
const SUMMARY_SETTINGS = {
  maxPromptTokens: 6000,
  maxCompletionTokens: 800,
  cacheTtlSeconds: 0,
  pricePer1K: { prompt: 0, completion: 0 },
};

const queryOver = (from: number, to: number, search?: string): LogQuery => ({
  sources: ['gcs', 'firestore', 'pods'],
  from: formatEpochMs(from),
  to: formatEpochMs(to),
  severities: [],
  labels: [],
  limit: 100,
  direction: 'backward',
  selectors: {},
  ...(search === undefined ? {} : { search: { text: search, regex: false } }),
});

function serviceOver(engine: QueryEngine, redactor: Redactor): InsightService {
  return new InsightService({
    engine,
    calls: new CachedCalls(new MemoryCache({ maxEntries: 10 })),
    summarizer: new BuiltinSummarizer(),
    redactor,
    settings: SUMMARY_SETTINGS,
  });
}

/** What the service computed before reading page by page: the whole read, then mining. */
async function wholeRead(engine: QueryEngine, redactor: Redactor, query: LogQuery, maxEntries: number) {
  const read = await collectEntries(engine, query, maxEntries);
  const redacted = read.entries.map(({ payload: _payload, ...entry }) => ({
    ...entry,
    message: redactor.redactText(entry.message),
  }));
  const entries = inTimeOrder(redacted);
  const mined = mineEntries(entries);
  const { truncated, partial, warnings } = read;
  const stats = { entries: entries.length, truncated, partial, warnings };
  const { templates, buckets } = withVolumes(mined, entries, query.from, query.to);
  const from = truncated && entries[0] ? entries[0].timestamp : query.from;
  const input = { ...stats, warnings: warnings.map((w) => w.message) };
  const digest = buildDigest(entries, { from, to: query.to, input }, mined);
  return {
    patterns: { templates, buckets, stats: { ...stats, distinct: templates.length } },
    digest,
    mined: mined.templates,
    fingerprint: entriesFingerprint(redacted),
  };
}

async function expectSameAsWholeRead(
  engine: QueryEngine,
  query: LogQuery,
  maxEntries: number,
): Promise<{ entries: number; truncated: boolean; templates: number }> {
  const redactor = createRedactor();
  const service = serviceOver(engine, redactor);
  const expected = await wholeRead(engine, redactor, query, maxEntries);
  const patterns = await service.patterns(query, maxEntries);
  expect(patterns).toEqual(expected.patterns);
  const prepared = await service.prepare(query, maxEntries);
  expect(prepared.digest).toEqual(expected.digest);
  expect(prepared.templates).toEqual(expected.mined);
  // The fingerprint hashes each page's redacted messages whole, as the whole read would.
  const fingerprint = new EntriesFingerprint();
  await readForInsight(engine, query, maxEntries, redactor.redactText, fingerprint);
  expect(fingerprint.digest()).toBe(expected.fingerprint);
  const { entries, truncated } = patterns.stats;
  return { entries, truncated, templates: patterns.templates.length };
}

describe("the demo's three days", () => {
  const dataset = generateDataset({ nowMs, days: 3 });
  const engine = new QueryEngine({
    sources: new Map(memorySources(dataset, formatEpochMs(nowMs)).map((s) => [s.name, s])),
    sourceTimeoutMs: 60_000,
  });
  const days = queryOver(nowMs - 3 * 86_400_000, nowMs);

  it('give the same patterns, digest and fingerprint read whole and truncated at 50,000', async () => {
    const seen = await expectSameAsWholeRead(engine, days, 50_000);
    // Several pages, so that their order (newest first) is what is compared.
    expect(seen.entries).toBeGreaterThan(10_000);
    expect(seen.templates).toBeGreaterThan(10);
  }, 120_000);

  it('give the same when the read is truncated after a few pages', async () => {
    const seen = await expectSameAsWholeRead(engine, days, 12_345);
    expect(seen).toMatchObject({ entries: 12_345, truncated: true });
  }, 120_000);

  it('give the same over the burst searched for its failures', async () => {
    const burst = queryOver(nowMs - 3_600_000, nowMs, 'failed');
    const seen = await expectSameAsWholeRead(engine, burst, 50_000);
    expect(seen.entries).toBeGreaterThan(0);
  }, 60_000);
});

/**
 * A corpus as log entries: a second apart in its own order, a severity from its level, and
 * its structured columns as labels (a node, a component, an id: some are pieces of the line).
 */
function corpusEntries(rows: readonly Record<string, string>[], name: string): LogEntry[] {
  const start = nowMs - rows.length * 1000;
  const sources = ['gcs', 'firestore', 'pods'] as const;
  return rows.map((row, i) => {
    const { Content: content = '', LineId: _line, EventId: _event, EventTemplate: _template, ...rest } = row;
    const labels: Record<string, string> = { corpus: name, ...rest };
    return {
      id: `${name}#${String(i).padStart(6, '0')}`,
      timestamp: formatEpochMs(start + i * 1000),
      source: sources[i % sources.length] as (typeof sources)[number],
      severity: severityOf(row.Level ?? row.Type ?? ''),
      message: content,
      labels,
    };
  });
}

function severityOf(level: string): Severity {
  const upper = level.toUpperCase();
  if (upper.startsWith('WARN')) return 'WARNING';
  if (upper === 'FATAL' || upper === 'SEVERE') return 'CRITICAL';
  return SEVERITIES.includes(upper as Severity) ? (upper as Severity) : 'DEFAULT';
}

async function expectCorpus(entries: LogEntry[]): Promise<void> {
  const engine = new QueryEngine({ sources: memorySourcesFor(entries), sourceTimeoutMs: 60_000 });
  const query = queryOver(nowMs - entries.length * 1000, nowMs);
  const whole = await expectSameAsWholeRead(engine, query, 50_000);
  expect(whole.entries).toBe(entries.length);
  const truncated = await expectSameAsWholeRead(engine, query, Math.floor(entries.length * 0.7));
  expect(truncated.truncated).toBe(true);
}

describe('the labelled corpora', () => {
  it('GPT Runner+: the same patterns and digest', async () => {
    const rows = generateCorpus(20261129, 2000).map((line) => ({ Content: line.content }));
    // Its lines carry the symbol they name, as the demo's records do, so a variable is named by it.
    const entries = corpusEntries(rows, 'GptRunner').map((entry) => {
      const symbol = /\b[A-Z]{2,5}\b/.exec(entry.message)?.[0];
      return symbol ? { ...entry, labels: { ...entry.labels, symbol } } : entry;
    });
    await expectCorpus(entries);
  }, 60_000);

  const systems = existsSync(LOGHUB)
    ? readdirSync(LOGHUB, { withFileTypes: true }).filter((d) => d.isDirectory())
    : [];
  if (systems.length === 0)
    console.info(
      `[paged-read] LogHub samples not found at ${LOGHUB}: only the GPT Runner+ corpus is compared`,
    );
  it.each(systems.map((d) => d.name))(
    'LogHub %s: the same patterns and digest',
    async (system) => {
      const file = readdirSync(`${LOGHUB}/${system}`).find((f) => f.endsWith('_structured.csv'));
      if (!file) throw new Error(`no structured sample in ${LOGHUB}/${system}`);
      const rows: Record<string, string>[] = parse(readFileSync(`${LOGHUB}/${system}/${file}`), {
        columns: true,
      });
      await expectCorpus(corpusEntries(rows, system));
    },
    60_000,
  );
});
