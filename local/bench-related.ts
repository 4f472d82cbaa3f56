/**
 * `npm run bench:related`: `/logs/related` and `/logs/reconcile` over the demo's data set
 * (three days, as `npm run demo` seeds it) in the local stack, against the built backend.
 * Related: one order at a time, each a different order id (no answer is cached), p50/p95/max
 * against the 1 s target. Reconcile: the last 24 hours, run several times, against 5 s.
 * The last line is one JSON object.
 */
import type { ReconcileResponse, RelatedResponse } from '@gpt-runner-logs/contract';
import { generateDataset } from './demo-data/dataset.js';
import { Random } from './demo-data/random.js';
import { formatEpochMs } from '../backend/src/model/index.js';
import { stopBackend, waitForHealth } from './backend-process.js';
import { BENCH_TOKEN, latencySummary, startBenchBackend } from './bench-support.js';
import { startLocalStack } from './stack.js';

const RELATED_REQUESTS = Number(process.env.BENCH_REQUESTS ?? 60);
const RECONCILE_RUNS = Number(process.env.BENCH_RECONCILE_RUNS ?? 5);
const PORT = process.env.BENCH_PORT ?? '18098';
const DAY = 86_400_000;

async function timed<T>(url: string): Promise<{ ms: number; body: T }> {
  const started = performance.now();
  const response = await fetch(url, { headers: { Authorization: `Bearer ${BENCH_TOKEN}` } });
  const body = (await response.json()) as T;
  if (response.status !== 200) throw new Error(`HTTP ${response.status}: ${JSON.stringify(body)}`);
  return { ms: performance.now() - started, body };
}

const summary = (ms: number[]) => ({ n: ms.length, ...latencySummary(ms) });

async function main(): Promise<void> {
  const nowMs = Date.now();
  const stack = await startLocalStack();
  const backend = startBenchBackend(stack, { port: PORT, role: 'admin' });
  try {
    const dataset = generateDataset({ nowMs, days: 3 });
    console.log(`seeding ${dataset.objects.length} objects, ${dataset.documents.length} documents…`);
    await stack.seed(dataset);
    const base = `http://127.0.0.1:${PORT}`;
    await waitForHealth(base, backend);

    // Orders drawn over the whole three days, and the two the archive disagrees about.
    const random = new Random(7);
    const trades = dataset.documents.filter((d) => d.collection === 'gpt_runner_trades');
    const orders = [
      dataset.mismatches.firestoreOnly,
      dataset.mismatches.statusDiffers,
      ...Array.from({ length: RELATED_REQUESTS - 2 }, () => random.pick(trades).id),
    ];
    const related: number[] = [];
    const found: number[] = [];
    const bySource: Record<string, number[]> = {};
    const sourceMs: Record<string, number[]> = {};
    for (const order of orders) {
      const { ms, body } = await timed<RelatedResponse>(`${base}/logs/related?key=order_id&value=${order}`);
      related.push(ms);
      found.push(body.entries.length);
      if (body.partial) throw new Error(`partial answer for ${order}: ${JSON.stringify(body.warnings)}`);
      for (const [name, stats] of Object.entries(body.stats.sources)) {
        (bySource[name] ??= []).push(stats.scanned);
        (sourceMs[name] ??= []).push(stats.tookMs);
      }
    }

    const window = `from=${formatEpochMs(nowMs - DAY)}&to=${formatEpochMs(nowMs)}`;
    const reconcile: number[] = [];
    let last: ReconcileResponse | undefined;
    for (let run = 0; run < RECONCILE_RUNS; run++) {
      const { ms, body } = await timed<ReconcileResponse>(`${base}/logs/reconcile?${window}`);
      reconcile.push(ms);
      last = body;
    }

    const result = {
      related: {
        ...summary(related),
        targetP95Ms: 1000,
        entriesPerAnswer: Math.round(found.reduce((a, b) => a + b, 0) / found.length),
        sourceP95Ms: Object.fromEntries(
          Object.entries(sourceMs).map(([name, list]) => [name, summary(list).p95Ms]),
        ),
        scannedPerAnswer: Object.fromEntries(
          Object.entries(bySource).map(([name, list]) => [
            name,
            Math.round(list.reduce((a, b) => a + b, 0) / list.length),
          ]),
        ),
      },
      reconcile: { ...summary(reconcile), targetMs: 5000, counts: last?.counts, partial: last?.partial },
      seeded: { objects: dataset.objects.length, documents: dataset.documents.length, days: 3 },
    };
    console.log(
      `related: p50 ${result.related.p50Ms} ms, p95 ${result.related.p95Ms} ms, max ${result.related.maxMs} ms over ${orders.length} orders (target p95 ≤ 1000 ms)`,
    );
    console.log(
      `reconcile 24 h: p50 ${result.reconcile.p50Ms} ms, max ${result.reconcile.maxMs} ms over ${RECONCILE_RUNS} runs (target ≤ 5000 ms)`,
    );
    console.log(JSON.stringify(result));
  } finally {
    await stopBackend(backend);
    await stack.stop();
  }
}

await main();
