/**
 * The stored objects of the Kubernetes API server double and their JSON wire form
 * (Pod, Namespace, lists and Status), shaped as the real API server returns them.
 */
import type { StoredLine } from './kubernetes-logs.js';

export type PodPhase = 'Pending' | 'Running' | 'Succeeded' | 'Failed' | 'Unknown';

export interface StoredContainer {
  name: string;
  image: string;
  lines: StoredLine[];
  /** Log of the last terminated instance; undefined when it never restarted. */
  previousLines: StoredLine[] | undefined;
  restartCount: number;
  startedAt: Date;
}

export interface StoredPod {
  namespace: string;
  name: string;
  uid: string;
  labels: Record<string, string>;
  nodeName: string | undefined;
  phase: PodPhase;
  podIP: string | undefined;
  createdAt: Date;
  resourceVersion: number;
  containers: StoredContainer[];
}

export interface StoredNamespace {
  name: string;
  uid: string;
  labels: Record<string, string>;
  createdAt: Date;
  resourceVersion: number;
}

type Json = Record<string, unknown>;

/** Kubernetes serialises metav1.Time with second precision. */
function metaTime(date: Date): string {
  return `${date.toISOString().slice(0, 19)}Z`;
}

export function podJson(pod: StoredPod, withKind: boolean): Json {
  const body: Json = {
    metadata: {
      name: pod.name,
      namespace: pod.namespace,
      uid: pod.uid,
      resourceVersion: String(pod.resourceVersion),
      creationTimestamp: metaTime(pod.createdAt),
      labels: { ...pod.labels },
    },
    spec: {
      containers: pod.containers.map((c) => ({ name: c.name, image: c.image })),
      ...(pod.nodeName === undefined ? {} : { nodeName: pod.nodeName }),
      restartPolicy: 'Always',
    },
    status: {
      phase: pod.phase,
      ...(pod.podIP === undefined ? {} : { podIP: pod.podIP }),
      startTime: metaTime(pod.createdAt),
      containerStatuses: pod.containers.map((c) => containerStatusJson(c, pod.phase)),
    },
  };
  return withKind ? { kind: 'Pod', apiVersion: 'v1', ...body } : body;
}

function containerStatusJson(container: StoredContainer, phase: PodPhase): Json {
  const lastState: Json =
    container.previousLines === undefined
      ? {}
      : { terminated: { exitCode: 1, reason: 'Error', finishedAt: metaTime(container.startedAt) } };
  return {
    name: container.name,
    image: container.image,
    imageID: '',
    ready: phase === 'Running',
    started: phase === 'Running',
    restartCount: container.restartCount,
    state: containerStateJson(container, phase),
    lastState,
  };
}

function containerStateJson(container: StoredContainer, phase: PodPhase): Json {
  switch (phase) {
    case 'Pending':
      return { waiting: { reason: 'ContainerCreating' } };
    case 'Succeeded':
    case 'Failed':
      return {
        terminated: {
          exitCode: phase === 'Succeeded' ? 0 : 1,
          reason: phase === 'Succeeded' ? 'Completed' : 'Error',
          startedAt: metaTime(container.startedAt),
        },
      };
    default:
      return { running: { startedAt: metaTime(container.startedAt) } };
  }
}

export function namespaceJson(namespace: StoredNamespace, withKind: boolean): Json {
  const body: Json = {
    metadata: {
      name: namespace.name,
      uid: namespace.uid,
      resourceVersion: String(namespace.resourceVersion),
      creationTimestamp: metaTime(namespace.createdAt),
      labels: { 'kubernetes.io/metadata.name': namespace.name, ...namespace.labels },
    },
    spec: { finalizers: ['kubernetes'] },
    status: { phase: 'Active' },
  };
  return withKind ? { kind: 'Namespace', apiVersion: 'v1', ...body } : body;
}

export function listJson(
  kind: 'PodList' | 'NamespaceList',
  items: Json[],
  resourceVersion: number,
  page: { continueToken?: string; remaining?: number },
): Json {
  const metadata: Json = { resourceVersion: String(resourceVersion) };
  if (page.continueToken !== undefined) metadata.continue = page.continueToken;
  if (page.remaining !== undefined) metadata.remainingItemCount = page.remaining;
  return { kind, apiVersion: 'v1', metadata, items };
}

/** Pod fields usable in a fieldSelector, as the API server registers them. */
export const POD_FIELDS: ReadonlySet<string> = new Set([
  'metadata.name',
  'metadata.namespace',
  'spec.nodeName',
  'spec.restartPolicy',
  'spec.schedulerName',
  'spec.serviceAccountName',
  'spec.hostNetwork',
  'status.phase',
  'status.podIP',
  'status.nominatedNodeName',
]);

export const NAMESPACE_FIELDS: ReadonlySet<string> = new Set(['metadata.name', 'status.phase']);

export function podFields(pod: StoredPod): Record<string, string> {
  return {
    'metadata.name': pod.name,
    'metadata.namespace': pod.namespace,
    'spec.nodeName': pod.nodeName ?? '',
    'spec.restartPolicy': 'Always',
    'spec.schedulerName': 'default-scheduler',
    'spec.serviceAccountName': 'default',
    'spec.hostNetwork': 'false',
    'status.phase': pod.phase,
    'status.podIP': pod.podIP ?? '',
    'status.nominatedNodeName': '',
  };
}

export function namespaceFields(namespace: StoredNamespace): Record<string, string> {
  return { 'metadata.name': namespace.name, 'status.phase': 'Active' };
}

// ---------------------------------------------------------------------------
// Status (errors)

export type StatusReason =
  | 'NotFound'
  | 'BadRequest'
  | 'Invalid'
  | 'MethodNotAllowed'
  | 'AlreadyExists'
  | 'Conflict'
  | 'UnsupportedMediaType';

const CODES: Record<StatusReason, number> = {
  NotFound: 404,
  BadRequest: 400,
  Invalid: 422,
  MethodNotAllowed: 405,
  AlreadyExists: 409,
  Conflict: 409,
  UnsupportedMediaType: 415,
};

export class StatusError extends Error {
  readonly code: number;

  constructor(
    readonly reason: StatusReason,
    message: string,
    readonly details?: Json,
  ) {
    super(message);
    this.code = CODES[reason];
  }

  toJson(): Json {
    return {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: this.message,
      reason: this.reason,
      ...(this.details === undefined ? {} : { details: this.details }),
      code: this.code,
    };
  }
}

export function notFound(kind: 'pods' | 'namespaces', name: string): StatusError {
  return new StatusError('NotFound', `${kind} "${name}" not found`, { name, kind });
}
