/**
 * `npm run bench:tail -- --subscribers 200 --probes 20`: many live-tail viewers on one
 * backend. It runs the built backend over the demo's local stack (the Kubernetes API double
 * serving the demo pods), opens `--subscribers` streams of `GET /logs/tail` with fetch, waits
 * until the backend follows every container, then writes `--probes` lines to a pod's log (one
 * every `--interval` ms) and measures, for every subscriber, how long each line took to reach
 * it (from the write to the parsed event). It reports the latency percentiles, lines missed,
 * and the upstream log streams held — counted by the API server double and by the backend's
 * `log_aggregator_tail_upstream_streams` — against the number of containers. The last line is JSON.
 */
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { openTail, type TailClient } from '../tests/support/tail-client.js';
import { stopBackend, waitForHealth } from './backend-process.js';
import { BENCH_TOKEN, latencySummary, rssMb, startBenchBackend } from './bench-support.js';
import { generateDataset } from './demo-data/dataset.js';
import { startLocalStack } from './stack.js';

const { values: args } = parseArgs({
  options: {
    subscribers: { type: 'string', default: '200' },
    probes: { type: 'string', default: '20' },
    interval: { type: 'string', default: '500' },
    port: { type: 'string', default: '18099' },
  },
});
const SUBSCRIBERS = Number(args.subscribers);
const PROBES = Number(args.probes);
const INTERVAL_MS = Number(args.interval);
const PORT = String(args.port);
const NS = 'gpt-runner';
const WAIT_MS = 10_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function metric(base: string, name: string, labels = ''): Promise<number> {
  const text = await (await fetch(`${base}/metrics`)).text();
  const series = `${name}${labels ? `{${labels}}` : ''} `;
  const line = text.split('\n').find((l) => l.startsWith(series));
  return line === undefined ? NaN : Number(line.slice(series.length));
}

async function until(
  check: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 30_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

/** Milliseconds from the write to each subscriber's event carrying `marker`; NaN where it never came. */
async function arrivals(clients: TailClient[], marker: string, writtenAt: number): Promise<number[]> {
  return Promise.all(
    clients.map((client) =>
      client
        .waitFor(
          (event) =>
            event.event === 'entries' &&
            (event.data.entries as { message: string }[]).some((e) => e.message.includes(marker)),
          WAIT_MS,
        )
        .then(
          (event) => event.at - writtenAt,
          () => NaN,
        ),
    ),
  );
}

async function main(): Promise<void> {
  const stack = await startLocalStack();
  const backend = startBenchBackend(stack, {
    port: PORT,
    role: 'viewer',
    env: {
      // Streams outlive the run: reconnects are the plugin's business and are tested there.
      TAIL_MAX_STREAM_SECONDS: '600',
      TAIL_MAX_SUBSCRIBERS_PER_TOKEN: String(Math.max(250, SUBSCRIBERS)),
      TAIL_MAX_SUBSCRIBERS: String(Math.max(1_000, SUBSCRIBERS)),
    },
  });
  const clients: TailClient[] = [];
  try {
    const dataset = generateDataset({ nowMs: Date.now(), days: 1, tradesPerHour: 4 });
    await stack.seed(dataset);
    const containers = dataset.pods.flatMap((p) => p.containers).length;
    const pod = dataset.pods.find((p) => p.name.startsWith('trader'));
    if (!pod) throw new Error('the demo data has no trader pod');
    const base = `http://127.0.0.1:${PORT}`;
    await waitForHealth(base, backend);
    const pid = backend.pid as number;

    console.log(`opening ${SUBSCRIBERS} live tails…`);
    for (let i = 0; i < SUBSCRIBERS; i++)
      clients.push(await openTail(base, { token: BENCH_TOKEN, query: 'source=pods' }));
    const refused = clients.filter((c) => c.status !== 200).length;
    if (refused > 0) throw new Error(`${refused} subscribers were refused`);
    await until(() => stack.kube.openStreams().logs === containers, `${containers} upstream log streams`);

    console.log(`writing ${PROBES} lines to ${pod.name}, one every ${INTERVAL_MS} ms…`);
    const latencies: number[] = [];
    let peakRss = rssMb(pid);
    let peakUpstream = stack.kube.openStreams().logs;
    for (let probe = 0; probe < PROBES; probe++) {
      const marker = `probe-${probe}-${randomUUID()}`;
      const writtenAt = performance.now();
      stack.kube.appendLog(NS, pod.name, 'trader', [{ text: `INFO bench ${marker}` }]);
      const pending = arrivals(clients, marker, writtenAt);
      await sleep(INTERVAL_MS);
      latencies.push(...(await pending));
      peakRss = Math.max(peakRss, rssMb(pid));
      peakUpstream = Math.max(peakUpstream, stack.kube.openStreams().logs);
    }
    const received = latencies.filter((ms) => !Number.isNaN(ms));
    const result = {
      subscribers: SUBSCRIBERS,
      probes: PROBES,
      deliveries: latencies.length,
      missed: latencies.length - received.length,
      latency: latencySummary(received),
      containers,
      upstreamLogStreams: {
        peakSeenByApiServer: peakUpstream,
        backendMetric: await metric(base, 'log_aggregator_tail_upstream_streams', 'source="pods"'),
      },
      tailSubscribersMetric: await metric(base, 'log_aggregator_tail_subscribers'),
      peakRssMb: Math.round(peakRss),
    };
    console.log(
      `${result.deliveries} deliveries to ${SUBSCRIBERS} subscribers: p50 ${result.latency.p50Ms} ms, ` +
        `p95 ${result.latency.p95Ms} ms, p99 ${result.latency.p99Ms} ms, max ${result.latency.maxMs} ms, ` +
        `${result.missed} missed; upstream log streams ${result.upstreamLogStreams.peakSeenByApiServer} ` +
        `for ${containers} containers; peak RSS ${result.peakRssMb} MB`,
    );
    console.log(JSON.stringify(result));
  } finally {
    for (const client of clients) client.close();
    await stopBackend(backend);
    await stack.stop();
  }
}

await main();
