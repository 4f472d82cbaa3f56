import { ApiException, type CoreV1Api, type Log, type V1Pod } from '@kubernetes/client-node';
import pLimit from 'p-limit';
import { Writable } from 'node:stream';
import {
  comparatorFor,
  describeError,
  formatEpochMs,
  mergeSorted,
  timestampMs,
  type LogEntry,
} from '../../model/index.js';
import type {
  BackendCallObserver,
  Follower,
  FollowOptions,
  FollowSink,
  LastingGap,
  LogSource,
  MetaField,
  MetaScope,
  SourceHealth,
  SourceRequest,
  SourceResult,
  SourceStats,
  StreamScope,
} from '../../query/log-source.js';
import { podContextScope } from './context-scope.js';
import { PodFollower } from './pod-follower.js';
import { appOf } from './pod-labels.js';
import { parsePodLog, sinceTimeOf, type PodLogOrigin } from './line-parser.js';
import { CallCounter } from '../calls/call-counter.js';

export interface PodSourceOptions {
  core: CoreV1Api;
  log: Log;
  /** The namespaces this server may read (its Role grants exactly these). */
  namespaces: string[];
  /** Always applied, e.g. `app.kubernetes.io/part-of=gpt-runner`. */
  labelSelector?: string;
  /** Lines read per container at most (`tailLines`): the newest ones. */
  tailLines: number;
  maxBytesPerStream: number;
  concurrency: number;
}

interface PodStats extends SourceStats {
  podsListed: number;
  streamsRead: number;
  streamsSkipped: number;
  bytesRead: number;
}

/** One container's log: current, or the last terminated instance's (`previous`). */
interface Stream {
  pod: V1Pod;
  namespace: string;
  podName: string;
  container: string;
  previous: boolean;
}

const joinSelectors = (...parts: (string | undefined)[]): string | undefined =>
  parts.filter((p): p is string => Boolean(p && p.trim())).join(',') || undefined;

/**
 * Container logs of the pods in the watched namespaces, read through the API server as
 * `kubectl logs` does: timestamps on, `sinceTime` from the window, a `tailLines` bound.
 * A pod that vanished or a container that cannot be read is a warning, not a failure.
 */
export class PodSource implements LogSource {
  readonly name = 'pods' as const;

  private readonly calls = new CallCounter(this.name);

  constructor(private readonly options: PodSourceOptions) {}

  observeCalls(observer: BackendCallObserver): void {
    this.calls.observe(observer);
  }

  async query(request: SourceRequest): Promise<SourceResult> {
    const stats: PodStats = { scanned: 0, podsListed: 0, streamsRead: 0, streamsSkipped: 0, bytesRead: 0 };
    const warnings: string[] = [];
    const lasting: LastingGap[] = [];
    const pods = await this.selectPods(request, warnings);
    stats.podsListed = pods.length;
    const streams = pods.flatMap(({ namespace, pod }) => this.streamsOf(namespace, pod, request, warnings));
    const open = streams.filter((s) => mayHoldWindow(s, request));
    stats.streamsSkipped = streams.length - open.length;
    const limit = pLimit(this.options.concurrency);
    const lists = await Promise.all(
      open.map((s) => limit(() => this.readStream(s, request, stats, { warnings, lasting }))),
    );
    const entries = mergeSorted(lists, comparatorFor(request.query.direction), request.limit);
    return { entries, stats, warnings, lasting };
  }

  private namespacesFor(wanted: string | undefined, warnings: string[]): string[] {
    if (!wanted) return this.options.namespaces;
    if (this.options.namespaces.includes(wanted)) return [wanted];
    warnings.push(`namespace ${wanted} is not watched here (${this.options.namespaces.join(', ')})`);
    return [];
  }

  private async selectPods(
    request: SourceRequest,
    warnings: string[],
  ): Promise<{ namespace: string; pod: V1Pod }[]> {
    const selector = request.query.selectors.pods;
    const namespaces = this.namespacesFor(selector?.namespace, warnings);
    const labelSelector = joinSelectors(this.options.labelSelector, selector?.labelSelector);
    const lists = await Promise.all(
      namespaces.map(async (namespace) => {
        this.calls.count('list');
        const list = await this.options.core.listNamespacedPod({ namespace, labelSelector });
        return list.items.map((pod) => ({ namespace, pod }));
      }),
    );
    const pods = lists.flat();
    const named = selector?.pods;
    if (!named?.length) return pods;
    const found = pods.filter(({ pod }) => named.includes(pod.metadata?.name ?? ''));
    const missing = named.filter((name) => !found.some(({ pod }) => pod.metadata?.name === name));
    if (missing.length > 0) warnings.push(`pod ${missing.join(', ')} not found in ${namespaces.join(', ')}`);
    return found;
  }

  private streamsOf(namespace: string, pod: V1Pod, request: SourceRequest, warnings: string[]): Stream[] {
    const podName = pod.metadata?.name ?? '';
    const declared = (pod.spec?.containers ?? []).map((c) => c.name);
    const wanted = request.query.selectors.pods?.container;
    const previous = request.query.selectors.pods?.previous ?? false;
    if (wanted && !declared.includes(wanted)) {
      warnings.push(`pod ${podName} has no container ${wanted}; its containers are ${declared.join(', ')}`);
      return [];
    }
    const containers = wanted ? [wanted] : declared;
    return containers.flatMap((container) => {
      if (previous && !hasTerminatedInstance(pod, container)) {
        if (wanted)
          warnings.push(`pod ${podName} container ${container} has no previous terminated instance`);
        return [];
      }
      return [{ pod, namespace, podName, container, previous }];
    });
  }

  private async readStream(
    stream: Stream,
    request: SourceRequest,
    stats: PodStats,
    { warnings, lasting }: { warnings: string[]; lasting: LastingGap[] },
  ): Promise<LogEntry[]> {
    try {
      const body = await this.fetchLog(stream, request);
      stats.streamsRead += 1;
      stats.bytesRead += Buffer.byteLength(body);
      const entries = parsePodLog(untilWindowEnd(body, request.query.to), originOf(stream));
      stats.scanned += entries.length;
      const oldest = entries[0]?.timestamp;
      if (lineCount(body) >= this.options.tailLines && oldest && oldest > request.query.from) {
        const warning = `${stream.podName}/${stream.container}: only its last ${this.options.tailLines} lines were read; older lines in the range are missing`;
        warnings.push(warning);
        // The log only grows: a later read's last lines start later still, never earlier.
        lasting.push({ warning, until: oldest });
      }
      return entries.filter(request.matches).sort(comparatorFor(request.query.direction));
    } catch (error) {
      if (request.signal.aborted) throw error;
      warnings.push(describeStreamError(stream, error));
      return [];
    }
  }

  private async fetchLog(stream: Stream, request: SourceRequest): Promise<string> {
    const { query, after } = request;
    const since =
      query.direction === 'forward' && after && after.timestamp > query.from ? after.timestamp : query.from;
    const chunks: Buffer[] = [];
    let done: () => void = () => undefined;
    const finished = new Promise<void>((resolve) => {
      done = resolve;
    });
    const sink = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        chunks.push(chunk);
        callback();
      },
      final(callback) {
        done();
        callback();
      },
    });
    this.calls.count('read');
    const controller = await this.options.log.log(stream.namespace, stream.podName, stream.container, sink, {
      timestamps: true,
      sinceTime: sinceTimeOf(since),
      tailLines: this.options.tailLines,
      limitBytes: this.options.maxBytesPerStream,
      previous: stream.previous,
    });
    // An abort closes the socket but never ends the sink, so the wait must end here too.
    const onAbort = (): void => {
      controller.abort();
      done();
    };
    request.signal.addEventListener('abort', onAbort, { once: true });
    try {
      await finished;
    } finally {
      request.signal.removeEventListener('abort', onAbort);
    }
    if (request.signal.aborted) throw new Error('aborted');
    return Buffer.concat(chunks).toString('utf8');
  }

  async listValues(field: MetaField, scope: MetaScope): Promise<string[] | undefined> {
    if (field === 'namespaces') return [...this.options.namespaces].sort();
    if (field !== 'pods' && field !== 'containers') return undefined;
    const namespaces = scope.namespace
      ? [scope.namespace].filter((n) => this.options.namespaces.includes(n))
      : this.options.namespaces;
    const lists = await Promise.all(
      namespaces.map((namespace) => {
        this.calls.count('list');
        return this.options.core.listNamespacedPod({ namespace, labelSelector: this.options.labelSelector });
      }),
    );
    const pods = lists
      .flatMap((list) => list.items)
      .filter((pod) => !scope.pod || pod.metadata?.name === scope.pod);
    const values =
      field === 'pods'
        ? pods.map((pod) => pod.metadata?.name ?? '')
        : pods.flatMap((pod) => (pod.spec?.containers ?? []).map((c) => c.name));
    return [...new Set(values.filter(Boolean))].sort();
  }

  contextScope(id: string): StreamScope | undefined {
    return podContextScope(id);
  }

  /** Every container of every running pod, re-listed every `pollMs`, with the clients queries use. */
  follow(sink: FollowSink, options: FollowOptions): Follower {
    return new PodFollower({
      scope: { ...this.options, countCall: this.calls.count },
      sink,
      since: formatEpochMs(options.sinceMs),
      relistMs: options.pollMs,
      maxBackoffMs: options.maxBackoffMs,
      maxStreams: options.maxStreams,
    });
  }

  async health(): Promise<SourceHealth> {
    const namespace = this.options.namespaces[0] ?? 'default';
    this.calls.count('list');
    const list = await this.options.core.listNamespacedPod({ namespace, limit: 1 });
    return {
      up: true,
      detail: `pods in ${namespace} listable (${list.items.length > 0 ? 'some running' : 'none'})`,
    };
  }
}

function hasTerminatedInstance(pod: V1Pod, container: string): boolean {
  const status = pod.status?.containerStatuses?.find((s) => s.name === container);
  return Boolean(status?.lastState?.terminated) || (status?.restartCount ?? 0) > 0;
}

/**
 * Skips a stream that cannot hold a line in the window: a container started after the
 * window ends, or a terminated instance that finished before it began.
 */
function mayHoldWindow(stream: Stream, { query }: SourceRequest): boolean {
  const status = stream.pod.status?.containerStatuses?.find((s) => s.name === stream.container);
  const toMs = timestampMs(query.to);
  const fromMs = timestampMs(query.from);
  if (stream.previous) {
    const finished = status?.lastState?.terminated?.finishedAt;
    return !finished || new Date(finished).getTime() >= fromMs - 1000;
  }
  const started = status?.state?.running?.startedAt;
  return !started || new Date(started).getTime() <= toMs;
}

function originOf(stream: Stream): PodLogOrigin {
  const app = appOf(stream.pod);
  return {
    namespace: stream.namespace,
    pod: stream.podName,
    container: stream.container,
    previous: stream.previous,
    labels: {
      namespace: stream.namespace,
      pod: stream.podName,
      container: stream.container,
      ...(stream.pod.spec?.nodeName ? { node: stream.pod.spec.nodeName } : {}),
      ...(app !== undefined ? { app } : {}),
      ...(stream.previous ? { previous: 'true' } : {}),
    },
  };
}

const LEADING_DATE = /^\d{4}-\d{2}-\d{2}T/;

/**
 * The log up to the window's end. The API has no "until": a read returns everything since
 * `sinceTime`, so a window days ago would parse days of lines only to drop them. Lines come
 * in time order; from the first one stamped in a later second than `to`, nothing can match.
 */
function untilWindowEnd(body: string, to: string): string {
  const lastSecond = to.slice(0, 19);
  for (let at = 0; at < body.length;) {
    const stamp = body.slice(at, at + 19);
    if (stamp > lastSecond && LEADING_DATE.test(stamp)) return body.slice(0, at);
    const next = body.indexOf('\n', at);
    if (next === -1) break;
    at = next + 1;
  }
  return body;
}

function lineCount(body: string): number {
  let count = 0;
  for (let i = body.indexOf('\n'); i !== -1; i = body.indexOf('\n', i + 1)) count += 1;
  return body.length > 0 && !body.endsWith('\n') ? count + 1 : count;
}

function describeStreamError(stream: Stream, error: unknown): string {
  const where = `pod ${stream.namespace}/${stream.podName} container ${stream.container}${stream.previous ? ' (previous)' : ''}`;
  if (error instanceof ApiException) {
    if (error.code === 404) return `${where}: the pod is gone (it was deleted after it was listed)`;
    // The client drops the Status body of a 400, so its cause is spelled out here: a container
    // that restarted but whose terminated instance (and its log) the kubelet already removed.
    if (error.code === 400 && stream.previous) {
      return `${where}: the API server holds no log of a previous instance (HTTP 400); the terminated container was already removed`;
    }
    return `${where}: the API server refused the log read (HTTP ${error.code})`;
  }
  return `${where}: ${describeError(error)}`;
}
