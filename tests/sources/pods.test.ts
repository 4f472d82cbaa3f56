/**
 * The pod source against the Kubernetes API double, through the real @kubernetes/client-node
 * and the real backend: pod selection, containers, `previous`, multi-line records, what is
 * sent to the API server, paging — and the failures a cluster produces (a missing pod, a
 * pod deleted mid-read, a container without a previous log), which must be warnings.
 *
 * Failures are documented as follows: a pod asked for by name that does not exist, a pod
 * deleted between listing and reading (the API's 404), an unknown container, and a log the
 * API server refuses (its 400) are all warnings on a 200 page; the other pods' entries are
 * served. None of them is a problem response.
 */
import { CoreV1Api, Log } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedPods } from '../../local/seed.js';
import type { LogEntry, LogQuery, PodSelector } from '../../backend/src/model/index.js';
import { compileFilter } from '../../backend/src/query/filter.js';
import type { SourceRequest } from '../../backend/src/query/log-source.js';
import { SegmentStore } from '../../backend/src/query/segments/segment-store.js';
import { SegmentedSource } from '../../backend/src/query/segments/segmented-source.js';
import { PodSource } from '../../backend/src/sources/pods/pod-source.js';
import type { KubernetesDouble } from '../support/emulators/kubernetes.js';
import { scrape, total } from '../support/metrics.js';
import {
  essentials,
  fetchPage,
  idsOf,
  iso,
  startSourceSuite,
  walkPages,
  type Params,
  type SourceSuite,
} from '../support/source-suite.js';

const HOUR = 3_600_000;
const NAMESPACE = 'gpt-runner';
/** Pods the backend does not watch, for the failure cases driven through the source itself. */
const SIDE = 'batch';

let suite: SourceSuite;
let kube: KubernetesDouble;
/** Just past now: windows end after the newest seeded line. */
let until: string;

beforeAll(async () => {
  suite = await startSourceSuite({
    sources: ['pods'],
    days: 1,
    seed: (stack, dataset) => seedPods(stack.kube, dataset),
  });
  kube = suite.stack.kube;
  until = iso(Date.now() + 60_000);
});

afterAll(() => suite?.close());

const podNamed = (prefix: string): string => {
  const pod = suite.dataset.pods.find((p) => p.name.startsWith(prefix));
  if (!pod) throw new Error(`the data set has no pod ${prefix}*`);
  return pod.name;
};

/** The oracle serves every stream at once; narrow its answer as the pod selectors do. */
async function expectedEntries(params: Params, keep: (entry: LogEntry) => boolean): Promise<LogEntry[]> {
  const page = await fetchPage(suite.oracle, '/logs/pods', { ...params, limit: 5000 });
  expect(page.nextCursor).toBeNull();
  return page.entries.filter(keep);
}

const current = (entry: LogEntry): boolean => entry.labels.previous !== 'true';

const logRequests = () => kube.requests.filter((r) => r.path.endsWith('/log'));

describe('pod source over the Kubernetes API double', () => {
  it('reads every container of the namespace as the oracle does, pushing the window down', async () => {
    const params = { from: iso(suite.nowMs - 6 * HOUR), to: until };
    kube.clearRequests();
    const page = await fetchPage(suite.real, '/logs/pods', { ...params, limit: 5000 });
    expect(page.warnings).toEqual([]);
    expect(page.nextCursor).toBeNull();
    expect(essentials(page.entries)).toEqual(essentials(await expectedEntries(params, current)));

    const reads = logRequests();
    const streams = suite.dataset.pods.flatMap((p) => p.containers.map((c) => `${p.name}/${c.name}`));
    expect(reads.map((r) => `${r.path.split('/')[6]}/${r.query.container}`).sort()).toEqual(streams.sort());
    for (const read of reads) {
      expect(read.query).toMatchObject({ timestamps: 'true', tailLines: '10000' });
      // Whole seconds, floored: the API server reads `sinceTime` with second precision.
      expect(read.query.sinceTime).toBe(`${params.from.slice(0, 19)}Z`);
    }
  });

  it('counts every pod listing and log read the API server receives', async () => {
    const calls = async (call: string) =>
      total(await scrape(suite.real), 'log_aggregator_backend_calls_total', { source: 'pods', call });
    const [lists, reads] = [await calls('list'), await calls('read')];
    kube.clearRequests();
    await fetchPage(suite.real, '/logs/pods', { from: iso(suite.nowMs - 2 * HOUR), to: until, limit: 50 });
    const listed = kube.requests.filter((r) => r.path.endsWith('/pods')).length;
    expect(listed).toBeGreaterThan(0);
    expect(logRequests().length).toBeGreaterThan(0);
    expect((await calls('list')) - lists).toBe(listed);
    expect((await calls('read')) - reads).toBe(logRequests().length);
  });

  it('serves the history before the pods were seeded: containers started when their logs begin', async () => {
    const params = { from: iso(suite.nowMs - 6 * HOUR), to: iso(suite.nowMs - HOUR) };
    const page = await fetchPage(suite.real, '/logs/pods', { ...params, limit: 5000 });
    expect(page.warnings).toEqual([]);
    expect(page.entries.length).toBeGreaterThan(0);
    expect(essentials(page.entries)).toEqual(essentials(await expectedEntries(params, current)));
  });

  it('selects pods by namespace and label selector', async () => {
    const params = { from: iso(suite.nowMs - 2 * HOUR), to: until };
    kube.clearRequests();
    const page = await fetchPage(suite.real, '/logs/pods', {
      ...params,
      namespace: NAMESPACE,
      selector: 'app=trader',
      limit: 5000,
    });
    expect(page.entries.length).toBeGreaterThan(0);
    expect(new Set(page.entries.map((e) => e.labels.app))).toEqual(new Set(['trader']));
    const expected = await expectedEntries(params, (e) => current(e) && e.labels.app === 'trader');
    expect(essentials(page.entries)).toEqual(essentials(expected));
    const list = kube.requests.find((r) => r.path === `/api/v1/namespaces/${NAMESPACE}/pods`);
    expect(list?.query.labelSelector).toBe('app=trader');
  });

  it('selects pods by name and a container by name', async () => {
    const params = { from: iso(suite.nowMs - 2 * HOUR), to: until };
    const trader = podNamed('trader-');
    const reflector = podNamed('reflector-');
    const byName = await fetchPage(suite.real, '/logs/pods', {
      ...params,
      pod: `${trader},${reflector}`,
      limit: 5000,
    });
    expect(new Set(byName.entries.map((e) => e.labels.pod))).toEqual(new Set([trader, reflector]));
    const expectedByName = await expectedEntries(
      params,
      (e) => current(e) && [trader, reflector].includes(e.labels.pod ?? ''),
    );
    expect(essentials(byName.entries)).toEqual(essentials(expectedByName));

    const marketData = podNamed('market-data-');
    const feed = await fetchPage(suite.real, '/logs/pods', {
      ...params,
      pod: marketData,
      container: 'feed',
      limit: 5000,
    });
    expect(feed.entries.length).toBeGreaterThan(0);
    const expectedFeed = await expectedEntries(params, (e) => current(e) && e.labels.container === 'feed');
    expect(essentials(feed.entries)).toEqual(essentials(expectedFeed));
  });

  it("reads a crash-looping container's previous log, which ends with a Go panic", async () => {
    const marketData = podNamed('market-data-');
    const params = { from: iso(suite.nowMs - HOUR), to: until, pod: marketData, container: 'feed' };
    kube.clearRequests();
    const page = await fetchPage(suite.real, '/logs/pods', { ...params, previous: true, limit: 5000 });
    expect(page.warnings).toEqual([]);
    expect(page.entries.length).toBeGreaterThan(10);
    expect(page.entries.every((e) => e.labels.previous === 'true' && e.labels.container === 'feed')).toBe(
      true,
    );
    const newest = page.entries.slice(0, 3).map((e) => e.message);
    expect(newest.some((m) => m.startsWith('panic: runtime error: invalid memory address'))).toBe(true);
    expect(newest[0]).toMatch(/goroutine 41 \[running\]:\n\tgithub\.com\/gpt-runner\/market-data/);
    const expected = await expectedEntries(
      { from: params.from, to: params.to, previous: true },
      (e) => e.labels.previous === 'true' && e.labels.container === 'feed',
    );
    expect(essentials(page.entries)).toEqual(essentials(expected));
    expect(logRequests().map((r) => r.query.previous)).toEqual(['true']);
  });

  it('names each container of a multi-container pod itself: no 400 reaches the client', async () => {
    const marketData = podNamed('market-data-');
    const params = { from: iso(suite.nowMs - 2 * HOUR), to: until };
    kube.clearRequests();
    const page = await fetchPage(suite.real, '/logs/pods', { ...params, pod: marketData, limit: 5000 });
    // Without a container name the API server answers 400 for this pod; none was sent.
    expect(page.warnings).toEqual([]);
    expect(new Set(page.entries.map((e) => e.labels.container))).toEqual(
      new Set(['feed', 'metrics-exporter']),
    );
    const reads = logRequests();
    expect(reads.map((r) => r.query.container).sort()).toEqual(['feed', 'metrics-exporter']);
    expect(reads.every((r) => r.path === `/api/v1/namespaces/${NAMESPACE}/pods/${marketData}/log`)).toBe(
      true,
    );
    const expected = await expectedEntries(params, (e) => current(e) && e.labels.pod === marketData);
    expect(essentials(page.entries)).toEqual(essentials(expected));
  });

  it('warns about a container that does not exist, naming the choices', async () => {
    const marketData = podNamed('market-data-');
    kube.clearRequests();
    const page = await fetchPage(suite.real, '/logs/pods', {
      from: iso(suite.nowMs - HOUR),
      to: until,
      pod: marketData,
      container: 'sidecar',
    });
    expect(page.partial).toBe(false);
    expect(page.entries).toEqual([]);
    expect(page.warnings).toEqual([
      {
        source: 'pods',
        message: `pod ${marketData} has no container sidecar; its containers are feed, metrics-exporter`,
      },
    ]);
    expect(logRequests()).toEqual([]);
  });

  it('warns about a missing pod and still serves the pods that exist', async () => {
    const reflector = podNamed('reflector-');
    const page = await fetchPage(suite.real, '/logs/pods', {
      from: iso(suite.nowMs - HOUR),
      to: until,
      pod: `ghost-pod-0,${reflector}`,
    });
    expect(page.partial).toBe(false);
    expect(page.warnings).toEqual([{ source: 'pods', message: `pod ghost-pod-0 not found in ${NAMESPACE}` }]);
    expect(page.entries.length).toBeGreaterThan(0);
    expect(page.entries.every((e) => e.labels.pod === reflector)).toBe(true);
  });

  it('joins Python tracebacks into one entry each', async () => {
    const params = { from: iso(suite.nowMs - 2 * HOUR), to: until };
    const page = await fetchPage(suite.real, '/logs/pods', { ...params, search: 'Traceback', limit: 1000 });
    expect(page.entries.length).toBeGreaterThan(0);
    for (const entry of page.entries) {
      expect(entry.severity).toBe('ERROR');
      expect(entry.message).toMatch(
        /broker returned 503\nTraceback \(most recent call last\):\n {2}File "\/app\/gpt_runner\/broker\/client\.py"[\s\S]*\nrequests\.exceptions\.HTTPError: 503 Server Error/,
      );
    }
    const expected = await fetchPage(suite.oracle, '/logs/pods', {
      ...params,
      search: 'Traceback',
      limit: 1000,
    });
    expect(essentials(page.entries)).toEqual(essentials(expected.entries));
  });

  it.for(['backward', 'forward'] as const)(
    'walks all pages (%s) to exactly one full scan',
    async (direction) => {
      const params = { from: iso(suite.nowMs - 20 * 60_000), to: until, direction };
      const whole = await fetchPage(suite.real, '/logs/pods', { ...params, limit: 5000 });
      expect(whole.nextCursor).toBeNull();
      expect(essentials(whole.entries)).toEqual(essentials(await expectedEntries(params, current)));
      const walked = await walkPages(suite.real, '/logs/pods', params, 7);
      expect(walked.pages).toBeGreaterThan(10);
      expect(idsOf(walked.entries)).toEqual(idsOf(whole.entries));
      expect(essentials(walked.entries)).toEqual(essentials(whole.entries));
    },
  );
});

describe('pod source failures, driven through the source', () => {
  const lines = (count: number, text: string) =>
    Array.from({ length: count }, (_, i) => ({
      time: iso(suite.nowMs - 30 * 60_000 + i * 1000),
      text: `${text} ${i}`,
    }));

  function sourceWith(core: CoreV1Api, tailLines = 10_000): PodSource {
    const kc = kube.kubeConfig(SIDE);
    return new PodSource({
      core,
      log: new Log(kc),
      namespaces: [SIDE],
      tailLines,
      maxBytesPerStream: 1024 * 1024,
      concurrency: 4,
    });
  }

  function requestFor(pods: PodSelector): SourceRequest {
    const query: LogQuery = {
      sources: ['pods'],
      from: iso(suite.nowMs - HOUR),
      to: until,
      severities: [],
      labels: [],
      limit: 100,
      direction: 'backward',
      selectors: { pods },
    };
    return { query, limit: 101, matches: compileFilter(query), signal: AbortSignal.timeout(10_000) };
  }

  it('warns about a pod deleted between listing and reading, and serves the others', async () => {
    kube.addPod({
      namespace: SIDE,
      name: 'doomed-job',
      containers: [{ name: 'job', lines: lines(5, 'doomed') }],
    });
    kube.addPod({
      namespace: SIDE,
      name: 'steady-job',
      containers: [{ name: 'job', lines: lines(5, 'steady') }],
    });
    const core = kube.kubeConfig(SIDE).makeApiClient(CoreV1Api);
    // The pod disappears right after the listing answered, as when a Job's pod is reaped.
    const vanishing = new Proxy(core, {
      get(target, property, receiver) {
        if (property !== 'listNamespacedPod') return Reflect.get(target, property, receiver) as unknown;
        return async (...args: Parameters<CoreV1Api['listNamespacedPod']>) => {
          const list = await target.listNamespacedPod(...args);
          kube.deletePod(SIDE, 'doomed-job');
          return list;
        };
      },
    });
    const result = await sourceWith(vanishing).query(requestFor({}));
    expect(result.stats).toMatchObject({ podsListed: 2, streamsRead: 1 });
    expect(result.warnings).toEqual([
      `pod ${SIDE}/doomed-job container job: the pod is gone (it was deleted after it was listed)`,
    ]);
    expect(result.entries.map((e) => e.message)).toEqual([
      'steady 4',
      'steady 3',
      'steady 2',
      'steady 1',
      'steady 0',
    ]);
    kube.deletePod(SIDE, 'steady-job');
  });

  it("surfaces the API's 400 for a restarted container without a previous log as a clear warning", async () => {
    kube.addPod({
      namespace: SIDE,
      name: 'restarted-job',
      containers: [{ name: 'worker', lines: lines(3, 'worker'), restartCount: 2 }],
    });
    kube.clearRequests();
    const core = kube.kubeConfig(SIDE).makeApiClient(CoreV1Api);
    const result = await sourceWith(core).query(requestFor({ pods: ['restarted-job'], previous: true }));
    expect(result.entries).toEqual([]);
    // The request was made (the container did restart) and the API server refused it.
    expect(logRequests().map((r) => r.query.previous)).toEqual(['true']);
    expect(result.warnings).toHaveLength(1);
    expect(result.warnings[0]).toMatch(
      new RegExp(
        `^pod ${SIDE}/restarted-job container worker \\(previous\\): the API server holds no log of a previous instance \\(HTTP 400\\)`,
      ),
    );
    kube.deletePod(SIDE, 'restarted-job');
  });

  it('keeps what a capped read returned in the segment cache, with its lasting warning, and reads only the fresh edge again', async () => {
    kube.addPod({
      namespace: SIDE,
      name: 'chatty-job',
      // Started when its log begins: a window ending before the pod was added still reads it.
      containers: [{ name: 'job', lines: lines(12, 'chatty'), startedAt: iso(suite.nowMs - 30 * 60_000) }],
    });
    const pods = sourceWith(kube.kubeConfig(SIDE).makeApiClient(CoreV1Api), 5);
    const request = requestFor({});
    const direct = await pods.query(request);
    const oldest = iso(suite.nowMs - 30 * 60_000 + 7 * 1000);
    const warning = 'chatty-job/job: only its last 5 lines were read; older lines in the range are missing';
    expect(direct.warnings).toEqual([warning]);
    // The log only grows, so no later read returns what came before its oldest line now.
    expect(direct.lasting).toEqual([{ warning, until: oldest }]);

    let clockMs = suite.nowMs;
    const cached = new SegmentedSource(
      pods,
      new SegmentStore({ maxBytes: 1024 * 1024, sharedTtlSeconds: 60 }),
      { segmentMs: 60_000, settleMs: 0, edgeMaxAgeMs: 0, readBudget: 1_000, joinWithinMs: 10_000 },
      { now: () => clockMs },
    );
    const expected = ['chatty 11', 'chatty 10', 'chatty 9', 'chatty 8', 'chatty 7'];
    for (const round of ['first', 'refresh']) {
      kube.clearRequests();
      if (round === 'refresh') clockMs += 5_000;
      const answer = await cached.query(requestFor({}));
      expect(
        answer.entries.map((e) => e.message),
        round,
      ).toEqual(expected);
      expect(answer.warnings, round).toEqual([warning]);
      // The first read fills the settled segments and the fresh edge; a refresh reads only the edge.
      const sinceTimes = logRequests().map((r) => r.query.sinceTime);
      expect(sinceTimes, round).toHaveLength(round === 'first' ? 2 : 1);
      if (round === 'refresh') expect(sinceTimes[0] && sinceTimes[0] >= iso(suite.nowMs - 60_000)).toBe(true);
    }
    kube.deletePod(SIDE, 'chatty-job');
  });
});
