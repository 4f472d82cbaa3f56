/**
 * Correlation over the emulators and the Kubernetes API double, seeded with the demo data:
 * one order followed across GCS, Firestore and the trader's pod lines, records stored twice
 * shown once, and the GCS archive reconciled with Firestore. Every expectation is computed
 * from the generated data set, never from the code under test.
 */
import type { ReconcileResponse, RelatedResponse } from '@gpt-runner-logs/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LogEntry } from '../../backend/src/model/index.js';
import type { JsonRecord } from '../../backend/src/sources/mapping/record-mapper.js';
import type { DemoDataset } from '../../local/demo-data/dataset.js';
import { seedFirestore, seedGcs, seedPods } from '../../local/seed.js';
import { TOKENS } from '../support/backend.js';
import { scrape, total } from '../support/metrics.js';
import {
  fetchPage,
  iso,
  pathOf,
  startSourceSuite,
  walkPages,
  type SourceSuite,
} from '../support/source-suite.js';

const HOUR = 3_600_000;
let suite: SourceSuite;

beforeAll(async () => {
  suite = await startSourceSuite({
    sources: ['gcs', 'firestore', 'pods'],
    days: 1,
    env: { RECONCILE_INTERVAL_SECONDS: '3600', RECONCILE_SETTLE_MINUTES: '0' },
    seed: async (stack, dataset) => {
      seedPods(stack.kube, dataset);
      await Promise.all([
        seedGcs(stack.storage.bucket(stack.bucketName), dataset),
        seedFirestore(stack.db, dataset),
      ]);
    },
  });
});

afterAll(() => suite?.close());

// ── What the data set says ────────────────────────────────────────────────────────────────

const tradeRecords = (dataset: DemoDataset): JsonRecord[] =>
  dataset.objects.filter((o) => o.name.startsWith('trades/')).flatMap((o) => o.records);
const tradeDocuments = (dataset: DemoDataset): JsonRecord[] =>
  dataset.documents.filter((d) => d.collection === 'gpt_runner_trades').map((d) => d.data);

/** Where the data set put one order id: per source, how many records or lines carry it. */
function tracesOf(dataset: DemoDataset, orderId: string): Record<string, number> {
  const records = dataset.objects.flatMap((o) => o.records).filter((r) => r.order_id === orderId);
  const documents = dataset.documents.filter((d) => d.id === orderId || d.data.order_id === orderId);
  const lines = dataset.pods
    .flatMap((p) => p.containers.flatMap((c) => c.lines))
    .filter((line) => line.text.includes(orderId));
  return { gcs: records.length, firestore: documents.length, pods: lines.length };
}

/** An order of the last hours that a reflection looks back on, archived as it should be. */
function referencedOrder(dataset: DemoDataset): string {
  const { firestoreOnly, statusDiffers } = dataset.mismatches;
  const reflection = dataset.objects
    .filter((o) => o.name.startsWith('reflections/'))
    .flatMap((o) => o.records)
    .reverse()
    .find((r) => typeof r.order_id === 'string' && ![firestoreOnly, statusDiffers].includes(r.order_id));
  if (!reflection) throw new Error('the data set has no reflection about an order');
  return String(reflection.order_id);
}

const counts = (entries: LogEntry[]): Record<string, number> => {
  const bySource: Record<string, number> = { gcs: 0, firestore: 0, pods: 0 };
  for (const entry of entries) bySource[entry.source] = (bySource[entry.source] ?? 0) + 1;
  return bySource;
};

async function related(
  params: Record<string, string>,
  token: string = TOKENS.viewer,
): Promise<RelatedResponse> {
  const { status, body } = await suite.real.json<RelatedResponse>(pathOf('/logs/related', params), token);
  expect(status, JSON.stringify(body)).toBe(200);
  return body;
}

// ── /logs/related ─────────────────────────────────────────────────────────────────────────

describe('GET /logs/related', () => {
  it('finds one order in every source, oldest first, with its timeline', async () => {
    const orderId = referencedOrder(suite.dataset);
    const expected = tracesOf(suite.dataset, orderId);
    // The trade twice (object, document), the reflection twice, the submission and the fill.
    expect(expected.gcs).toBeGreaterThanOrEqual(2);
    expect(expected.firestore).toBeGreaterThanOrEqual(2);
    expect(expected.pods).toBe(2);

    const body = await related({ key: 'order_id', value: orderId });
    expect(body.partial).toBe(false);
    expect(counts(body.entries)).toEqual(expected);
    const times = body.entries.map((e) => e.timestamp);
    expect(times).toEqual([...times].sort());
    expect(body.timeline).toMatchObject({
      key: 'order_id',
      value: orderId,
      firstSeen: times[0],
      lastSeen: times.at(-1),
      sources: expected,
      missing: [],
      unchecked: [],
    });
    // The window sits around the first sighting, which the Firestore lookup found.
    expect(body.window.basis).toBe('first-sighting');
    expect(body.window.from <= times[0]!).toBe(true);
    expect(body.stats.sources.firestore?.pushdown).toBe('lookup');
    // A get and an equality query per collection: the documents carrying it, nothing more.
    expect(body.stats.sources.firestore?.scanned).toBe(expected.firestore);
  });

  it('names the archive as missing for the trade that only Firestore has', async () => {
    const orderId = suite.dataset.mismatches.firestoreOnly;
    const expected = tracesOf(suite.dataset, orderId);
    const body = await related({ key: 'order_id', value: orderId });
    expect(counts(body.entries)).toEqual(expected);
    expect(body.timeline.missing.map((p) => p.name)).toContain('gcs prefix=trades/');
    expect(body.timeline.missing.map((p) => p.source)).not.toContain('firestore');
    expect(body.timeline.missing.map((p) => p.source)).not.toContain('pods');
  });

  it('shows a token only the sources it may read, and lists the others as not checked', async () => {
    const orderId = referencedOrder(suite.dataset);
    const body = await related({ key: 'order_id', value: orderId }, TOKENS.gcsOnly);
    expect(new Set(body.entries.map((e) => e.source))).toEqual(new Set(['gcs']));
    expect(body.timeline.unchecked.map((p) => p.source).sort()).toEqual(['firestore', 'pods']);
    // Without the Firestore lookup nothing pinpoints the order: the last day is searched.
    expect(body.window.basis).toBe('fallback');
    expect(counts(body.entries).gcs).toBe(tracesOf(suite.dataset, orderId).gcs);
  });

  it('keeps to a window the caller gives', async () => {
    const orderId = referencedOrder(suite.dataset);
    const trade = tradeDocuments(suite.dataset).find((t) => t.order_id === orderId)!;
    const at = Date.parse(String(trade.timestamp));
    // Up to the record's own instant: the submission line (120 ms before) only.
    const body = await related({ key: 'order_id', value: orderId, from: iso(at - 60_000), to: iso(at) });
    expect(body.window.basis).toBe('request');
    expect(counts(body.entries)).toEqual({ gcs: 0, firestore: 0, pods: 1 });
    expect(body.entries[0]!.message).toContain(`order submitted ${orderId}`);
  });

  it('answers an id nobody wrote with an empty timeline over the last day', async () => {
    const body = await related({ key: 'order_id', value: 'ord-000000000000' });
    expect(body.entries).toEqual([]);
    expect(body.window.basis).toBe('fallback');
    expect(body.timeline.missing.map((p) => p.source).sort()).toEqual(['firestore', 'gcs', 'pods']);
  });
});

// ── dedupe=true ───────────────────────────────────────────────────────────────────────────

describe('GET /logs?dedupe=true', () => {
  const window = () => ({ from: iso(suite.nowMs - 6 * HOUR), to: iso(suite.nowMs) });

  it('shows each trade and reflection stored in GCS and Firestore once, naming both origins', async () => {
    const params = { ...window(), source: 'gcs,firestore', limit: 5000 };
    const plain = await fetchPage(suite.real, '/logs', params);
    const deduped = await fetchPage(suite.real, '/logs', { ...params, dedupe: true });
    const { firestoreOnly, statusDiffers } = suite.dataset.mismatches;
    const collapsed = deduped.entries.filter((e) => e.labels.origins === 'gcs,firestore');
    // Every Firestore document of the window has its archived twin, but two.
    const documents = plain.entries.filter((e) => e.source === 'firestore');
    const disagreeing = documents.filter((e) =>
      [firestoreOnly, statusDiffers].includes(e.labels.document ?? ''),
    );
    expect(collapsed.length).toBe(documents.length - disagreeing.length);
    expect(deduped.entries.length).toBe(plain.entries.length - collapsed.length);
    for (const entry of collapsed) {
      expect(entry.source).toBe('gcs');
      expect(entry.labels.collection).toBeTruthy();
      expect(entry.labels.object).toBeTruthy();
    }
  });

  it('never collapses two different records: the trade whose status differs stays two rows', async () => {
    const { statusDiffers } = suite.dataset.mismatches;
    const trade = tradeDocuments(suite.dataset).find((t) => t.order_id === statusDiffers)!;
    const at = Date.parse(String(trade.timestamp));
    const page = await fetchPage(suite.real, '/logs', {
      from: iso(at),
      to: iso(at + 1),
      source: 'gcs,firestore',
      dedupe: true,
    });
    expect(page.entries.map((e) => e.labels.status).sort()).toEqual(['filled', 'partially_filled']);
    expect(page.entries.every((e) => e.labels.origins === undefined)).toBe(true);
  });

  it('pages to the same rows as one large page, no pair split across pages', async () => {
    const params = { ...window(), source: 'gcs,firestore', dedupe: true };
    const whole = await fetchPage(suite.real, '/logs', { ...params, limit: 5000 });
    const walked = await walkPages(suite.real, '/logs', params, 7);
    const ids = (entries: LogEntry[]) => entries.map((e) => `${e.source}/${e.id}/${e.labels.origins ?? ''}`);
    expect(ids(walked.entries)).toEqual(ids(whole.entries));
  });
});

// ── /logs/reconcile ───────────────────────────────────────────────────────────────────────

describe('GET /logs/reconcile', () => {
  it('finds the trade only in Firestore and the status that differs, with counts', async () => {
    const from = suite.nowMs - 24 * HOUR;
    const inWindow = (r: JsonRecord) =>
      String(r.timestamp) >= iso(from) && String(r.timestamp) < iso(suite.nowMs);
    const archived = tradeRecords(suite.dataset).filter(inWindow);
    const stored = tradeDocuments(suite.dataset).filter(inWindow);
    const { status, body } = await suite.real.json<ReconcileResponse>(
      pathOf('/logs/reconcile', { from: iso(from), to: iso(suite.nowMs) }),
      TOKENS.viewer,
    );
    expect(status, JSON.stringify(body)).toBe(200);
    expect(body.partial).toBe(false);
    expect(body.counts).toEqual({
      gcs: archived.length,
      firestore: stored.length,
      matched: stored.length - 2,
      only_in_gcs: 0,
      only_in_firestore: 1,
      field_differs: 1,
    });
    expect(body.onlyInFirestore.map((t) => t.orderId)).toEqual([suite.dataset.mismatches.firestoreOnly]);
    expect(body.differences).toEqual([
      expect.objectContaining({
        orderId: suite.dataset.mismatches.statusDiffers,
        field: 'status',
        gcs: 'partially_filled',
        firestore: 'filled',
      }),
    ]);
  });

  it('needs both stores: a token limited to GCS gets a 403', async () => {
    const { status } = await suite.real.json('/logs/reconcile', TOKENS.gcsOnly);
    expect(status).toBe(403);
  });

  it('exports the scheduled run as log_aggregator_reconcile_mismatches by kind', async () => {
    suite.real.server.startCollector();
    let samples = await scrape(suite.real);
    for (let i = 0; i < 100 && !samples.some((s) => s.name === 'log_aggregator_reconcile_mismatches'); i++) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      samples = await scrape(suite.real);
    }
    // The scheduled window is the last day up to now: both mismatches are in it.
    expect(total(samples, 'log_aggregator_reconcile_mismatches', { kind: 'only_in_firestore' })).toBe(1);
    expect(total(samples, 'log_aggregator_reconcile_mismatches', { kind: 'field_differs' })).toBe(1);
    expect(total(samples, 'log_aggregator_reconcile_mismatches', { kind: 'only_in_gcs' })).toBe(0);
  });
});
