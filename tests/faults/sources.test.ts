/**
 * The sources failing in the ways production's fail, under the real backend reading the
 * emulators through the real clients: Firestore pausing mid-request, a GCS download cut
 * mid-body, a truncated gzip object, the Kubernetes API answering 500, hanging, or falling
 * silent mid-log. Each time the listing must answer 200 within SOURCE_TIMEOUT_MS, say which
 * source or object is missing, and keep every other entry — and recover once the fault ends.
 */
import type { Bucket } from '@google-cloud/storage';
import { gzipSync } from 'node:zlib';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { generateDataset } from '../../local/demo-data/dataset.js';
import { startLocalStack, type LocalStack } from '../../local/stack.js';
import type { LogEntry } from '../../backend/src/model/index.js';
import { startTestBackend, type TestBackend } from '../support/backend.js';
import { startFaultProxy, type FaultProxy } from '../support/fault-proxy.js';
import { essentials, fetchPage, iso, type Page, type Params } from '../support/source-suite.js';

const HOUR = 3_600_000;
const SOURCE_TIMEOUT_MS = 4_000;
/** What a loaded two-core machine may add to the budget: the listing's own work and scheduling. */
const SLACK_MS = 2_000;
/** `/readyz` checks each source for at most this long (backend/src/app.ts). */
const READINESS_CHECK_MS = 2_000;

/** Hand-made objects on fixed dates, away from the generated data: each test reads its own day. */
const OBJECTS = {
  cutDay: 'faults/2020/03/02/',
  cut: 'faults/2020/03/02/cut.jsonl',
  beside: 'faults/2020/03/02/beside.jsonl',
  gzipDay: 'faults/2020/03/03/',
  truncated: 'faults/2020/03/03/truncated.jsonl.gz',
  intact: 'faults/2020/03/03/intact.jsonl.gz',
};

const jsonLines = (day: string, count: number, label: string): string =>
  Array.from({ length: count }, (_, i) =>
    JSON.stringify({
      timestamp: `${day}T00:${String(Math.floor(i / 60) % 60).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}Z`,
      level: 'INFO',
      message: `${label} record ${i} ${'x'.repeat(80)}`,
    }),
  ).join('\n') + '\n';

async function seedFaultObjects(bucket: Bucket): Promise<void> {
  const save = (name: string, body: string | Buffer) => bucket.file(name).save(body, { resumable: false });
  const truncated = gzipSync(jsonLines('2020-03-03', 500, 'truncated'));
  await Promise.all([
    // Large enough that the cut falls well inside the body.
    save(OBJECTS.cut, jsonLines('2020-03-02', 2_000, 'cut')),
    save(OBJECTS.beside, jsonLines('2020-03-02', 20, 'beside')),
    // Half a gzip stream, as an upload interrupted before its end would leave it.
    save(OBJECTS.truncated, truncated.subarray(0, Math.floor(truncated.length / 2))),
    save(OBJECTS.intact, gzipSync(jsonLines('2020-03-03', 20, 'intact'))),
  ]);
}

/**
 * The backend's environment over the proxied emulators. Every request must reach the sources:
 * caches would hide the faults, so the page and listing caches are off, and so is the segment
 * cache (it serves settled segments whatever the source does) but where a case is about it.
 */
function backendEnv(segmentCache = false): Record<string, string> {
  return {
    ...stack.env,
    FIRESTORE_EMULATOR_HOST: firestoreProxy.host,
    GCS_API_ENDPOINT: gcsProxy.url,
    GCS_PREFIXES: 'trades/,reflections/,strategies/,faults/',
    SOURCE_TIMEOUT_MS: String(SOURCE_TIMEOUT_MS),
    CACHE_TTL_SECONDS: '0',
    GCS_LISTING_TTL_SECONDS: '0',
    GCS_CLOSED_LISTING_TTL_SECONDS: '0',
    ...(segmentCache ? {} : { CACHE_SEGMENT_BYTES: '0' }),
  };
}

let stack: LocalStack;
let firestoreProxy: FaultProxy;
let gcsProxy: FaultProxy;
let backend: TestBackend;
const nowMs = Math.floor(Date.now() / 1000) * 1000;

beforeAll(async () => {
  stack = await startLocalStack();
  await stack.seed(generateDataset({ nowMs, days: 0.25, tradesPerHour: 20 }));
  await seedFaultObjects(stack.storage.bucket(stack.bucketName));
  firestoreProxy = await startFaultProxy({ port: Number(stack.firestore.host.split(':')[1]) });
  gcsProxy = await startFaultProxy({ port: Number(new URL(stack.gcs.apiEndpoint).port) });
  backend = await startTestBackend({ sourcesFromEnv: true, env: backendEnv() });
  // The emulators' first answers are slow (JVM warm-up): not a fault under test.
  await fetchPage(backend, '/logs', recent());
}, 120_000);

afterAll(async () => {
  await backend?.close();
  await Promise.allSettled([firestoreProxy?.close(), gcsProxy?.close()]);
  await stack?.stop();
});

afterEach(() => {
  firestoreProxy.resume();
  stack.kube.clearFaults();
});

/** The last two hours of the generated data, every source, in one page. */
const recent = (): Params => ({ from: iso(nowMs - 2 * HOUR), to: iso(nowMs + 60_000), limit: 5_000 });

/** A page that must answer 200 within the source budget and the slack; also its duration. */
async function timedPage(route: string, params: Params): Promise<{ page: Page; tookMs: number }> {
  const started = performance.now();
  const page = await fetchPage(backend, route, params);
  const tookMs = performance.now() - started;
  console.info(
    `[faults] ${route} ${Math.round(tookMs)} ms, partial ${page.partial}: ${JSON.stringify(page.warnings)}`,
  );
  expect(tookMs, `${route} answered after ${Math.round(tookMs)} ms`).toBeLessThan(
    SOURCE_TIMEOUT_MS + SLACK_MS,
  );
  return { page, tookMs };
}

const without = (entries: LogEntry[], source: string): LogEntry[] =>
  entries.filter((e) => e.source !== source);

/** What `/readyz` says of a source; it must answer within its check budget however the source fails. */
async function readiness(source: string): Promise<{ up: boolean; detail: string }> {
  const started = performance.now();
  const { status, body } = await backend.json<{ sources: Record<string, { up: boolean; detail: string }> }>(
    '/readyz',
  );
  expect(status).toBe(200);
  expect(performance.now() - started).toBeLessThan(READINESS_CHECK_MS + SLACK_MS);
  return body.sources[source] as { up: boolean; detail: string };
}

/** `/healthz` answers at once while a source hangs: nothing waits on a source there. */
async function expectLive(): Promise<void> {
  const started = performance.now();
  const response = await backend.get('/healthz');
  expect(response.status).toBe(200);
  await response.arrayBuffer();
  expect(performance.now() - started).toBeLessThan(1_000);
}

const missing = (source: string): string =>
  `${source} did not answer within ${SOURCE_TIMEOUT_MS} ms; its entries are missing from this page`;

describe('a source paused mid-request', () => {
  it('costs only its own entries, named in a warning, within SOURCE_TIMEOUT_MS; the next page is whole', async () => {
    const { page: whole } = await timedPage('/logs', recent());
    expect(whole.partial).toBe(false);
    expect(new Set(whole.entries.map((e) => e.source))).toEqual(new Set(['gcs', 'firestore', 'pods']));

    // The emulator receives the listing's query, then the network goes silent both ways.
    const paused = firestoreProxy.pauseAfterNextRequest();
    const pending = timedPage('/logs', recent());
    await paused;
    await expectLive();
    const { page: cut } = await pending;
    expect(cut.partial).toBe(true);
    expect(cut.warnings).toEqual([{ source: 'firestore', message: missing('firestore') }]);
    expect(cut.stats.sources.firestore?.ok).toBe(false);
    expect(essentials(cut.entries)).toEqual(essentials(without(whole.entries, 'firestore')));

    const ready = await readiness('firestore');
    expect(ready.up).toBe(false);
    expect(ready.detail).toBe(`no answer within ${READINESS_CHECK_MS} ms`);

    firestoreProxy.resume();
    const { page: again } = await timedPage('/logs', recent());
    expect(again.warnings).toEqual([]);
    expect(again.partial).toBe(false);
    expect(essentials(again.entries)).toEqual(essentials(whole.entries));
  });

  describe('behind the segment cache', () => {
    let cached: TestBackend;
    beforeAll(async () => {
      cached = await startTestBackend({ sourcesFromEnv: true, env: backendEnv(true) });
    }, 60_000);
    afterAll(() => cached?.close());

    it('a read it shares that never ends is not joined past the source budget: once the source answers, pages are whole', async () => {
      const page = async () => {
        const started = performance.now();
        const body = await fetchPage(cached, '/logs', recent());
        expect(performance.now() - started).toBeLessThan(SOURCE_TIMEOUT_MS + SLACK_MS);
        return body;
      };
      const whole = await page();
      expect(whole.partial).toBe(false);

      // Past the fresh edge's sharing age, so the next page reads the edge from Firestore itself.
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      const paused = firestoreProxy.pauseAfterNextRequest();
      const pending = page();
      await paused;
      const cut = await pending;
      expect(cut.partial).toBe(true);
      expect(cut.warnings).toEqual([{ source: 'firestore', message: missing('firestore') }]);

      // The read the pause caught may never finish; later pages read afresh instead of waiting on it.
      firestoreProxy.resume();
      await new Promise((resolve) => setTimeout(resolve, SOURCE_TIMEOUT_MS));
      const again = await page();
      expect(again.warnings).toEqual([]);
      expect(again.partial).toBe(false);
      expect(new Set(again.entries.map((e) => e.source))).toEqual(new Set(['gcs', 'firestore', 'pods']));
    }, 60_000);
  });
});

describe('a GCS object that cannot be read whole', () => {
  const day = (date: string): Params => ({
    from: `${date}T00:00:00Z`,
    to: `${date}T01:00:00Z`,
    prefix: 'faults/',
    limit: 5_000,
  });

  it('cut mid-download: a warning names the object, the other objects are served, the next read is whole', async () => {
    const cut = gcsProxy.cutResponse(/^GET \S*cut\.jsonl\S*alt=media/, 4_096);
    const { page } = await timedPage('/logs/gcs', day('2020-03-02'));
    expect(await cut).toMatch(/cut\.jsonl/);
    expect(page.partial).toBe(false);
    expect(page.warnings.map((w) => `${w.source}: ${w.message}`)).toEqual([
      expect.stringMatching(new RegExp(`^gcs: object ${OBJECTS.cut} could not be read: .+`)),
    ]);
    expect(new Set(page.entries.map((e) => e.labels.object))).toEqual(new Set([OBJECTS.beside]));
    expect(page.entries).toHaveLength(20);

    // A failed download is not cached: the next page reads the object again, whole.
    const { page: again } = await timedPage('/logs/gcs', day('2020-03-02'));
    expect(again.warnings).toEqual([]);
    expect(again.entries).toHaveLength(2_020);
  });

  it('a truncated gzip object: a warning names it, the other objects are served', async () => {
    const { page } = await timedPage('/logs/gcs', day('2020-03-03'));
    expect(page.partial).toBe(false);
    expect(page.warnings).toEqual([
      { source: 'gcs', message: `object ${OBJECTS.truncated} could not be read: unexpected end of file` },
    ]);
    expect(new Set(page.entries.map((e) => e.labels.object))).toEqual(new Set([OBJECTS.intact]));
    expect(page.entries).toHaveLength(20);
  });
});

describe('the Kubernetes API failing', () => {
  it('answering 500 to the pod listing: the pods are missing, named, the other sources intact', async () => {
    const { page: whole } = await timedPage('/logs', recent());
    stack.kube.injectFault({ kind: 'error', path: /\/pods$/ });
    const { page } = await timedPage('/logs', recent());
    expect(page.partial).toBe(true);
    expect(page.warnings).toEqual([
      {
        source: 'pods',
        message: expect.stringMatching(/^pods failed: .*500.*; its entries are missing from this page$/),
      },
    ]);
    expect(essentials(page.entries)).toEqual(essentials(without(whole.entries, 'pods')));
    expect((await readiness('pods')).up).toBe(false);
  });

  it("answering 500 to one pod's logs: a warning names each of its containers, the other pods are served", async () => {
    const { page: whole } = await timedPage('/logs/pods', recent());
    const { namespace, pod } = whole.entries[0]?.labels ?? {};
    const containers = [
      ...new Set(whole.entries.filter((e) => e.labels.pod === pod).map((e) => e.labels.container)),
    ];
    stack.kube.injectFault({ kind: 'error', path: new RegExp(`/pods/${pod}/log$`) });
    const { page } = await timedPage('/logs/pods', recent());
    expect(page.partial).toBe(false);
    expect(page.warnings.map((w) => w.message).sort()).toEqual(
      containers
        .map((c) => `pod ${namespace}/${pod} container ${c}: the API server refused the log read (HTTP 500)`)
        .sort(),
    );
    expect(essentials(page.entries)).toEqual(essentials(whole.entries.filter((e) => e.labels.pod !== pod)));
  });

  it('hanging: the pods are missing within SOURCE_TIMEOUT_MS, named; /readyz and /healthz still answer', async () => {
    const { page: whole } = await timedPage('/logs', recent());
    stack.kube.injectFault({ kind: 'hang' });
    const pending = timedPage('/logs', recent());
    await expectLive();
    const { page } = await pending;
    expect(page.partial).toBe(true);
    expect(page.warnings).toEqual([{ source: 'pods', message: missing('pods') }]);
    expect(essentials(page.entries)).toEqual(essentials(without(whole.entries, 'pods')));
    const ready = await readiness('pods');
    expect(ready.up).toBe(false);
    expect(ready.detail).toBe(`no answer within ${READINESS_CHECK_MS} ms`);
  });

  it('falling silent in the middle of a log: the pods are missing within SOURCE_TIMEOUT_MS, named', async () => {
    const { page: whole } = await timedPage('/logs', recent());
    stack.kube.injectFault({ kind: 'stall', path: /\/log$/, bytes: 300 });
    const { page } = await timedPage('/logs', recent());
    expect(page.partial).toBe(true);
    expect(page.warnings).toEqual([{ source: 'pods', message: missing('pods') }]);
    expect(essentials(page.entries)).toEqual(essentials(without(whole.entries, 'pods')));

    stack.kube.clearFaults();
    const { page: again } = await timedPage('/logs', recent());
    expect(again.partial).toBe(false);
    expect(essentials(again.entries)).toEqual(essentials(whole.entries));
  });
});
