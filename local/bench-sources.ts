/**
 * `npm run bench:sources`: end-to-end latency of `/logs` over the real sources. It seeds
 * the local stack with 10,000 GCS objects (mixed formats), about 50,000 Firestore documents
 * and 20 pods × 5,000 lines, runs the built backend against it, and measures `/logs` over
 * all sources, last hour, limit 500. Every request is a distinct query (the page cache is
 * off), so each one reaches all three sources; the GCS object cache stays on, as in
 * production. The last line is one JSON object.
 */
import { generateDataset } from './demo-data/dataset.js';
import { formatEpochMs } from '../backend/src/model/index.js';
import { stopBackend, waitForHealth } from './backend-process.js';
import { BENCH_TOKEN, latencySummary, percentile, startBenchBackend } from './bench-support.js';
import { startLocalStack } from './stack.js';

const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 200);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 4);
const SEQUENTIAL = Number(process.env.BENCH_SEQUENTIAL ?? 50);
const PORT = process.env.BENCH_PORT ?? '18099';

interface Sample {
  ms: number;
  bytes: number;
  entries: number;
  partial: boolean;
  warnings: { source: string; message: string }[];
  tookMs: Record<string, number>;
}

async function request(base: string, toMs: number): Promise<Sample> {
  const from = formatEpochMs(toMs - 3_600_000);
  const to = formatEpochMs(toMs);
  const started = performance.now();
  const response = await fetch(`${base}/logs?from=${from}&to=${to}&limit=500`, {
    headers: { Authorization: `Bearer ${BENCH_TOKEN}` },
  });
  const body = (await response.json()) as {
    entries: unknown[];
    partial: boolean;
    warnings: { source: string; message: string }[];
    stats: { sources: Record<string, { tookMs: number; stats: { bytesDownloaded?: number } }> };
  };
  if (response.status !== 200) throw new Error(`HTTP ${response.status}: ${JSON.stringify(body)}`);
  return {
    ms: performance.now() - started,
    bytes: body.stats.sources.gcs?.stats.bytesDownloaded ?? 0,
    entries: body.entries.length,
    partial: body.partial,
    warnings: body.warnings,
    tookMs: Object.fromEntries(Object.entries(body.stats.sources).map(([name, s]) => [name, s.tookMs])),
  };
}

/** Each source's own latency inside the requests, to see which one sets the pace. */
function sourcePercentiles(samples: Sample[], p: number): Record<string, number> {
  const names = [...new Set(samples.flatMap((s) => Object.keys(s.tookMs)))];
  return Object.fromEntries(
    names.map((name) => [
      name,
      percentile(
        samples.map((s) => s.tookMs[name] ?? 0).sort((a, b) => a - b),
        p,
      ),
    ]),
  );
}

/** `count` distinct queries from `clients` concurrent clients; each query ends a few ms earlier than the last. */
async function measure(base: string, nowMs: number, count: number, clients: number, offset: number) {
  const samples: Sample[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (next < count) samples.push(await request(base, nowMs - 7 * (offset + next++)));
    }),
  );
  return { samples, seconds: (performance.now() - started) / 1000 };
}

async function main(): Promise<void> {
  const nowMs = Date.now();
  const stack = await startLocalStack();
  const backend = startBenchBackend(stack, { port: PORT, role: 'admin', env: { CACHE_TTL_SECONDS: '0' } });
  try {
    const dataset = generateDataset({
      nowMs,
      days: 7,
      tradesPerHour: 295,
      tradeObjectsPerHour: 58,
      traderReplicas: 18,
      traderLineIntervalMs: 120_000,
    });
    const lines = dataset.pods.flatMap((p) => p.containers).reduce((n, c) => n + c.lines.length, 0);
    console.log(
      `seeding ${dataset.objects.length} objects, ${dataset.documents.length} documents, ` +
        `${dataset.pods.length} pods with ${lines} lines…`,
    );
    const seedStarted = performance.now();
    await stack.seed(dataset);
    console.log(`seeded in ${((performance.now() - seedStarted) / 1000).toFixed(1)} s`);
    const base = `http://127.0.0.1:${PORT}`;
    await waitForHealth(base, backend);

    const cold = await request(base, nowMs);
    console.log(
      `cold request: ${cold.ms.toFixed(0)} ms, ${cold.entries} entries, ${cold.bytes} bytes from GCS`,
    );
    // Latency alone: one request at a time. Then throughput: several clients at once.
    const sequential = await measure(base, nowMs, SEQUENTIAL, 1, 0);
    const { samples, seconds } = await measure(base, nowMs, REQUESTS, CONCURRENCY, SEQUENTIAL);
    const result = {
      requests: samples.length,
      concurrency: CONCURRENCY,
      ...latencySummary(samples.map((s) => s.ms)),
      requestsPerSecond: Math.round((samples.length / seconds) * 10) / 10,
      sequential: {
        requests: sequential.samples.length,
        ...latencySummary(sequential.samples.map((s) => s.ms)),
        sourceP95Ms: sourcePercentiles(sequential.samples, 95),
      },
      gcsBytesPerRequest: Math.round(samples.reduce((n, s) => n + s.bytes, 0) / samples.length),
      coldMs: Math.round(cold.ms),
      coldGcsBytes: cold.bytes,
      entriesPerResponse: Math.round(samples.reduce((n, s) => n + s.entries, 0) / samples.length),
      partialResponses: samples.filter((s) => s.partial).length,
      sourceP95Ms: sourcePercentiles(samples, 95),
      warnings: [
        ...new Set(samples.flatMap((s) => s.warnings.map((w) => `${w.source}: ${w.message}`))),
      ].slice(0, 5),
      seeded: {
        objects: dataset.objects.length,
        documents: dataset.documents.length,
        pods: dataset.pods.length,
        podLines: lines,
      },
    };
    console.log(
      `one at a time: p50 ${result.sequential.p50Ms} ms, p95 ${result.sequential.p95Ms} ms, p99 ${result.sequential.p99Ms} ms`,
    );
    console.log(
      `p50 ${result.p50Ms} ms, p95 ${result.p95Ms} ms, p99 ${result.p99Ms} ms, ` +
        `${result.requestsPerSecond} req/s at concurrency ${CONCURRENCY}, ${result.gcsBytesPerRequest} GCS bytes/request`,
    );
    console.log(JSON.stringify(result));
  } finally {
    await stopBackend(backend);
    await stack.stop();
  }
}

await main();
