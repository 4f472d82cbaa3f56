/**
 * The Kubernetes API server double, driven through the real @kubernetes/client-node 1.4
 * (CoreV1Api, Log and Watch).
 */
import { PassThrough } from 'node:stream';
import { CoreV1Api, Log, Watch, type V1Pod } from '@kubernetes/client-node';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startKubernetesDouble, type KubernetesDouble } from '../support/emulators/kubernetes.js';
import { parseLabelSelector, matchesLabels } from '../support/emulators/kubernetes-selectors.js';

const NOW = new Date('2026-11-29T07:05:00Z');
const T = (seconds: number, fraction = '000000000'): string =>
  `2026-11-29T07:01:${String(seconds).padStart(2, '0')}.${fraction}Z`;

let double: KubernetesDouble;
let core: CoreV1Api;
let log: Log;

beforeAll(async () => {
  double = await startKubernetesDouble({ now: () => NOW });
  core = double.kubeConfig().makeApiClient(CoreV1Api);
  log = new Log(double.kubeConfig());
});

afterAll(async () => {
  await double?.stop();
});

let podCounter = 0;

/** A fresh namespace per test keeps tests independent on one shared server. */
function freshNamespace(): string {
  podCounter += 1;
  return `ns-${podCounter}`;
}

function seedWeb(namespace: string): void {
  double.addPod({
    namespace,
    name: 'web-1',
    labels: { app: 'web', tier: 'frontend', env: 'prod' },
    nodeName: 'node-a',
    phase: 'Running',
    containers: [
      {
        name: 'app',
        lines: [
          { time: T(10, '100000000'), text: 'starting' },
          { time: T(13, '123456789'), text: 'listening on :8080' },
          { time: T(14), text: 'GET /healthz 200' },
          { time: T(15), text: 'GET /api 500' },
        ],
        previousLines: [{ time: T(1), text: 'panic: boom' }],
        restartCount: 1,
      },
    ],
  });
  double.addPod({
    namespace,
    name: 'web-2',
    labels: { app: 'web', tier: 'backend' },
    nodeName: 'node-b',
    containers: [
      { name: 'app', lines: [{ time: T(20), text: 'hello' }] },
      { name: 'sidecar', lines: [{ time: T(21), text: 'proxy up' }] },
    ],
  });
  double.addPod({
    namespace,
    name: 'db-1',
    labels: { app: 'db', env: 'staging' },
    nodeName: 'node-a',
    containers: [{ name: 'postgres', lines: [] }],
  });
}

function errorOf(promise: Promise<unknown>): Promise<{ code: number; status: Record<string, unknown> }> {
  return promise.then(
    () => {
      throw new Error('expected the call to fail');
    },
    (error: { code: number; body?: unknown }) => ({
      code: error.code,
      status: typeof error.body === 'string' ? JSON.parse(error.body) : {},
    }),
  );
}

const names = (pods: V1Pod[]): string[] => pods.map((p) => p.metadata?.name ?? '');

describe('namespaces and pods', () => {
  let namespace: string;

  beforeEach(() => {
    namespace = freshNamespace();
    seedWeb(namespace);
  });

  it('lists namespaces, including the standard ones', async () => {
    const list = await core.listNamespace();
    const listed = list.items.map((n) => n.metadata?.name);
    expect(listed).toEqual(expect.arrayContaining(['default', 'kube-system', namespace]));
    const one = await core.listNamespace({ labelSelector: `kubernetes.io/metadata.name=${namespace}` });
    expect(one.items.map((n) => n.metadata?.name)).toEqual([namespace]);
  });

  it('selects pods by label, with equality and set-based requirements', async () => {
    const select = async (labelSelector: string) =>
      names((await core.listNamespacedPod({ namespace, labelSelector })).items);
    expect(await select('app=web')).toEqual(['web-1', 'web-2']);
    expect(await select('app==web,tier!=frontend')).toEqual(['web-2']);
    expect(await select('app in (web, db),env')).toEqual(['db-1', 'web-1']);
    expect(await select('env notin (prod)')).toEqual(['db-1', 'web-2']);
    expect(await select('!env')).toEqual(['web-2']);
    expect(double.requests.at(-1)).toEqual({
      method: 'GET',
      path: `/api/v1/namespaces/${namespace}/pods`,
      query: { labelSelector: '!env' },
    });
  });

  it('filters by field selector and pages with limit/continue', async () => {
    const onNodeA = await core.listNamespacedPod({ namespace, fieldSelector: 'spec.nodeName=node-a' });
    expect(names(onNodeA.items)).toEqual(['db-1', 'web-1']);
    const first = await core.listNamespacedPod({ namespace, limit: 2 });
    expect(names(first.items)).toEqual(['db-1', 'web-1']);
    expect(first.metadata?.remainingItemCount).toBe(1);
    const rest = await core.listNamespacedPod({ namespace, limit: 2, _continue: first.metadata?._continue });
    expect(names(rest.items)).toEqual(['web-2']);
    expect(rest.metadata?._continue).toBeUndefined();
  });

  it('rejects a malformed selector and an unknown field with 400', async () => {
    const bad = await errorOf(core.listNamespacedPod({ namespace, labelSelector: 'app in web' }));
    expect(bad.code).toBe(400);
    expect(bad.status).toMatchObject({ kind: 'Status', reason: 'BadRequest' });
    const field = await errorOf(core.listNamespacedPod({ namespace, fieldSelector: 'spec.color=red' }));
    expect(field.status.message).toBe('field label not supported: spec.color');
  });

  it('lists an unknown namespace as empty, but 404s reading it', async () => {
    expect((await core.listNamespacedPod({ namespace: 'nowhere' })).items).toEqual([]);
    const missing = await errorOf(core.readNamespace({ name: 'nowhere' }));
    expect(missing.code).toBe(404);
    expect(missing.status.message).toBe('namespaces "nowhere" not found');
  });

  it('reads a pod with its containers and status', async () => {
    const pod = await core.readNamespacedPod({ namespace, name: 'web-1' });
    expect(pod.spec?.containers.map((c) => c.name)).toEqual(['app']);
    expect(pod.spec?.nodeName).toBe('node-a');
    expect(pod.status?.phase).toBe('Running');
    expect(pod.status?.containerStatuses?.[0]?.restartCount).toBe(1);
    expect(pod.metadata?.creationTimestamp).toBeInstanceOf(Date);
  });

  it('answers 404 with a Status for a missing pod', async () => {
    const missing = await errorOf(core.readNamespacedPod({ namespace, name: 'ghost' }));
    expect(missing).toEqual({
      code: 404,
      status: {
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        message: 'pods "ghost" not found',
        reason: 'NotFound',
        details: { name: 'ghost', kind: 'pods' },
        code: 404,
      },
    });
  });
});

describe('pod logs', () => {
  let namespace: string;

  beforeEach(() => {
    namespace = freshNamespace();
    seedWeb(namespace);
  });

  it('returns the whole log as text, or the last tailLines', async () => {
    const whole = await core.readNamespacedPodLog({ namespace, name: 'web-1' });
    expect(whole).toBe('starting\nlistening on :8080\nGET /healthz 200\nGET /api 500\n');
    const tail = await core.readNamespacedPodLog({ namespace, name: 'web-1', tailLines: 2 });
    expect(tail).toBe('GET /healthz 200\nGET /api 500\n');
    expect(double.requests.at(-1)?.query).toEqual({ tailLines: '2' });
  });

  it('prefixes RFC3339Nano timestamps like the kubelet', async () => {
    const text = await core.readNamespacedPodLog({
      namespace,
      name: 'web-1',
      timestamps: true,
      tailLines: 3,
    });
    expect(text).toBe(
      '2026-11-29T07:01:13.123456789Z listening on :8080\n' +
        '2026-11-29T07:01:14.000000000Z GET /healthz 200\n' +
        '2026-11-29T07:01:15.000000000Z GET /api 500\n',
    );
  });

  it('applies sinceSeconds against the server clock, and limitBytes', async () => {
    // NOW is 07:05:00, so 227 s back is 07:01:13 (inclusive).
    const recent = await core.readNamespacedPodLog({ namespace, name: 'web-1', sinceSeconds: 227 });
    expect(recent).toBe('listening on :8080\nGET /healthz 200\nGET /api 500\n');
    const cut = await core.readNamespacedPodLog({ namespace, name: 'web-1', limitBytes: 12 });
    expect(cut).toBe('starting\nlis');
  });

  it('applies sinceTime inclusively, truncated to whole seconds (Log class)', async () => {
    // CoreV1Api.readNamespacedPodLog in client-node 1.4 has no sinceTime; Log has.
    const exact = await readAll(namespace, 'web-1', 'app', { sinceTime: T(14) });
    expect(exact).toBe('GET /healthz 200\nGET /api 500\n');
    // The API server forwards sinceTime without fractions: 13.5 s selects from 13.0 s.
    const fractional = await readAll(namespace, 'web-1', 'app', { sinceTime: T(13, '500000000') });
    expect(fractional).toBe('listening on :8080\nGET /healthz 200\nGET /api 500\n');
    expect(double.requests.at(-1)?.query).toMatchObject({
      container: 'app',
      follow: 'false',
      sinceTime: T(13, '500000000'),
      timestamps: 'false',
    });
  });

  it('returns the previous container log, or 400 when there is none', async () => {
    const previous = await core.readNamespacedPodLog({ namespace, name: 'web-1', previous: true });
    expect(previous).toBe('panic: boom\n');
    const none = await errorOf(core.readNamespacedPodLog({ namespace, name: 'db-1', previous: true }));
    expect(none.code).toBe(400);
    expect(none.status.message).toBe('previous terminated container "postgres" in pod "db-1" not found');
  });

  it('requires a container name for multi-container pods', async () => {
    const unnamed = await errorOf(core.readNamespacedPodLog({ namespace, name: 'web-2' }));
    expect(unnamed.code).toBe(400);
    expect(unnamed.status).toMatchObject({
      reason: 'BadRequest',
      message: 'a container name must be specified for pod web-2, choose one of: [app sidecar]',
    });
    const named = await core.readNamespacedPodLog({ namespace, name: 'web-2', container: 'sidecar' });
    expect(named).toBe('proxy up\n');
    const wrong = await errorOf(core.readNamespacedPodLog({ namespace, name: 'web-2', container: 'x' }));
    expect(wrong.status.message).toBe('container x is not valid for pod web-2');
  });

  it('answers 404 for the log of a missing pod', async () => {
    const missing = await errorOf(core.readNamespacedPodLog({ namespace, name: 'ghost' }));
    expect(missing.code).toBe(404);
    expect(missing.status.message).toBe('pods "ghost" not found');
    // The Log class reports the code but drops the Status body for non-500 answers.
    const viaLog = await log.log(namespace, 'ghost', 'app', new PassThrough()).catch((e: unknown) => e);
    expect(viaLog).toMatchObject({ code: 404 });
  });
});

describe('following logs', () => {
  it('streams existing and appended lines and stops on abort', async () => {
    const namespace = freshNamespace();
    seedWeb(namespace);
    const sink = new PassThrough();
    const received = collect(sink);
    const controller = await log.log(namespace, 'web-1', 'app', sink, {
      follow: true,
      tailLines: 1,
      timestamps: true,
    });
    await until(() => received.text().includes('GET /api 500'));

    double.appendLog(namespace, 'web-1', 'app', [{ time: T(30, '000000001'), text: 'late line' }]);
    await until(() => received.text().includes('late line'));
    expect(received.text()).toBe(
      '2026-11-29T07:01:15.000000000Z GET /api 500\n2026-11-29T07:01:30.000000001Z late line\n',
    );
    expect(double.requests.at(-1)?.query).toMatchObject({
      follow: 'true',
      pretty: 'true',
      previous: 'false',
    });
    expect(double.openStreams().logs).toBe(1);

    controller.abort();
    await until(() => double.openStreams().logs === 0);
    // Aborting closes the socket but leaves the Writable open; the caller ends it.
    expect(sink.writableEnded).toBe(false);
    sink.end();
  });

  it('ends the stream when the pod is deleted', async () => {
    const namespace = freshNamespace();
    seedWeb(namespace);
    const sink = new PassThrough();
    const received = collect(sink);
    await log.log(namespace, 'web-1', 'app', sink, { follow: true, tailLines: 1 });
    await until(() => received.text() === 'GET /api 500\n');
    double.deletePod(namespace, 'web-1');
    await until(() => received.ended());
    expect(double.openStreams().logs).toBe(0);
  });
});

describe('watching pods', () => {
  it('sends ADDED, MODIFIED and DELETED events for the selected pods', async () => {
    const namespace = freshNamespace();
    seedWeb(namespace);
    const events: string[] = [];
    const watch = new Watch(double.kubeConfig());
    let doneWith: unknown = 'open';
    const controller = await watch.watch(
      `/api/v1/namespaces/${namespace}/pods`,
      { labelSelector: 'app=web' },
      (type: string, pod: V1Pod) => events.push(`${type} ${pod.metadata?.name}`),
      (error: unknown) => (doneWith = error),
    );
    await until(() => events.length === 2);
    expect(events).toEqual(['ADDED web-1', 'ADDED web-2']);

    double.addPod({ namespace, name: 'web-3', labels: { app: 'web' }, containers: [{ name: 'app' }] });
    double.addPod({ namespace, name: 'db-2', labels: { app: 'db' }, containers: [{ name: 'pg' }] });
    double.updatePod(namespace, 'web-3', { phase: 'Succeeded' });
    double.updatePod(namespace, 'web-2', { labels: { app: 'api' } }); // leaves the selector
    double.deletePod(namespace, 'web-1');
    await until(() => events.length === 6);
    expect(events.slice(2)).toEqual(['ADDED web-3', 'MODIFIED web-3', 'DELETED web-2', 'DELETED web-1']);
    expect(double.requests.at(-1)?.query).toEqual({ watch: 'true', labelSelector: 'app=web' });

    controller.abort();
    await until(() => double.openStreams().watches === 0);
    expect(doneWith).not.toBe('open');
  });
});

describe('label selector semantics', () => {
  it('matches like Kubernetes, including absent labels for != and notin', () => {
    const match = (selector: string, labels: Record<string, string>) =>
      matchesLabels(parseLabelSelector(selector), labels);
    expect(match('', {})).toBe(true);
    expect(match('a!=1', {})).toBe(true);
    expect(match('a notin (1,2)', {})).toBe(true);
    expect(match('a in (1,2)', {})).toBe(false);
    expect(match('a=', { a: '' })).toBe(true);
    expect(match('n>5,n<10', { n: '7' })).toBe(true);
    expect(match('example.com/team=logs', { 'example.com/team': 'logs' })).toBe(true);
    expect(() => parseLabelSelector('a in (1')).toThrow(/unable to parse requirement/);
  });
});

// ---------------------------------------------------------------------------

async function readAll(
  namespace: string,
  pod: string,
  container: string,
  options: { sinceTime?: string },
): Promise<string> {
  const sink = new PassThrough();
  const received = collect(sink);
  await log.log(namespace, pod, container, sink, options);
  await until(() => received.ended());
  return received.text();
}

function collect(stream: PassThrough): { text(): string; ended(): boolean } {
  let text = '';
  let ended = false;
  stream.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
  stream.on('end', () => (ended = true));
  return { text: () => text, ended: () => ended };
}

async function until(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
