import type { V1Pod } from '@kubernetes/client-node';
import type { Timestamp } from '../../model/index.js';
import type { Follower, FollowSink, ResumeMark } from '../../query/log-source.js';
import { Timers } from '../follow/backoff.js';
import { guard } from '../follow/guard.js';
import { ContainerFollower, type ContainerTarget, type PodClients } from './container-follower.js';
import { appOf } from './pod-labels.js';

export interface PodFollowerOptions {
  /** The clients and scope queries read with, so what is followed is what `/logs` serves. */
  scope: PodClients & { namespaces: readonly string[]; labelSelector?: string };
  sink: FollowSink;
  since: Timestamp;
  relistMs: number;
  maxBackoffMs: number;
  maxStreams: number;
  /** A followed stream silent this long is reopened: a connection can die without a sign. */
  idleRefreshMs?: number;
}

const IDLE_REFRESH_MS = 5 * 60_000;

/**
 * Follows the log of every container of every running pod in the watched namespaces.
 * Pods are re-listed periodically: new pods are followed, deleted ones let go. Re-listing
 * (rather than a watch) costs one request per namespace and interval and cannot silently
 * stall; a pod is then followed at most one interval late, and its lines since the
 * follower started are still read (`sinceTime`), so none is missed.
 */
export class PodFollower implements Follower {
  private readonly streams = new Map<string, ContainerFollower>();
  /** Where let-go streams stopped, so a pod seen again resumes instead of delivering twice. */
  private readonly retired = new Map<string, ResumeMark>();
  private readonly timers = new Timers();
  private relisting = false;
  private stopped = false;
  private capWarned = false;

  constructor(private readonly options: PodFollowerOptions) {}

  start(): void {
    const relist = (): void => guard(this.options.sink, 'list', () => this.relist());
    relist();
    this.timers.every(this.options.relistMs, relist);
  }

  stop(): void {
    this.stopped = true;
    this.timers.clear();
    for (const stream of this.streams.values()) stream.stop();
    this.streams.clear();
  }

  /** Streams followed now (for tests and logs). */
  get followed(): string[] {
    return [...this.streams.keys()];
  }

  private async relist(): Promise<void> {
    if (this.relisting || this.stopped) return;
    this.relisting = true;
    try {
      const { namespaces } = this.options.scope;
      await Promise.all(namespaces.map((namespace) => this.relistNamespace(namespace)));
      this.refreshIdle();
    } finally {
      this.relisting = false;
    }
  }

  private async relistNamespace(namespace: string): Promise<void> {
    const { core, labelSelector, countCall } = this.options.scope;
    const { sink } = this.options;
    let pods: V1Pod[];
    try {
      countCall?.('list');
      pods = (await core.listNamespacedPod({ namespace, labelSelector })).items;
      sink.connected(`list:${namespace}`);
    } catch (error) {
      sink.failed('list', error, `list:${namespace}`);
      return;
    }
    if (this.stopped) return;
    const targets = pods
      .filter((pod) => pod.status?.phase === 'Running')
      .flatMap((pod) => targetsOf(namespace, pod));
    const wanted = new Set(targets.map(keyOf));
    for (const [key, stream] of this.streams) {
      if (stream.target.namespace === namespace && !wanted.has(key)) this.letGo(key, stream);
    }
    for (const key of this.retired.keys())
      if (key.startsWith(`${namespace}/`) && !wanted.has(key)) this.retired.delete(key);
    for (const target of targets) this.follow(target);
  }

  private follow(target: ContainerTarget): void {
    const key = keyOf(target);
    if (this.streams.has(key)) return;
    if (this.streams.size >= this.options.maxStreams) {
      if (!this.capWarned)
        this.options.sink.warn(
          'collector follows no more container logs: COLLECTOR_MAX_POD_STREAMS reached',
          { maxStreams: this.options.maxStreams },
        );
      this.capWarned = true;
      return;
    }
    const stream = new ContainerFollower(target, {
      clients: this.options.scope,
      sink: this.options.sink,
      mark: this.retired.get(key) ?? { time: this.options.since, count: 0 },
      maxBackoffMs: this.options.maxBackoffMs,
      onGone: () => this.retire(key, stream),
    });
    this.retired.delete(key);
    this.streams.set(key, stream);
    stream.start();
  }

  private letGo(key: string, stream: ContainerFollower): void {
    stream.stop();
    this.options.sink.gone(stream.key);
    this.retire(key, stream);
  }

  private retire(key: string, stream: ContainerFollower): void {
    if (this.streams.get(key) !== stream) return;
    this.streams.delete(key);
    this.retired.set(key, stream.resumeMark);
  }

  private refreshIdle(): void {
    const idleMs = this.options.idleRefreshMs ?? IDLE_REFRESH_MS;
    const now = Date.now();
    for (const stream of this.streams.values()) if (now - stream.lastDataAt >= idleMs) stream.refresh();
  }
}

const keyOf = (t: ContainerTarget): string => `${t.namespace}/${t.pod}/${t.container}@${t.uid}`;

function targetsOf(namespace: string, pod: V1Pod): ContainerTarget[] {
  const name = pod.metadata?.name ?? '';
  const uid = pod.metadata?.uid ?? name;
  // The app, never the pod: pod names change with every rollout and would explode the series.
  const origin = `${namespace}/${appOf(pod) || '-'}`;
  return (pod.spec?.containers ?? []).map((c) => ({ namespace, pod: name, uid, container: c.name, origin }));
}
