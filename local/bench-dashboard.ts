/**
 * `npm run bench:dashboard -- --clients 200 --seconds 60`: many Grafana viewers on one
 * last-hour dashboard. Each client refreshes a logs panel (`/logs?limit=100`) and a volume
 * panel (`/logs/volume`) together, with absolute epoch-ms windows that move with the clock as
 * Grafana sends them, waits `--interval` seconds (Grafana's shortest refresh, 5 s, unless
 * set), and refreshes again; clients start spread over one interval. It runs the built
 * backend over the demo's local stack (three days of data, default cache settings) and
 * reports refresh latency, partial pages, errors, page-cache hits, the backend's calls to each
 * backing service per refresh (when it exports them) and its peak RSS. The last line is JSON.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { generateDataset } from './demo-data/dataset.js';
import { stopBackend, waitForHealth } from './backend-process.js';
import { BENCH_TOKEN, latencySummary, rssMb, startBenchBackend } from './bench-support.js';
import { startLocalStack } from './stack.js';

const { values: args } = parseArgs({
  options: {
    clients: { type: 'string', default: '200' },
    seconds: { type: 'string', default: '60' },
    interval: { type: 'string', default: '5' },
    port: { type: 'string', default: '18098' },
  },
});
const CLIENTS = Number(args.clients);
const SECONDS = Number(args.seconds);
const INTERVAL_MS = Number(args.interval) * 1000;
const PORT = String(args.port);
const HOUR = 3_600_000;

interface Refresh {
  /** When it started, in ms since the viewers started. */
  at?: number;
  ms: number;
  logsMs: number;
  volumeMs: number;
  partial: boolean;
  error?: string;
  cache?: string;
  /** Entries the backend read from the sources for the two panels. */
  reads: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function timed(url: string): Promise<{ ms: number; status: number; body: Record<string, unknown> }> {
  const started = performance.now();
  const response = await fetch(url, { headers: { Authorization: `Bearer ${BENCH_TOKEN}` } });
  const body = (await response.json()) as Record<string, unknown>;
  return { ms: performance.now() - started, status: response.status, body };
}

/** One dashboard refresh: both panels at once over the last hour, as Grafana asks for them. */
async function refresh(base: string): Promise<Refresh> {
  const to = Date.now();
  const window = `from=${to - HOUR}&to=${to}`;
  const started = performance.now();
  try {
    const [logs, volume] = await Promise.all([
      timed(`${base}/logs?${window}&limit=100`),
      timed(`${base}/logs/volume?${window}`),
    ]);
    const failed = [logs, volume].find((r) => r.status !== 200);
    const stats = logs.body.stats as { cache?: string; scanned?: number } | undefined;
    const volumeStats = volume.body.stats as { scanned?: number } | undefined;
    return {
      ms: performance.now() - started,
      logsMs: logs.ms,
      volumeMs: volume.ms,
      reads: (stats?.scanned ?? 0) + (volumeStats?.scanned ?? 0),
      partial: logs.body.partial === true || volume.body.partial === true,
      ...(failed ? { error: `HTTP ${failed.status}` } : {}),
      ...(stats?.cache ? { cache: stats.cache } : {}),
    };
  } catch (error) {
    const ms = performance.now() - started;
    return { ms, logsMs: ms, volumeMs: ms, reads: 0, partial: false, error: String(error) };
  }
}

/** `log_aggregator_backend_calls_total` by source and call, when the backend exports it. */
async function backendCalls(base: string): Promise<Record<string, number>> {
  const text = await (await fetch(`${base}/metrics`)).text();
  const calls: Record<string, number> = {};
  for (const match of text.matchAll(/^log_aggregator_backend_calls_total\{([^}]*)\} (\S+)$/gm)) {
    const source = /source="([^"]*)"/.exec(match[1] ?? '')?.[1] ?? '?';
    calls[source] = (calls[source] ?? 0) + Number(match[2]);
  }
  return calls;
}

/**
 * A 72-hour volume panel refreshed twice, 5 s apart: entries read from the sources each time
 * (the first read fills the segment cache; a refresh reads only the fresh edge).
 */
async function longVolumeReads(base: string): Promise<{ first: number; refresh: number; counted: number }> {
  const read = async () => {
    const to = Date.now();
    const body = (await timed(`${base}/logs/volume?from=${to - 72 * HOUR}&to=${to}`)).body;
    return body.stats as { scanned: number; counted: number };
  };
  const first = await read();
  await sleep(INTERVAL_MS);
  const refresh = await read();
  return { first: first.scanned, refresh: refresh.scanned, counted: refresh.counted };
}

/** CPU seconds the process has used (user + system), from /proc: what a refresh costs whatever else runs. */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  // utime and stime are fields 14 and 15 of the whole line, 12 and 13 after the command name.
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** Every client refreshes until the deadline, then finishes the refresh under way. */
async function viewers(base: string): Promise<Refresh[]> {
  const refreshes: Refresh[] = [];
  const started = performance.now();
  const deadline = Date.now() + SECONDS * 1000;
  await Promise.all(
    Array.from({ length: CLIENTS }, async (_, client) => {
      await sleep((client / CLIENTS) * INTERVAL_MS);
      while (Date.now() < deadline) {
        const at = performance.now() - started;
        refreshes.push({ ...(await refresh(base)), at });
        await sleep(INTERVAL_MS);
      }
    }),
  );
  return refreshes;
}

async function main(): Promise<void> {
  const stack = await startLocalStack();
  const backend = startBenchBackend(stack, {
    port: PORT,
    role: 'viewer',
    env: { CURSOR_SECRET: 'bench-cursor-secret-0123456789abcdef' },
  });
  try {
    const dataset = generateDataset({ nowMs: Date.now(), days: 3 });
    console.log(`seeding ${dataset.objects.length} objects, ${dataset.documents.length} documents…`);
    await stack.seed(dataset);
    const base = `http://127.0.0.1:${PORT}`;
    await waitForHealth(base, backend);
    const pid = backend.pid as number;
    let peakRss = rssMb(pid);
    const sampler = setInterval(() => (peakRss = Math.max(peakRss, rssMb(pid))), 250);
    const callsBefore = await backendCalls(base);
    const cpuBefore = cpuSeconds(pid);
    console.log(`${CLIENTS} viewers refreshing every ${INTERVAL_MS / 1000} s for ${SECONDS} s…`);
    const started = performance.now();
    const refreshes = await viewers(base);
    const seconds = (performance.now() - started) / 1000;
    clearInterval(sampler);
    const callsAfter = await backendCalls(base);
    const cpuMsPerRefresh = Math.round(((cpuSeconds(pid) - cpuBefore) * 1000) / refreshes.length);
    const longVolume = await longVolumeReads(base);
    const callsPerRefresh = Object.fromEntries(
      Object.keys(callsAfter).map((source) => [
        source,
        Math.round((((callsAfter[source] ?? 0) - (callsBefore[source] ?? 0)) / refreshes.length) * 1000) /
          1000,
      ]),
    );
    const steady = refreshes.filter((r) => (r.at ?? 0) >= 2 * INTERVAL_MS);
    const result = {
      clients: CLIENTS,
      seconds: Math.round(seconds),
      intervalSeconds: INTERVAL_MS / 1000,
      refreshes: refreshes.length,
      requestsPerSecond: Math.round(((2 * refreshes.length) / seconds) * 10) / 10,
      refresh: latencySummary(refreshes.map((r) => r.ms)),
      logsPanel: latencySummary(refreshes.map((r) => r.logsMs)),
      volumePanel: latencySummary(refreshes.map((r) => r.volumeMs)),
      // After the first two intervals: every viewer has refreshed at least once, the cache is warm.
      steadyRefresh: latencySummary(steady.map((r) => r.ms)),
      steadyRefreshes: steady.length,
      partialRefreshes: refreshes.filter((r) => r.partial).length,
      errors: refreshes.filter((r) => r.error).length,
      firstError: refreshes.find((r) => r.error)?.error,
      logsCacheHits: refreshes.filter((r) => r.cache === 'hit' || r.cache === 'coalesced').length,
      backendCallsPerRefresh: Object.keys(callsAfter).length > 0 ? callsPerRefresh : 'not exported',
      entriesReadPerRefresh:
        Math.round((refreshes.reduce((n, r) => n + r.reads, 0) / refreshes.length) * 10) / 10,
      peakRssMb: Math.round(peakRss),
      backendCpuMsPerRefresh: cpuMsPerRefresh,
      volume72hEntriesRead: longVolume,
    };
    const firestoreCalls = callsPerRefresh.firestore ?? NaN;
    console.log(
      `refresh p50 ${result.refresh.p50Ms} ms, p95 ${result.refresh.p95Ms} ms, p99 ${result.refresh.p99Ms} ms; ` +
        `${result.partialRefreshes} partial, ${result.errors} errors, ${result.logsCacheHits} cache hits of ` +
        `${result.refreshes}; peak RSS ${result.peakRssMb} MB`,
    );
    console.log(
      `steady state (refreshes started after ${(2 * INTERVAL_MS) / 1000} s, ${steady.length}): ` +
        `p50 ${result.steadyRefresh.p50Ms} ms, p95 ${result.steadyRefresh.p95Ms} ms, p99 ${result.steadyRefresh.p99Ms} ms`,
    );
    console.log(
      `per refresh: ${firestoreCalls} Firestore calls, ${callsPerRefresh.gcs ?? NaN} GCS calls, ` +
        `${callsPerRefresh.pods ?? NaN} pod API calls, ${result.entriesReadPerRefresh} entries read from the sources, ` +
        `${cpuMsPerRefresh} ms of backend CPU`,
    );
    console.log(
      `72 h volume panel (${longVolume.counted} entries counted): ${longVolume.first} entries read from the ` +
        `sources on its first request, ${longVolume.refresh} on a refresh 5 s later`,
    );
    const goals: [string, boolean][] = [
      ['p95 ≤ 500 ms', result.refresh.p95Ms <= 500],
      ['0 partial refreshes', result.partialRefreshes === 0],
      ['0 errors', result.errors === 0],
      ['≤ 0.1 Firestore calls per refresh', firestoreCalls <= 0.1],
      ['backend RSS ≤ 512 MB', result.peakRssMb <= 512],
      // What a refresh reads should follow what is new, not the window: a few seconds of 72 hours.
      ['72 h volume refresh reads ≤ 1% of what it counts', longVolume.refresh <= longVolume.counted / 100],
    ];
    console.log(`goals: ${goals.map(([goal, met]) => `${met ? 'met' : 'MISSED'}: ${goal}`).join('; ')}`);
    console.log(JSON.stringify(result));
  } finally {
    await stopBackend(backend);
    await stack.stop();
  }
}

await main();
