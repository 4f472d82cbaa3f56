/**
 * The log-volume collector against the local stack (Firestore and GCS emulators, the
 * Kubernetes API double), through the real clients and the real backend: what arrives
 * after it starts is counted once by source, severity and origin; what was there before
 * is not; streams the server closes are reconnected or let go; labels never name a pod;
 * and the request path does not notice it.
 */
import { Timestamp } from '@google-cloud/firestore';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../backend/src/config/index.js';
import { generateDataset, type DemoDataset } from '../../local/demo-data/dataset.js';
import { formatEpochMs } from '../../backend/src/model/index.js';
import { startLocalStack, type LocalStack } from '../../local/stack.js';
import { TOKEN_CONFIG, TOKENS, startTestBackend, type TestBackend } from '../support/backend.js';
import { eventually, scrape, sleep, total, type Sample } from '../support/metrics.js';

const NS = 'gpt-runner';
const ENTRIES = 'log_aggregator_log_entries_total';
const RECONNECTS = 'log_aggregator_collector_reconnects_total';

let stack: LocalStack;
let dataset: DemoDataset;
/** The collector runs here… */
let collected: TestBackend;
/** …and not here: same stack, same configuration. */
let plain: TestBackend;
let startedMs: number;

const podNamed = (prefix: string, index = 0): string => {
  const pod = dataset.pods.filter((p) => p.name.startsWith(prefix))[index];
  if (!pod) throw new Error(`the data set has no pod ${prefix}* #${index}`);
  return pod.name;
};

const hourPath = (ms: number): string =>
  `${formatEpochMs(ms).slice(0, 10).replaceAll('-', '/')}/${formatEpochMs(ms).slice(11, 13)}`;

const logRequestsOf = (pod: string): number =>
  stack.kube.requests.filter((r) => r.path === `/api/v1/namespaces/${NS}/pods/${pod}/log`).length;

/** Counts by one label set, read from `/metrics` as Prometheus would. */
async function counted(match: Record<string, string>): Promise<number> {
  return total(await scrape(collected), ENTRIES, match);
}

beforeAll(async () => {
  stack = await startLocalStack();
  // Seconds in the past: the seeded data must all predate the collector.
  dataset = generateDataset({
    nowMs: Math.floor(Date.now() / 1000) * 1000 - 2_000,
    days: 1,
    tradesPerHour: 4,
  });
  await stack.seed(dataset);
  const env = {
    ...stack.env,
    CACHE_TTL_SECONDS: '0',
    COLLECTOR_GCS_INTERVAL_SECONDS: '1',
    COLLECTOR_POD_RELIST_SECONDS: '1',
    COLLECTOR_MAX_BACKOFF_SECONDS: '1',
  };
  [collected, plain] = await Promise.all([
    startTestBackend({ sourcesFromEnv: true, env }),
    startTestBackend({ sourcesFromEnv: true, env }),
  ]);
  startedMs = Date.now();
  collected.server.startCollector();
  const containers = dataset.pods.flatMap((p) => p.containers).length;
  await eventually(() => expect(stack.kube.openStreams().logs).toBe(containers));
});

afterAll(async () => {
  await Promise.allSettled([collected?.close(), plain?.close()]);
  await stack?.stop();
});

describe('log-volume collector', () => {
  it('counts nothing that was there before it started', async () => {
    // Two GCS intervals and a pod relist have passed by now.
    await sleep(2_500);
    const samples = await scrape(collected);
    expect(total(samples, ENTRIES)).toBe(0);
    for (const source of ['gcs', 'firestore', 'pods'])
      expect(total(samples, 'log_aggregator_source_up', { source }), source).toBe(1);
  });

  it('counts new Firestore documents by severity and collection, not older ones', async () => {
    const trades = stack.db.collection('gpt_runner_trades');
    const now = () => Timestamp.now();
    await Promise.all([
      trades.add({ timestamp: now(), level: 'ERROR', message: 'order rejected', symbol: 'AAPL' }),
      trades.add({ timestamp: now(), level: 'error', message: 'order rejected', symbol: 'MSFT' }),
      trades.add({ timestamp: now(), level: 'INFO', message: 'order filled', symbol: 'AAPL' }),
      // Written now but stamped an hour ago: not new.
      trades.add({
        timestamp: Timestamp.fromMillis(Date.now() - 3_600_000),
        level: 'ERROR',
        message: 'late',
      }),
      stack.db
        .collection('gpt_runner_reflections')
        .add({ created_at: now(), level: 'INFO', summary: 'momentum is fading' }),
    ]);
    await eventually(async () => {
      expect(await counted({ source: 'firestore', origin: 'gpt_runner_trades', severity: 'ERROR' })).toBe(2);
      expect(await counted({ source: 'firestore', origin: 'gpt_runner_trades', severity: 'INFO' })).toBe(1);
      expect(await counted({ source: 'firestore', origin: 'gpt_runner_reflections', severity: 'INFO' })).toBe(
        1,
      );
    });
    await sleep(500);
    expect(await counted({ source: 'firestore' })).toBe(4);
    const samples = await scrape(collected);
    const last = total(samples, 'log_aggregator_source_last_entry_timestamp_seconds', {
      source: 'firestore',
    });
    expect(last * 1000).toBeGreaterThanOrEqual(startedMs - 1_000);
    expect(last * 1000).toBeLessThanOrEqual(Date.now());
  });

  it('counts lines appended to a pod log under namespace/app, an error burst as ERROR', async () => {
    const pod = podNamed('trader');
    const lines = [
      ...Array.from({ length: 3 }, (_, i) => `INFO order ${i} filled`),
      ...Array.from({ length: 5 }, () => 'ERROR broker answered 503 Service Unavailable'),
      // One record over four lines: joined, as the pod source joins it.
      'ERROR order loop crashed',
      'Traceback (most recent call last):',
      '  File "runner.py", line 3, in loop',
      'ValueError: bad price',
    ];
    stack.kube.appendLog(
      NS,
      pod,
      'trader',
      lines.map((text) => ({ text })),
    );
    await eventually(async () => {
      expect(await counted({ source: 'pods', origin: `${NS}/trader`, severity: 'ERROR' })).toBe(6);
      expect(await counted({ source: 'pods', origin: `${NS}/trader`, severity: 'INFO' })).toBe(3);
    });
    await sleep(1_500);
    expect(await counted({ source: 'pods' })).toBe(9);
  });

  it('reconnects a stream the server closed on a container restart, counting each line once', async () => {
    const pod = podNamed('reflector');
    const before = total(await scrape(collected), RECONNECTS, { source: 'pods' });
    stack.kube.appendLog(NS, pod, 'reflector', [{ text: 'INFO reflecting on AAPL' }]);
    await eventually(async () =>
      expect(await counted({ source: 'pods', origin: `${NS}/reflector`, severity: 'INFO' })).toBe(1),
    );
    stack.kube.restartContainer(NS, pod, 'reflector', [{ text: 'INFO reflector started' }]);
    await eventually(async () => {
      expect(total(await scrape(collected), RECONNECTS, { source: 'pods' })).toBeGreaterThan(before);
      expect(await counted({ source: 'pods', origin: `${NS}/reflector`, severity: 'INFO' })).toBe(2);
    });
    stack.kube.appendLog(NS, pod, 'reflector', [{ text: 'WARNING model answered slowly' }]);
    await eventually(async () =>
      expect(await counted({ source: 'pods', origin: `${NS}/reflector`, severity: 'WARNING' })).toBe(1),
    );
    await sleep(1_500);
    // Nothing counted twice across the reconnect.
    expect(await counted({ source: 'pods', origin: `${NS}/reflector` })).toBe(3);
  });

  it('lets go of a deleted pod instead of reconnecting to it forever', async () => {
    const pod = podNamed('trader', 1);
    const streams = stack.kube.openStreams().logs;
    stack.kube.deletePod(NS, pod);
    await eventually(() => expect(stack.kube.openStreams().logs).toBe(streams - 1));
    // A reconnect attempt finds it gone; then no more reads of it.
    await sleep(2_500);
    const reads = logRequestsOf(pod);
    await sleep(2_500);
    expect(logRequestsOf(pod)).toBe(reads);
    expect(total(await scrape(collected), 'log_aggregator_source_up', { source: 'pods' })).toBe(1);
  });

  it('follows a pod created after it started', async () => {
    stack.kube.addPod({
      namespace: NS,
      name: 'trader-7d9f8c6b5-newp1',
      labels: { app: 'trader' },
      containers: [{ name: 'trader', lines: [{ text: 'INFO trader warming up' }] }],
    });
    await eventually(async () =>
      expect(await counted({ source: 'pods', origin: `${NS}/trader`, severity: 'INFO' })).toBe(4),
    );
  });

  it('counts a GCS object written after it started once, across several intervals', async () => {
    const now = Date.now();
    const records = [
      { timestamp: formatEpochMs(now), level: 'INFO', side: 'buy', qty: 1, symbol: 'AAPL' },
      { timestamp: formatEpochMs(now), level: 'INFO', side: 'sell', qty: 1, symbol: 'MSFT' },
      { timestamp: formatEpochMs(now), level: 'ERROR', message: 'settlement failed' },
    ];
    await stack.storage
      .bucket(stack.bucketName)
      .file(`trades/${hourPath(now)}/trades-late.jsonl`)
      .save(records.map((r) => JSON.stringify(r)).join('\n') + '\n', { resumable: false });
    await eventually(async () => {
      expect(await counted({ source: 'gcs', origin: 'trades/', severity: 'INFO' })).toBe(2);
      expect(await counted({ source: 'gcs', origin: 'trades/', severity: 'ERROR' })).toBe(1);
    });
    await sleep(3_500);
    expect(await counted({ source: 'gcs' })).toBe(3);
  });

  it('labels counters with source, severity and a low-cardinality origin, never a pod', async () => {
    const samples = (await scrape(collected)).filter((s: Sample) => s.name === ENTRIES);
    expect(samples.length).toBeGreaterThan(0);
    const pods = new Set([...dataset.pods.map((p) => p.name), 'trader-7d9f8c6b5-newp1']);
    for (const { labels } of samples) {
      expect(Object.keys(labels).sort()).toEqual(['origin', 'severity', 'source']);
      expect(labels.origin).toMatch(
        /^(trades\/|reflections\/|strategies\/|gpt_runner_\w+|gpt-runner\/[\w-]+)$/,
      );
      for (const value of Object.values(labels))
        for (const pod of pods) expect(value.includes(pod), `${value} names ${pod}`).toBe(false);
    }
    expect(new Set(samples.map((s) => s.labels.origin))).toEqual(
      new Set(['gpt_runner_trades', 'gpt_runner_reflections', `${NS}/trader`, `${NS}/reflector`, 'trades/']),
    );
  });

  it('is off unless started: the other backend counts nothing', async () => {
    expect(total(await scrape(plain), ENTRIES)).toBe(0);
    expect(loadConfig({ AUTH_TOKENS: TOKEN_CONFIG }).collector.enabled).toBe(false);
    expect(loadConfig({ AUTH_TOKENS: TOKEN_CONFIG, COLLECTOR_ENABLED: 'true' }).collector).toEqual({
      enabled: true,
      gcsIntervalMs: 60_000,
      podRelistMs: 30_000,
      maxBackoffMs: 60_000,
      maxPodStreams: 200,
    });
  });

  it('leaves /logs latency about where it is without the collector, even while lines pour in', async () => {
    const pod = podNamed('trader');
    const burst = setInterval(() => {
      stack.kube.appendLog(
        NS,
        pod,
        'trader',
        Array.from({ length: 200 }, (_, i) => ({ text: `INFO tick ${i}` })),
      );
    }, 20);
    const timeOne = async (backend: TestBackend): Promise<number> => {
      const started = performance.now();
      const response = await backend.get('/logs?from=now-1h&limit=200', TOKENS.viewer);
      expect(response.status).toBe(200);
      await response.arrayBuffer();
      return performance.now() - started;
    };
    const withIt: number[] = [];
    const without: number[] = [];
    try {
      for (let i = 0; i < 8; i += 1) {
        withIt.push(await timeOne(collected));
        without.push(await timeOne(plain));
      }
    } finally {
      clearInterval(burst);
    }
    const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
    // Loose on purpose: both share two cores with the emulators; a blocked loop would be seconds.
    expect(median(withIt)).toBeLessThan(median(without) * 3 + 200);
    await eventually(async () =>
      expect(await counted({ source: 'pods', origin: `${NS}/trader` })).toBeGreaterThan(1_000),
    );
  });
});
