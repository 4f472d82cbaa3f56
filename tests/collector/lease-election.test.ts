/**
 * The collector's leader election against the Kubernetes API double's Leases, through the real
 * `CoordinationV1Api` of @kubernetes/client-node: one leader among candidates, optimistic
 * concurrency (409 on a stale resourceVersion), hand-over on release resuming where the old
 * leader stopped, and a leader cut off from the API server that stops counting before anyone
 * else may start. Lease times are scaled to hundreds of milliseconds.
 */
import { ApiException, CoordinationV1Api, type V1Lease } from '@kubernetes/client-node';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CollectorRole } from '../../backend/src/collector/collector-role.js';
import {
  LeaseElector,
  type LeaseApi,
  type LeaseSettings,
} from '../../backend/src/collector/lease-elector.js';
import { createMetrics } from '../../backend/src/metrics/metrics.js';
import { startKubernetesDouble, type KubernetesDouble } from '../support/emulators/kubernetes.js';
import { eventually, parseMetrics, sleep, total } from '../support/metrics.js';

const NS = 'gpt-runner-logs';
const SILENT = pino({ level: 'silent' });

let kube: KubernetesDouble;
let api: CoordinationV1Api;
const electors: LeaseElector[] = [];
let leaseSeq = 0;

beforeAll(async () => {
  kube = await startKubernetesDouble({ namespaces: [NS] });
  api = kube.kubeConfig(NS).makeApiClient(CoordinationV1Api);
});

afterEach(async () => {
  await Promise.all(electors.splice(0).map((e) => e.release()));
});

afterAll(async () => {
  await kube?.stop();
});

/** What a candidate's role saw: leadership periods, with where each said counting resumes. */
interface Observed {
  identity: string;
  leading: boolean;
  starts: number[];
  stops: number;
  /** It started leading while another candidate of the same Lease still led. */
  overlapped: boolean;
}

/** Who leads each Lease now, by name, as the candidates themselves saw it. */
const leadingNow = new Map<string, Set<string>>();

const settings = (name: string, identity: string): LeaseSettings => ({
  name,
  namespace: NS,
  identity,
  durationMs: 1_500,
  renewDeadlineMs: 1_000,
  retryMs: 200,
});

function candidate(name: string, identity: string, leaseApi: LeaseApi = api) {
  const seen: Observed = { identity, leading: false, starts: [], stops: 0, overlapped: false };
  const leaders = leadingNow.get(name) ?? new Set<string>();
  leadingNow.set(name, leaders);
  const elector = new LeaseElector(
    leaseApi,
    settings(name, identity),
    {
      started: (since) => {
        seen.overlapped ||= leaders.size > 0;
        leaders.add(identity);
        seen.leading = true;
        seen.starts.push(since);
      },
      stopped: () => {
        leaders.delete(identity);
        seen.leading = false;
        seen.stops += 1;
      },
    },
    SILENT,
  );
  electors.push(elector);
  return { elector, seen };
}

const freshLease = () => `collector-${++leaseSeq}`;

/** The Lease API of an instance that can be cut off from the API server: its calls then fail, the Lease stays as it was. */
function partitionable(): { api: LeaseApi; cut(): void } {
  let cutOff = false;
  const unreachable = () => Promise.reject(new Error('connect ETIMEDOUT'));
  return {
    api: {
      readNamespacedLease: (p) => (cutOff ? unreachable() : api.readNamespacedLease(p)),
      createNamespacedLease: (p) => (cutOff ? unreachable() : api.createNamespacedLease(p)),
      replaceNamespacedLease: (p) => (cutOff ? unreachable() : api.replaceNamespacedLease(p)),
    },
    cut: () => {
      cutOff = true;
    },
  };
}

describe('the double speaks coordination.k8s.io/v1 Leases', () => {
  it('creates, reads, refuses a duplicate, and refuses a write on a stale resourceVersion with 409', async () => {
    const name = freshLease();
    const body: V1Lease = { metadata: { name }, spec: { holderIdentity: 'a', leaseDurationSeconds: 15 } };
    const created = await api.createNamespacedLease({ namespace: NS, body });
    expect(created.metadata?.resourceVersion).toMatch(/^\d+$/);
    await expect(api.createNamespacedLease({ namespace: NS, body })).rejects.toMatchObject({ code: 409 });

    const read = await api.readNamespacedLease({ name, namespace: NS });
    read.spec = { ...read.spec, holderIdentity: 'b' };
    const replaced = await api.replaceNamespacedLease({ name, namespace: NS, body: read });
    expect(replaced.spec?.holderIdentity).toBe('b');
    expect(Number(replaced.metadata?.resourceVersion)).toBeGreaterThan(
      Number(read.metadata?.resourceVersion),
    );

    // `read` still carries the old resourceVersion: the API server answers Conflict.
    read.spec = { ...read.spec, holderIdentity: 'c' };
    const stale = await api
      .replaceNamespacedLease({ name, namespace: NS, body: read })
      .catch((e: unknown) => e);
    expect(stale).toBeInstanceOf(ApiException);
    expect((stale as ApiException<string>).code).toBe(409);
    expect(String((stale as ApiException<string>).body)).toContain('the object has been modified');
    expect(kube.lease(NS, name)?.spec.holderIdentity).toBe('b');
  });

  it('answers 404 for a missing Lease and 422 for an invalid duration, as the API server does', async () => {
    await expect(api.readNamespacedLease({ name: 'absent', namespace: NS })).rejects.toMatchObject({
      code: 404,
    });
    const body: V1Lease = { metadata: { name: freshLease() }, spec: { leaseDurationSeconds: 0 } };
    await expect(api.createNamespacedLease({ namespace: NS, body })).rejects.toMatchObject({ code: 422 });
  });

  it('stores renew times as MicroTime, with six fractional digits', async () => {
    const name = freshLease();
    const { elector, seen } = candidate(name, 'pod-a');
    elector.start();
    await eventually(() => expect(kube.lease(NS, name)?.spec.renewTime).toMatch(/\.\d{6}Z$/));
    expect(seen.starts).toHaveLength(1);
  });
});

describe('leader election', () => {
  it('makes exactly one of three candidates the leader, and keeps it while it renews', async () => {
    const name = freshLease();
    const candidates = ['pod-a', 'pod-b', 'pod-c'].map((id) => candidate(name, id));
    for (const c of candidates) c.elector.start();
    await eventually(() => expect(candidates.filter((c) => c.seen.leading)).toHaveLength(1));
    const leader = candidates.find((c) => c.seen.leading);
    // Several lease periods: the same leader renews, nobody else ever starts.
    for (let i = 0; i < 20; i++) {
      await sleep(200);
      expect(candidates.filter((c) => c.seen.leading).map((c) => c.seen.identity)).toEqual([
        leader?.seen.identity,
      ]);
    }
    expect(candidates.reduce((n, c) => n + c.seen.starts.length, 0)).toBe(1);
    expect(kube.lease(NS, name)?.spec.holderIdentity).toBe(leader?.seen.identity);
  });

  it('hands over at once on release, resuming at the instant the old leader stopped', async () => {
    const name = freshLease();
    const a = candidate(name, 'pod-a');
    a.elector.start();
    await eventually(() => expect(a.seen.leading).toBe(true));
    const b = candidate(name, 'pod-b');
    b.elector.start();
    await sleep(500);
    expect(b.seen.leading).toBe(false);

    const releasedAt = Date.now();
    await a.elector.release();
    expect(a.seen.leading).toBe(false);
    expect(kube.lease(NS, name)?.spec.holderIdentity).toBe('');
    // Within a retry period, well inside the 1.5 s lease duration.
    await eventually(() => expect(b.seen.leading).toBe(true), 1_000, 20);
    const tookOverAfter = Date.now() - releasedAt;
    expect(tookOverAfter).toBeLessThan(1_000);
    const [since] = b.seen.starts;
    expect(since).toBeGreaterThanOrEqual(releasedAt - 5);
    expect(since).toBeLessThan(Date.now());
    expect(kube.lease(NS, name)?.spec).toMatchObject({ holderIdentity: 'pod-b', leaseTransitions: 1 });
  });

  it('replaces a leader that stopped renewing only after its lease expired, and it stops counting first', async () => {
    const name = freshLease();
    const partition = partitionable();
    const a = candidate(name, 'pod-a', partition.api);
    a.elector.start();
    await eventually(() => expect(a.seen.leading).toBe(true));
    const b = candidate(name, 'pod-b');
    b.elector.start();
    await sleep(300);

    partition.cut();
    const cutAt = Date.now();
    let aStoppedAt: number | undefined;
    while (!b.seen.leading && Date.now() - cutAt < 5_000) {
      if (!a.seen.leading) aStoppedAt ??= Date.now();
      await sleep(20);
    }
    const bStartedAt = Date.now();
    expect(b.seen.overlapped, 'two leaders at once').toBe(false);
    expect(a.seen.stops).toBe(1);
    expect(aStoppedAt).toBeDefined();
    expect(aStoppedAt as number).toBeLessThan(bStartedAt);
    // B waits the lease duration after it last saw the Lease change; a took over as soon as that passed.
    expect(bStartedAt - cutAt).toBeGreaterThan(1_000);
    expect(bStartedAt - cutAt).toBeLessThan(3_000);
    // Taking over an expired Lease resumes now: what the old leader may still have counted is not counted again.
    expect(b.seen.starts[0]).toBeGreaterThanOrEqual(cutAt + 1_000);
    expect(kube.lease(NS, name)).toMatchObject({ spec: { holderIdentity: 'pod-b', leaseTransitions: 1 } });
  });
});

/** The duties the role starts and stops, recorded: the role decides whether they run. */
function recordedDuties() {
  const duties = {
    starts: [] as (number | undefined)[],
    stops: 0,
    running: false,
    start(sinceMs?: number) {
      duties.starts.push(sinceMs);
      duties.running = true;
    },
    stop() {
      duties.stops += 1;
      duties.running = false;
    },
  };
  return duties;
}

describe('the collector role', () => {
  it('exports counts only while it leads: a leader that loses the Lease drops its series and says so', async () => {
    const metrics = createMetrics();
    const collector = recordedDuties();
    const partition = partitionable();
    let elector: LeaseElector | undefined;
    const role = new CollectorRole(collector, metrics, SILENT, (leadership) => {
      elector = new LeaseElector(partition.api, settings(freshLease(), 'pod-a'), leadership, SILENT);
      electors.push(elector);
      return elector;
    });
    const exported = async () => parseMetrics(await metrics.registry.metrics());

    role.start();
    expect(total(await exported(), 'log_aggregator_collector_leader')).toBe(0);
    await eventually(async () => expect(total(await exported(), 'log_aggregator_collector_leader')).toBe(1));
    expect(collector.running).toBe(true);
    expect(collector.starts).toHaveLength(1);
    // What the followers count while it leads.
    metrics.logEntries.inc({ source: 'pods', severity: 'ERROR', origin: 'gpt-runner/trader' }, 3);
    metrics.sourceLastEntry.set({ source: 'pods' }, Date.now() / 1000);
    // …and what the scheduled reconciliation, which runs with it, found.
    metrics.observeReconcile({ only_in_gcs: 0, only_in_firestore: 2, field_differs: 0 });
    expect(total(await exported(), 'log_aggregator_log_entries_total')).toBe(3);
    expect(total(await exported(), 'log_aggregator_reconcile_mismatches')).toBe(2);

    partition.cut();
    await eventually(
      async () => expect(total(await exported(), 'log_aggregator_collector_leader')).toBe(0),
      3_000,
    );
    const after = await exported();
    expect(after.filter((s) => s.name === 'log_aggregator_log_entries_total')).toEqual([]);
    expect(after.filter((s) => s.name === 'log_aggregator_source_last_entry_timestamp_seconds')).toEqual([]);
    // A stale mismatch count on a former leader would keep the archive alert (a max) firing.
    expect(after.filter((s) => s.name === 'log_aggregator_reconcile_mismatches')).toEqual([]);
    expect(total(after, 'log_aggregator_reconcile_last_run_timestamp_seconds')).toBe(0);
    expect(collector.running).toBe(false);
    await role.stop();
  });

  it('counts at once, and alone, without a Lease', async () => {
    const metrics = createMetrics();
    const collector = recordedDuties();
    const role = new CollectorRole(collector, metrics, SILENT);
    role.start();
    expect(total(parseMetrics(await metrics.registry.metrics()), 'log_aggregator_collector_leader')).toBe(1);
    expect(collector.running).toBe(true);
    await role.stop();
    expect(collector.running).toBe(false);
  });
});
