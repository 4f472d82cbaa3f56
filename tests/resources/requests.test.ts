/**
 * No single request may raise the backend's memory by more than 64 MB or hold its event loop
 * for more than 100 ms at a stretch. The built backend (`backend/dist/main.js`, as a pod runs
 * it) serves the demo's three days of data from the local stack; each endpoint gets its
 * heaviest legal request — the widest window, `maxEntries` and `limit` at their maximum, the
 * smallest step the bucket bound allows — while a probe polls `/healthz` every 10 ms.
 *
 * Memory: VmRSS from /proc/<pid>/status before the request, VmHWM (the peak) after it, the
 * peak reset in between by writing 5 to /proc/<pid>/clear_refs. The rise counts what the
 * request itself needs: the caches a request fills (parsed GCS objects, bounded by
 * GCS_OBJECT_CACHE_ENTRIES, and listings) are filled by a first, unmeasured pass of every
 * request, as on a server that has been serving for a while. The page cache is off, so each
 * measured request does all of its work again.
 *
 * Event-loop blocking: the backend's own `nodejs_eventloop_lag_max_seconds` (prom-client's
 * monitorEventLoopDelay histogram, reset by every scrape of /metrics), scraped right before
 * and right after the request: the longest stretch the loop could not run a timer, seen from
 * inside the process, without the probe's own network and scheduling in the figure. `/healthz`
 * latency is printed beside it but not asserted, being the same delay plus the probe's own.
 * Both are wall-clock: on this shared two-core machine, with the load average often near 20,
 * the backend is also delayed while other processes hold the cores — hundreds of ms, at
 * random, with or without a request. So the backend runs at a raised priority (when allowed),
 * the same lag is measured over an idle stretch just before each request (at most 2 s, which
 * sees fewer such delays than a longer request does), and what is asserted is the request's
 * lag beyond that idle baseline, at its smallest over up to three attempts: a request that
 * blocks the loop does so every time, while the machine's delays come and go.
 */
import { execFileSync, type ChildProcess } from 'node:child_process';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { setPriority } from 'node:os';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_VOLUME_BUCKETS } from '@gpt-runner-logs/contract';
import { startBuiltBackend, stopBackend, waitForHealth } from '../../local/backend-process.js';
import { generateDataset } from '../../local/demo-data/dataset.js';
import { startLocalStack, type LocalStack } from '../../local/stack.js';
import { TOKENS, TOKEN_CONFIG } from '../support/backend.js';
import { freePort, sleep } from '../support/emulators/process.js';
import type { LogEntry } from '../../backend/src/model/index.js';

const MAX_RSS_RISE_MB = 64;
const MAX_LOOP_BLOCK_MS = 100;
const ATTEMPTS = 3;
const PROBE_INTERVAL_MS = 10;
const IDLE_BASELINE_MS = 2_000;
/** A nice value of -15: the kernel then gives the backend ~40 times the share of a normal process. */
const HIGH_PRIORITY = -15;
const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** The widest window the time parser accepts. */
const WIDEST = { from: '1970-01-01T00:00:00Z', to: '9999-12-31T23:59:59.999Z' };
const WIDEST_MS = Date.parse(WIDEST.to) - Date.parse(WIDEST.from);

/** The smallest step the bucket bound allows over a range: buckets align to the step, so one more may start before `from`. */
const smallestStep = (rangeMs: number): number => Math.ceil(rangeMs / (MAX_VOLUME_BUCKETS - 1));

interface Measurement {
  status: number;
  bytes: number;
  ms: number;
  rssRiseMb: number;
  peakRssMb: number;
  loopLagMaxMs: number;
  /** The same lag over an idle stretch just before the request. */
  idleLagMaxMs: number;
  /** What the request added to the idle lag: the figure asserted. */
  blockMs: number;
  healthzMaxMs: number;
  healthzFailures: number;
}

interface HeavyRequest {
  name: string;
  send(): Promise<Response>;
}

let stack: LocalStack;
let backend: ChildProcess;
let base: string;
let pid: number;
const nowMs = Math.floor(Date.now() / 1000) * 1000;
const dataWindow = {
  from: new Date(nowMs - 3 * 86_400_000).toISOString(),
  to: new Date(nowMs).toISOString(),
};

const get = (path: string, params: Record<string, string | number>, token: string = TOKENS.viewer) =>
  fetch(`${base}${path}?${new URLSearchParams(Object.entries(params).map(([k, v]) => [k, String(v)]))}`, {
    headers: { Authorization: `Bearer ${token}` },
  });

/**
 * Raises the backend's scheduling priority, so that other work on the machine rarely
 * preempts it: its loop's delays are then its own. Every thread is raised, since niceness is
 * per thread on Linux: V8's garbage-collector helpers, started before this, would otherwise
 * stay at the normal priority, starve on a loaded machine, and stretch every parallel
 * scavenge of the main thread from a few ms to a hundred. Root may do this; anyone else
 * measures with the machine's noise included, and is told so.
 */
function schedulePromptly(target: number): void {
  try {
    for (const thread of readdirSync(`/proc/${target}/task`)) setPriority(Number(thread), HIGH_PRIORITY);
  } catch (error) {
    console.warn(`[resources] the backend keeps its priority (${String(error)}): lags include other work`);
  }
}

/** kB figures of /proc/<pid>/status, in MB. */
function memoryMb(field: 'VmRSS' | 'VmHWM'): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(new RegExp(`^${field}:\\s+(\\d+) kB$`, 'm').exec(status)?.[1]);
  if (!Number.isFinite(kb)) throw new Error(`no ${field} in /proc/${pid}/status`);
  return kb / 1024;
}

/** The loop's longest delay since the previous scrape (the scrape resets it). */
async function loopLagMaxMs(): Promise<number> {
  const text = await (await fetch(`${base}/metrics`)).text();
  const seconds = Number(/^nodejs_eventloop_lag_max_seconds (\S+)$/m.exec(text)?.[1]);
  if (!Number.isFinite(seconds)) throw new Error('the backend exports no nodejs_eventloop_lag_max_seconds');
  return seconds * 1000;
}

/** Polls /healthz every 10 ms until stopped; the slowest answer and the failures. */
function probeHealth(): { stop(): Promise<{ maxMs: number; failures: number }> } {
  let running = true;
  let maxMs = 0;
  let failures = 0;
  const loop = (async () => {
    while (running) {
      const started = performance.now();
      const ok = await fetch(`${base}/healthz`).then(
        async (r) => (await r.arrayBuffer(), r.ok),
        () => false,
      );
      if (!ok) failures += 1;
      maxMs = Math.max(maxMs, performance.now() - started);
      await sleep(PROBE_INTERVAL_MS);
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
      return { maxMs, failures };
    },
  };
}

async function measureOnce(request: HeavyRequest): Promise<Measurement> {
  await loopLagMaxMs();
  // The baseline under the same probe as the request.
  const idle = probeHealth();
  await sleep(IDLE_BASELINE_MS);
  await idle.stop();
  const idleLagMaxMs = Math.round(await loopLagMaxMs());
  writeFileSync(`/proc/${pid}/clear_refs`, '5');
  const before = memoryMb('VmRSS');
  const probe = probeHealth();
  const started = performance.now();
  const response = await request.send();
  const bytes = (await response.arrayBuffer()).byteLength;
  const ms = performance.now() - started;
  const health = await probe.stop();
  const peak = memoryMb('VmHWM');
  const loopLag = await loopLagMaxMs();
  return {
    status: response.status,
    bytes,
    ms: Math.round(ms),
    rssRiseMb: Math.round((peak - before) * 10) / 10,
    peakRssMb: Math.round(peak),
    loopLagMaxMs: Math.round(loopLag),
    idleLagMaxMs,
    blockMs: Math.max(0, Math.round(loopLag - idleLagMaxMs)),
    healthzMaxMs: Math.round(health.maxMs),
    healthzFailures: health.failures,
  };
}

/** Up to three attempts; the smallest lag and rise count (see the top of the file). */
async function measure(request: HeavyRequest): Promise<Measurement> {
  const attempts: Measurement[] = [];
  for (let i = 0; i < ATTEMPTS; i++) {
    const m = await measureOnce(request);
    attempts.push(m);
    console.info(`[resources] ${request.name}: ${JSON.stringify(m)}`);
    if (m.status !== 200 || (m.blockMs <= MAX_LOOP_BLOCK_MS && m.rssRiseMb <= MAX_RSS_RISE_MB)) break;
  }
  const best = (key: 'blockMs' | 'rssRiseMb') => Math.min(...attempts.map((a) => a[key]));
  return { ...(attempts.at(-1) as Measurement), blockMs: best('blockMs'), rssRiseMb: best('rssRiseMb') };
}

/** A row in the middle of the longest pod log, for context at its largest. */
async function middleOfLongestStream(): Promise<LogEntry> {
  const response = await get('/logs/pods', { ...dataWindow, limit: 5_000 });
  const entries = ((await response.json()) as { entries: LogEntry[] }).entries;
  const byStream = new Map<string, LogEntry[]>();
  for (const entry of entries) {
    const key = `${entry.labels.pod}/${entry.labels.container}`;
    byStream.set(key, [...(byStream.get(key) ?? []), entry]);
  }
  const longest = [...byStream.values()].sort((a, b) => b.length - a.length)[0] ?? [];
  const row = longest[Math.floor(longest.length / 2)];
  if (!row) throw new Error('the demo data has no pod lines');
  return row;
}

function heavyRequests(row: LogEntry): HeavyRequest[] {
  const context = (direction: string) => ({
    name: `context ${direction}, limit 500`,
    send: () =>
      get('/logs/context', {
        source: row.source,
        id: row.id,
        timestamp: row.timestamp,
        limit: 500,
        direction,
      }),
  });
  return [
    { name: 'logs, widest window, limit 5000', send: () => get('/logs', { ...WIDEST, limit: 5_000 }) },
    {
      name: 'volume, widest window, smallest step, maxEntries 50000',
      send: () =>
        get('/logs/volume', {
          ...WIDEST,
          maxEntries: 50_000,
          step: smallestStep(WIDEST_MS),
        }),
    },
    {
      name: "volume, the data's three days in 11,000 buckets, maxEntries 50000",
      send: () =>
        get('/logs/volume', {
          ...dataWindow,
          maxEntries: 50_000,
          step: smallestStep(Date.parse(dataWindow.to) - Date.parse(dataWindow.from)),
        }),
    },
    {
      name: 'patterns, widest window, maxEntries 50000',
      send: () => get('/logs/patterns', { ...WIDEST, maxEntries: 50_000 }),
    },
    {
      name: 'builtin summary, widest window, maxEntries 50000',
      send: () =>
        fetch(`${base}/logs/summary`, {
          method: 'POST',
          headers: { Authorization: `Bearer ${TOKENS.analyst}`, 'Content-Type': 'application/json' },
          body: JSON.stringify({ ...WIDEST, maxEntries: 50_000, focus: 'what failed' }),
        }),
    },
    context('backward'),
    context('forward'),
  ];
}

/**
 * Event-loop lag and peak memory are read off the whole process, so the suite must not share
 * the machine with the others: vitest's parallel run skips it (and says so), and `npm test`
 * runs it on its own afterwards, through `npm run test:resources`. README.md (Tests) has its
 * latest figures.
 */
const MEASURE = process.env.RESOURCE_BOUNDS === '1';
if (!MEASURE)
  console.info(
    '[resources] skipped in the parallel run: `npm test` runs it alone afterwards (`npm run test:resources`)',
  );

beforeAll(async () => {
  if (!MEASURE) return;
  execFileSync('npm', ['run', 'build', '--workspace', 'backend', '--silent'], {
    cwd: ROOT,
    stdio: 'inherit',
  });
  stack = await startLocalStack();
  const dataset = generateDataset({ nowMs, days: 3 });
  await stack.seed(dataset);
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  backend = startBuiltBackend({
    ...stack.env,
    HOST: '127.0.0.1',
    PORT: String(port),
    LOG_LEVEL: 'warn',
    AUTH_TOKENS: TOKEN_CONFIG,
    CURSOR_SECRET: 'r'.repeat(32),
    // Every measured request does its whole work: no page or summary comes from a cache.
    CACHE_TTL_SECONDS: '0',
    SUMMARY_CACHE_TTL_SECONDS: '0',
    // The stack's emulators share the two cores; a slow source would only shrink the work measured.
    SOURCE_TIMEOUT_MS: '60000',
  });
  await waitForHealth(base, backend);
  pid = backend.pid as number;
  console.info(`[resources] backend pid ${pid}`);
  schedulePromptly(pid);
}, 300_000);

afterAll(async () => {
  if (!MEASURE) return;
  if (backend) await stopBackend(backend);
  await stack?.stop();
});

describe.skipIf(!MEASURE)('one request at its heaviest', () => {
  it('raises RSS by at most 64 MB and holds the event loop at most 100 ms, on every endpoint', async () => {
    const requests = heavyRequests(await middleOfLongestStream());
    // First pass: caches filled and code compiled, as on a server that has been serving.
    for (const request of requests) {
      const cold = await measureOnce(request);
      console.info(`[resources] ${request.name} (first, filling caches): ${JSON.stringify(cold)}`);
      expect(cold.status, request.name).toBe(200);
    }
    const results: Record<string, Measurement> = {};
    for (const request of requests) results[request.name] = await measure(request);
    for (const [name, m] of Object.entries(results)) {
      expect(m.status, name).toBe(200);
      expect(m.healthzFailures, name).toBe(0);
      expect(m.rssRiseMb, `${name}: RSS rise`).toBeLessThanOrEqual(MAX_RSS_RISE_MB);
      expect(m.blockMs, `${name}: event-loop lag beyond the idle baseline`).toBeLessThanOrEqual(
        MAX_LOOP_BLOCK_MS,
      );
    }
  }, 600_000);
});
