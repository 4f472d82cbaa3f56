/**
 * A Kubernetes API server double for tests (no real API server can run here). Plain
 * node:http on 127.0.0.1, speaking the wire protocol that `@kubernetes/client-node` 1.4
 * uses for pods, namespaces and pod logs, with the real semantics:
 *
 *   GET /api/v1/namespaces[/{ns}]                 list (labelSelector, fieldSelector) / read
 *   GET /api/v1[/namespaces/{ns}]/pods            list (selectors, limit/continue) or
 *                                                 watch=true (newline-delimited JSON events)
 *   GET /api/v1/namespaces/{ns}/pods/{name}       read
 *   GET /api/v1/namespaces/{ns}/pods/{name}/log   container, sinceSeconds, sinceTime,
 *                                                 tailLines, timestamps, previous,
 *                                                 limitBytes, follow (chunked, stays open)
 *   GET/POST/PUT/DELETE /apis/coordination.k8s.io/v1/namespaces/{ns}/leases[/{name}]
 *                                                 Leases, with resourceVersion conflicts (409)
 *
 * Errors are `application/json` Status objects with the API server's codes and messages.
 * Every request is recorded (path and query) so tests can check what was pushed down.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { KubeConfig } from '@kubernetes/client-node';
import {
  ByteBudget,
  LogOptionsError,
  isSince,
  parseLogQuery,
  renderLine,
  selectLines,
  toNanos,
  toStoredLines,
  type LogLineInput,
  type LogQuery,
  type StoredLine,
} from './kubernetes-logs.js';
import {
  NAMESPACE_FIELDS,
  POD_FIELDS,
  StatusError,
  listJson,
  namespaceFields,
  namespaceJson,
  notFound,
  podFields,
  podJson,
  type PodPhase,
  type StoredContainer,
  type StoredNamespace,
  type StoredPod,
} from './kubernetes-objects.js';
import {
  SelectorError,
  matchesFields,
  matchesLabels,
  parseFieldSelector,
  parseLabelSelector,
  type FieldRequirement,
  type LabelRequirement,
} from './kubernetes-selectors.js';
import { FaultTable, type ApiFault } from './kubernetes-faults.js';
import { LeaseStore, leaseRouteOf, type StoredLease } from './kubernetes-leases.js';
import { LOOPBACK } from './process.js';

export type { ApiFault } from './kubernetes-faults.js';
export type { LeaseSpec, StoredLease } from './kubernetes-leases.js';
export type { LogLineInput } from './kubernetes-logs.js';
export type { PodPhase } from './kubernetes-objects.js';

export interface ContainerInput {
  name: string;
  image?: string;
  /** The current instance's log, oldest first. */
  lines?: LogLineInput[];
  /** The last terminated instance's log (`previous=true`); omit if it never restarted. */
  previousLines?: LogLineInput[];
  restartCount?: number;
  /** When the current instance started (and the previous one, if any, ended); the pod's creation by default. */
  startedAt?: string | Date;
}

export interface PodInput {
  namespace: string;
  name: string;
  labels?: Record<string, string>;
  containers: ContainerInput[];
  nodeName?: string;
  /** Default Running. Pending pods have no logs yet; terminal ones end `follow` at once. */
  phase?: PodPhase;
  podIP?: string;
  createdAt?: string | Date;
}

export interface PodChanges {
  phase?: PodPhase;
  labels?: Record<string, string>;
  nodeName?: string;
}

export interface RecordedRequest {
  method: string;
  /** Decoded path, e.g. `/api/v1/namespaces/prod/pods/web-1/log`. */
  path: string;
  /** Query parameters (the last one wins when repeated). */
  query: Record<string, string>;
}

export interface KubernetesDouble {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  /** Every request so far, oldest first. */
  readonly requests: readonly RecordedRequest[];
  clearRequests(): void;
  /** A KubeConfig pointing at this server, without authentication. */
  kubeConfig(namespace?: string): KubeConfig;
  addNamespace(name: string, labels?: Record<string, string>): void;
  /** Adds a pod (and its namespace if new); watchers see ADDED. */
  addPod(pod: PodInput): void;
  /** Changes phase, labels or node; watchers see MODIFIED (or ADDED/DELETED across selectors). */
  updatePod(namespace: string, name: string, changes: PodChanges): void;
  /** Appends to the current log; open `follow` streams receive the lines. */
  appendLog(namespace: string, pod: string, container: string, lines: LogLineInput[]): void;
  /** The current log becomes the previous one and a new instance starts with `lines`. */
  restartContainer(namespace: string, pod: string, container: string, lines?: LogLineInput[]): void;
  /** Removes the pod; watchers see DELETED and its log streams end. */
  deletePod(namespace: string, name: string): void;
  /** Responses still streaming (follow logs, watches). */
  openStreams(): { logs: number; watches: number };
  /** A Lease as stored (holder, renew time, transitions), or undefined. */
  lease(namespace: string, name: string): StoredLease | undefined;
  /** Plays `fault` on the requests it matches until the returned function is called. */
  injectFault(fault: ApiFault): () => void;
  /** Ends every fault. */
  clearFaults(): void;
  stop(): Promise<void>;
}

export interface StartKubernetesOptions {
  /** Clock for `sinceSeconds` and for log lines added without a time. */
  now?: () => Date;
  /** Namespaces present at start; default the four every cluster has. */
  namespaces?: string[];
}

const STANDARD_NAMESPACES = ['default', 'kube-node-lease', 'kube-public', 'kube-system'];

export async function startKubernetesDouble(options: StartKubernetesOptions = {}): Promise<KubernetesDouble> {
  const cluster = new Cluster(options.now ?? (() => new Date()));
  for (const name of options.namespaces ?? STANDARD_NAMESPACES) cluster.addNamespace(name);
  const requests: RecordedRequest[] = [];
  const faults = new FaultTable();
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://double');
    requests.push(recordOf(req, url));
    if (faults.apply(decodeURIComponent(url.pathname), res)) return;
    handle(cluster, req, url, res);
  });
  const port = await listen(server);
  const url = `http://${LOOPBACK}:${port}`;
  return {
    url,
    requests,
    clearRequests: () => void requests.splice(0),
    kubeConfig: (namespace) => kubeConfigFor(url, namespace),
    addNamespace: (name, labels) => cluster.addNamespace(name, labels),
    addPod: (pod) => cluster.addPod(pod),
    updatePod: (namespace, name, changes) => cluster.updatePod(namespace, name, changes),
    appendLog: (namespace, pod, container, lines) => cluster.appendLog(namespace, pod, container, lines),
    restartContainer: (namespace, pod, container, lines) =>
      cluster.restartContainer(namespace, pod, container, lines ?? []),
    deletePod: (namespace, name) => cluster.deletePod(namespace, name),
    openStreams: () => ({ logs: cluster.followers.size, watches: cluster.watchers.size }),
    lease: (namespace, name) => cluster.leases.get(namespace, name),
    injectFault: (fault) => faults.add(fault),
    clearFaults: () => faults.clear(),
    stop: () => stopServer(server, cluster),
  };
}

function recordOf(req: IncomingMessage, url: URL): RecordedRequest {
  return {
    method: req.method ?? 'GET',
    path: decodeURIComponent(url.pathname),
    query: Object.fromEntries(url.searchParams),
  };
}

function listen(server: Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, LOOPBACK, () => resolve((server.address() as AddressInfo).port));
  });
}

async function stopServer(server: Server, cluster: Cluster): Promise<void> {
  cluster.endAllStreams();
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeAllConnections();
  await closed;
}

function kubeConfigFor(server: string, namespace = 'default'): KubeConfig {
  const config = new KubeConfig();
  config.loadFromOptions({
    clusters: [{ name: 'double', server, skipTLSVerify: true }],
    users: [{ name: 'anonymous' }],
    contexts: [{ name: 'double', cluster: 'double', user: 'anonymous', namespace }],
    currentContext: 'double',
  });
  return config;
}

// ---------------------------------------------------------------------------
// Cluster state

interface PodSnapshot {
  namespace: string;
  labels: Record<string, string>;
  fields: Record<string, string>;
  json: Record<string, unknown>;
}

type EventType = 'ADDED' | 'MODIFIED' | 'DELETED';

interface PodEvent {
  resourceVersion: number;
  type: EventType;
  before: PodSnapshot | undefined;
  after: PodSnapshot | undefined;
}

interface PodFilter {
  namespace: string | undefined;
  labels: LabelRequirement[];
  fields: FieldRequirement[];
}

interface Watcher {
  filter: PodFilter;
  res: ServerResponse;
}

interface Follower {
  pod: StoredPod;
  container: StoredContainer;
  query: LogQuery;
  budget: ByteBudget;
  res: ServerResponse;
}

class Cluster {
  readonly namespaces = new Map<string, StoredNamespace>();
  /** Keyed `namespace/name`, the API server's storage order. */
  readonly pods = new Map<string, StoredPod>();
  readonly history: PodEvent[] = [];
  readonly watchers = new Set<Watcher>();
  readonly followers = new Set<Follower>();
  resourceVersion = 1;
  /** Leases share the cluster's resourceVersion sequence, as every object in etcd does. */
  readonly leases: LeaseStore;

  constructor(readonly now: () => Date) {
    this.leases = new LeaseStore(
      () => ++this.resourceVersion,
      now,
      (name) => this.namespaces.has(name),
    );
  }

  nowNanos(): bigint {
    return toNanos(this.now());
  }

  addNamespace(name: string, labels: Record<string, string> = {}): void {
    if (this.namespaces.has(name)) return;
    const resourceVersion = ++this.resourceVersion;
    const createdAt = this.now();
    this.namespaces.set(name, { name, uid: randomUUID(), labels, createdAt, resourceVersion });
  }

  addPod(input: PodInput): void {
    const key = `${input.namespace}/${input.name}`;
    if (this.pods.has(key)) throw new Error(`pods "${input.name}" already exists`);
    this.addNamespace(input.namespace);
    const createdAt = input.createdAt === undefined ? this.now() : new Date(input.createdAt);
    const pod: StoredPod = {
      namespace: input.namespace,
      name: input.name,
      uid: randomUUID(),
      labels: { ...input.labels },
      nodeName: input.nodeName,
      phase: input.phase ?? 'Running',
      podIP: input.podIP,
      createdAt,
      resourceVersion: ++this.resourceVersion,
      containers: input.containers.map((c) =>
        this.storedContainer(c, c.startedAt === undefined ? createdAt : new Date(c.startedAt)),
      ),
    };
    this.pods.set(key, pod);
    this.publish('ADDED', undefined, pod);
  }

  private storedContainer(input: ContainerInput, startedAt: Date): StoredContainer {
    const previousLines = input.previousLines && toStoredLines(input.previousLines, this.now);
    return {
      name: input.name,
      image: input.image ?? `registry.example/${input.name}:latest`,
      lines: toStoredLines(input.lines ?? [], this.now),
      previousLines,
      restartCount: input.restartCount ?? (previousLines ? 1 : 0),
      startedAt,
    };
  }

  pod(namespace: string, name: string): StoredPod {
    const pod = this.pods.get(`${namespace}/${name}`);
    if (!pod) throw notFound('pods', name);
    return pod;
  }

  updatePod(namespace: string, name: string, changes: PodChanges): void {
    const pod = this.pod(namespace, name);
    const before = snapshot(pod);
    if (changes.phase !== undefined) pod.phase = changes.phase;
    if (changes.labels !== undefined) pod.labels = { ...changes.labels };
    if (changes.nodeName !== undefined) pod.nodeName = changes.nodeName;
    pod.resourceVersion = ++this.resourceVersion;
    this.publish('MODIFIED', before, pod);
    // A container that stopped running ends its log streams, as the kubelet does.
    if (pod.phase !== 'Running') this.endFollowers((f) => f.pod === pod);
  }

  appendLog(namespace: string, podName: string, containerName: string, lines: LogLineInput[]) {
    const pod = this.pod(namespace, podName);
    const container = containerOf(pod, containerName);
    const stored = toStoredLines(lines, this.now);
    container.lines.push(...stored);
    for (const follower of this.followers) {
      if (follower.container === container) writeFollowed(follower, stored, this);
    }
  }

  restartContainer(namespace: string, podName: string, containerName: string, lines: LogLineInput[]) {
    const pod = this.pod(namespace, podName);
    const container = containerOf(pod, containerName);
    this.endFollowers((f) => f.container === container);
    const before = snapshot(pod);
    container.previousLines = container.lines;
    container.lines = toStoredLines(lines, this.now);
    container.restartCount += 1;
    container.startedAt = this.now();
    pod.resourceVersion = ++this.resourceVersion;
    this.publish('MODIFIED', before, pod);
  }

  deletePod(namespace: string, name: string): void {
    const pod = this.pod(namespace, name);
    this.pods.delete(`${namespace}/${name}`);
    this.endFollowers((f) => f.pod === pod);
    // DELETED carries the object's last state at the deletion's resourceVersion.
    pod.resourceVersion = ++this.resourceVersion;
    this.publish('DELETED', snapshot(pod), pod);
  }

  private publish(type: EventType, before: PodSnapshot | undefined, pod: StoredPod): void {
    const event: PodEvent = {
      resourceVersion: pod.resourceVersion,
      type,
      before,
      after: type === 'DELETED' ? undefined : snapshot(pod),
    };
    this.history.push(event);
    for (const watcher of this.watchers) sendEvent(watcher, event);
  }

  endFollowers(which: (follower: Follower) => boolean): void {
    for (const follower of [...this.followers]) {
      if (which(follower)) {
        this.followers.delete(follower);
        follower.res.end();
      }
    }
  }

  endAllStreams(): void {
    this.endFollowers(() => true);
    for (const watcher of this.watchers) watcher.res.end();
    this.watchers.clear();
  }
}

function containerOf(pod: StoredPod, name: string): StoredContainer {
  const container = pod.containers.find((c) => c.name === name);
  if (!container) throw new StatusError('BadRequest', `container ${name} is not valid for pod ${pod.name}`);
  return container;
}

function snapshot(pod: StoredPod): PodSnapshot {
  return {
    namespace: pod.namespace,
    labels: { ...pod.labels },
    fields: podFields(pod),
    json: podJson(pod, true),
  };
}

// ---------------------------------------------------------------------------
// HTTP routing

type Route =
  | { kind: 'namespaces' }
  | { kind: 'namespace'; namespace: string }
  | { kind: 'pods'; namespace: string | undefined }
  | { kind: 'pod'; namespace: string; name: string }
  | { kind: 'log'; namespace: string; name: string };

function routeOf(pathname: string): Route | undefined {
  const parts = pathname.split('/').filter(Boolean).map(decodeURIComponent);
  if (parts[0] !== 'api' || parts[1] !== 'v1') return undefined;
  const [, , collection, namespace, sub, name, leaf, ...rest] = parts;
  if (rest.length > 0) return undefined;
  if (collection === 'pods' && namespace === undefined) return { kind: 'pods', namespace: undefined };
  if (collection !== 'namespaces') return undefined;
  if (namespace === undefined) return { kind: 'namespaces' };
  if (sub === undefined) return { kind: 'namespace', namespace };
  if (sub !== 'pods') return undefined;
  if (name === undefined) return { kind: 'pods', namespace };
  if (leaf === undefined) return { kind: 'pod', namespace, name };
  return leaf === 'log' ? { kind: 'log', namespace, name } : undefined;
}

function handle(cluster: Cluster, req: IncomingMessage, url: URL, res: ServerResponse): void {
  try {
    const leaseRoute = leaseRouteOf(url.pathname.split('/').filter(Boolean).map(decodeURIComponent));
    if (leaseRoute) {
      cluster.leases.handle(req.method ?? 'GET', leaseRoute, req).then(
        ({ code, body }) => sendJson(res, code, body),
        (error: unknown) => sendError(res, error),
      );
      return;
    }
    if (req.method !== 'GET') {
      throw new StatusError(
        'MethodNotAllowed',
        'the server does not allow this method on the requested resource',
      );
    }
    const route = routeOf(url.pathname);
    if (!route) {
      throw new StatusError('NotFound', 'the server could not find the requested resource');
    }
    dispatch(cluster, route, url.searchParams, res);
  } catch (error) {
    sendError(res, error);
  }
}

function dispatch(cluster: Cluster, route: Route, query: URLSearchParams, res: ServerResponse) {
  switch (route.kind) {
    case 'namespaces':
      return sendJson(res, 200, listNamespaces(cluster, query));
    case 'namespace':
      return sendJson(res, 200, readNamespace(cluster, route.namespace));
    case 'pods':
      return isWatch(query)
        ? watchPods(cluster, route.namespace, query, res)
        : sendJson(res, 200, listPods(cluster, route.namespace, query));
    case 'pod':
      return sendJson(res, 200, podJson(cluster.pod(route.namespace, route.name), true));
    case 'log':
      return readLog(cluster, route.namespace, route.name, query, res);
  }
}

function isWatch(query: URLSearchParams): boolean {
  return query.get('watch') === 'true' || query.get('watch') === '1';
}

function sendJson(res: ServerResponse, code: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(code, {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(text),
  });
  res.end(text);
}

function sendError(res: ServerResponse, error: unknown): void {
  const status = toStatusError(error);
  if (res.headersSent) {
    res.destroy();
    return;
  }
  sendJson(res, status.code, status.toJson());
}

function toStatusError(error: unknown): StatusError {
  if (error instanceof StatusError) return error;
  if (error instanceof SelectorError) return new StatusError('BadRequest', error.message);
  if (error instanceof LogOptionsError) return new StatusError('Invalid', error.message);
  return new StatusError('BadRequest', String(error));
}

// ---------------------------------------------------------------------------
// Namespaces and pods

function listNamespaces(cluster: Cluster, query: URLSearchParams): Record<string, unknown> {
  const labels = parseLabelSelector(query.get('labelSelector') ?? undefined);
  const fields = parseFieldSelector(query.get('fieldSelector') ?? undefined, NAMESPACE_FIELDS);
  const matching = [...cluster.namespaces.values()]
    .filter((ns) => matchesLabels(labels, namespaceLabels(ns)))
    .filter((ns) => matchesFields(fields, namespaceFields(ns)))
    .sort((a, b) => compare(a.name, b.name));
  const page = paginate(matching, (ns) => ns.name, query);
  const items = page.items.map((ns) => namespaceJson(ns, false));
  return listJson('NamespaceList', items, cluster.resourceVersion, page);
}

function namespaceLabels(ns: StoredNamespace): Record<string, string> {
  return { 'kubernetes.io/metadata.name': ns.name, ...ns.labels };
}

function readNamespace(cluster: Cluster, name: string): Record<string, unknown> {
  const ns = cluster.namespaces.get(name);
  if (!ns) throw notFound('namespaces', name);
  return namespaceJson(ns, true);
}

function podFilterOf(namespace: string | undefined, query: URLSearchParams): PodFilter {
  return {
    namespace,
    labels: parseLabelSelector(query.get('labelSelector') ?? undefined),
    fields: parseFieldSelector(query.get('fieldSelector') ?? undefined, POD_FIELDS),
  };
}

function podMatches(filter: PodFilter, pod: PodSnapshot): boolean {
  return (
    (filter.namespace === undefined || filter.namespace === pod.namespace) &&
    matchesLabels(filter.labels, pod.labels) &&
    matchesFields(filter.fields, pod.fields)
  );
}

/** Listing pods of a namespace that does not exist is not an error: the list is empty. */
function listPods(
  cluster: Cluster,
  namespace: string | undefined,
  query: URLSearchParams,
): Record<string, unknown> {
  const filter = podFilterOf(namespace, query);
  const matching = [...cluster.pods.entries()]
    .filter(([, pod]) => podMatches(filter, snapshot(pod)))
    .sort(([a], [b]) => compare(a, b));
  const page = paginate(matching, ([key]) => key, query);
  const items = page.items.map(([, pod]) => podJson(pod, false));
  return listJson('PodList', items, cluster.resourceVersion, page);
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** `limit` and `continue` as the API server does them: an opaque token after a key. */
function paginate<T>(
  sorted: T[],
  keyOf: (item: T) => string,
  query: URLSearchParams,
): { items: T[]; continueToken?: string; remaining?: number } {
  const after = decodeContinue(query.get('continue'));
  const rest = after === undefined ? sorted : sorted.filter((item) => keyOf(item) > after);
  const limit = Number(query.get('limit') ?? 0);
  if (!(limit > 0) || rest.length <= limit) return { items: rest };
  const items = rest.slice(0, limit);
  const last = items[items.length - 1];
  const continueToken = last === undefined ? undefined : encodeContinue(keyOf(last));
  return { items, continueToken, remaining: rest.length - limit };
}

function encodeContinue(key: string): string {
  return Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', start: key })).toString('base64url');
}

function decodeContinue(token: string | null): string | undefined {
  if (!token) return undefined;
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { start?: unknown };
    if (typeof parsed.start === 'string') return parsed.start;
  } catch {
    // fall through to the error below
  }
  throw new StatusError('BadRequest', 'continue key is not valid: incorrect encoded start resourceVersion');
}

// ---------------------------------------------------------------------------
// Watch

/**
 * Streams pod events as newline-delimited JSON. Without a resourceVersion (or with
 * "0") the current matching pods come first as ADDED; with one, the events after it are
 * replayed. As in Kubernetes, a pod that stops matching the selector arrives as DELETED
 * and one that starts matching as ADDED.
 */
function watchPods(
  cluster: Cluster,
  namespace: string | undefined,
  query: URLSearchParams,
  res: ServerResponse,
): void {
  const filter = podFilterOf(namespace, query);
  res.writeHead(200, { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' });
  res.flushHeaders();
  const watcher: Watcher = { filter, res };
  for (const event of initialEvents(cluster, query.get('resourceVersion'))) sendEvent(watcher, event);
  cluster.watchers.add(watcher);
  res.on('close', () => cluster.watchers.delete(watcher));
  const timeoutSeconds = Number(query.get('timeoutSeconds') ?? 0);
  if (timeoutSeconds > 0) {
    const timer = setTimeout(() => res.end(), timeoutSeconds * 1000);
    res.on('close', () => clearTimeout(timer));
  }
}

function initialEvents(cluster: Cluster, resourceVersion: string | null): PodEvent[] {
  const since = Number(resourceVersion ?? 0);
  if (since > 0) return cluster.history.filter((event) => event.resourceVersion > since);
  return [...cluster.pods.entries()]
    .sort(([a], [b]) => compare(a, b))
    .map(([, pod]) => ({
      resourceVersion: pod.resourceVersion,
      type: 'ADDED' as const,
      before: undefined,
      after: snapshot(pod),
    }));
}

function sendEvent(watcher: Watcher, event: PodEvent): void {
  const seen = event.before !== undefined && podMatches(watcher.filter, event.before);
  const visible = event.after !== undefined && podMatches(watcher.filter, event.after);
  let type: EventType | undefined;
  if (seen && visible) type = 'MODIFIED';
  else if (visible) type = 'ADDED';
  else if (seen) type = 'DELETED';
  const object = (event.after ?? event.before)?.json;
  if (type === undefined || object === undefined) return;
  watcher.res.write(`${JSON.stringify({ type, object })}\n`);
}

// ---------------------------------------------------------------------------
// Logs

function readLog(
  cluster: Cluster,
  namespace: string,
  name: string,
  query: URLSearchParams,
  res: ServerResponse,
): void {
  const options = parseLogQuery(query, cluster.nowNanos());
  const pod = cluster.pod(namespace, name);
  const container = chooseContainer(pod, options.container);
  const lines = linesFor(pod, container, options);
  const budget = new ByteBudget(options.limitBytes);
  const body = Buffer.concat(
    selectLines(lines, options).map((l) => budget.take(renderLine(l, options.timestamps))),
  );
  const streaming = options.follow && !options.previous && pod.phase === 'Running' && !budget.exhausted;
  if (!streaming) {
    res.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Length': body.length });
    res.end(body);
    return;
  }
  res.writeHead(200, { 'Content-Type': 'text/plain', 'Transfer-Encoding': 'chunked' });
  if (body.length > 0) res.write(body);
  else res.flushHeaders();
  const follower: Follower = { pod, container, query: options, budget, res };
  cluster.followers.add(follower);
  res.on('close', () => cluster.followers.delete(follower));
}

/** Like the API server: a pod with several containers needs `container`. */
function chooseContainer(pod: StoredPod, requested: string | undefined): StoredContainer {
  if (requested !== undefined) return containerOf(pod, requested);
  const [only, ...others] = pod.containers;
  if (only && others.length === 0) return only;
  const names = pod.containers.map((c) => c.name).join(' ');
  throw new StatusError(
    'BadRequest',
    `a container name must be specified for pod ${pod.name}, choose one of: [${names}]`,
  );
}

function linesFor(pod: StoredPod, container: StoredContainer, options: LogQuery): StoredLine[] {
  if (options.previous) {
    if (container.previousLines === undefined) {
      throw new StatusError(
        'BadRequest',
        `previous terminated container "${container.name}" in pod "${pod.name}" not found`,
      );
    }
    return container.previousLines;
  }
  if (pod.phase === 'Pending') {
    throw new StatusError(
      'BadRequest',
      `container "${container.name}" in pod "${pod.name}" is waiting to start: ContainerCreating`,
    );
  }
  return container.lines;
}

/** New lines for an open follow stream: `since` still applies, `tailLines` does not. */
function writeFollowed(follower: Follower, lines: StoredLine[], cluster: Cluster): void {
  const { query, budget, res } = follower;
  for (const line of lines) {
    if (!isSince(line, query.sinceNanos)) continue;
    res.write(budget.take(renderLine(line, query.timestamps)));
    if (budget.exhausted) {
      cluster.endFollowers((f) => f === follower);
      return;
    }
  }
}
