/**
 * coordination.k8s.io/v1 Leases for the Kubernetes API server double, with the API server's
 * optimistic concurrency: every object carries a resourceVersion, a PUT whose resourceVersion
 * is not the stored one is a 409 Conflict, a POST of an existing name a 409 AlreadyExists.
 *
 *   GET    /apis/coordination.k8s.io/v1/namespaces/{ns}/leases          list
 *   POST   /apis/coordination.k8s.io/v1/namespaces/{ns}/leases          create (201)
 *   GET    /apis/coordination.k8s.io/v1/namespaces/{ns}/leases/{name}   read
 *   PUT    /apis/coordination.k8s.io/v1/namespaces/{ns}/leases/{name}   replace
 *   DELETE /apis/coordination.k8s.io/v1/namespaces/{ns}/leases/{name}   delete
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { StatusError } from './kubernetes-objects.js';

type Json = Record<string, unknown>;

const GROUP = 'coordination.k8s.io';
const API_VERSION = `${GROUP}/v1`;
/** The API server refuses bodies above 3 MiB; a Lease is a few hundred bytes. */
const MAX_BODY_BYTES = 3 * 2 ** 20;

export interface LeaseSpec {
  holderIdentity?: string;
  leaseDurationSeconds?: number;
  acquireTime?: string;
  renewTime?: string;
  leaseTransitions?: number;
}

export interface StoredLease {
  namespace: string;
  name: string;
  uid: string;
  resourceVersion: number;
  createdAt: Date;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  spec: LeaseSpec;
}

export type LeaseRoute = { namespace: string; name: string | undefined };

/** `/apis/coordination.k8s.io/v1/namespaces/{ns}/leases[/{name}]`, or undefined for another path. */
export function leaseRouteOf(parts: string[]): LeaseRoute | undefined {
  const [apis, group, version, namespaces, namespace, leases, name, ...rest] = parts;
  if (apis !== 'apis' || group !== GROUP || version !== 'v1' || namespaces !== 'namespaces') return undefined;
  if (namespace === undefined || leases !== 'leases' || rest.length > 0) return undefined;
  return { namespace, name };
}

const notFound = (name: string): StatusError =>
  new StatusError('NotFound', `leases.${GROUP} "${name}" not found`, { name, group: GROUP, kind: 'leases' });

export class LeaseStore {
  private readonly leases = new Map<string, StoredLease>();

  constructor(
    private readonly nextVersion: () => number,
    private readonly now: () => Date,
    private readonly namespaceExists: (name: string) => boolean,
  ) {}

  /** The stored Lease, for tests to look at (who holds it, how often it changed hands). */
  get(namespace: string, name: string): StoredLease | undefined {
    return this.leases.get(`${namespace}/${name}`);
  }

  async handle(
    method: string,
    route: LeaseRoute,
    req: IncomingMessage,
  ): Promise<{ code: number; body: Json }> {
    const { namespace, name } = route;
    if (name === undefined) {
      if (method === 'GET') return { code: 200, body: this.list(namespace) };
      if (method === 'POST') return { code: 201, body: this.create(namespace, await readBody(req)) };
    } else {
      if (method === 'GET') return { code: 200, body: leaseJson(this.read(namespace, name)) };
      if (method === 'PUT') return { code: 200, body: this.replace(namespace, name, await readBody(req)) };
      if (method === 'DELETE') return { code: 200, body: this.delete(namespace, name) };
    }
    throw new StatusError(
      'MethodNotAllowed',
      'the server does not allow this method on the requested resource',
    );
  }

  private read(namespace: string, name: string): StoredLease {
    const lease = this.get(namespace, name);
    if (!lease) throw notFound(name);
    return lease;
  }

  private list(namespace: string): Json {
    const items = [...this.leases.values()]
      .filter((lease) => lease.namespace === namespace)
      .sort((a, b) => (a.name < b.name ? -1 : 1))
      .map(leaseJson);
    return { kind: 'LeaseList', apiVersion: API_VERSION, metadata: { resourceVersion: '' }, items };
  }

  private create(namespace: string, body: Json): Json {
    if (!this.namespaceExists(namespace))
      throw new StatusError('NotFound', `namespaces "${namespace}" not found`, {
        name: namespace,
        kind: 'namespaces',
      });
    const metadata = metadataOf(body, namespace);
    const name = metadata.name;
    if (typeof name !== 'string' || name === '')
      throw new StatusError(
        'Invalid',
        `Lease.${GROUP} "" is invalid: metadata.name: Required value: name or generateName is required`,
      );
    if (metadata.resourceVersion !== undefined && metadata.resourceVersion !== '')
      throw new StatusError('BadRequest', 'resourceVersion should not be set on objects to be created');
    if (this.leases.has(`${namespace}/${name}`))
      throw new StatusError('AlreadyExists', `leases.${GROUP} "${name}" already exists`, {
        name,
        group: GROUP,
        kind: 'leases',
      });
    const lease: StoredLease = {
      namespace,
      name,
      uid: randomUUID(),
      resourceVersion: this.nextVersion(),
      createdAt: this.now(),
      labels: stringMap(metadata.labels),
      annotations: stringMap(metadata.annotations),
      spec: specOf(body, name),
    };
    this.leases.set(`${namespace}/${name}`, lease);
    return leaseJson(lease);
  }

  /** Leases do not allow create-on-update: a PUT of a missing one is a 404, as on a real cluster. */
  private replace(namespace: string, name: string, body: Json): Json {
    const metadata = metadataOf(body, namespace);
    if (metadata.name !== name)
      throw new StatusError(
        'BadRequest',
        `the name of the object (${String(metadata.name)}) does not match the name on the URL (${name})`,
      );
    const lease = this.read(namespace, name);
    const version = metadata.resourceVersion;
    // An update without resourceVersion is unconditional (Leases allow it); with one, it must match.
    if (version !== undefined && version !== '' && String(version) !== String(lease.resourceVersion))
      throw new StatusError(
        'Conflict',
        `Operation cannot be fulfilled on leases.${GROUP} "${name}": the object has been modified; please apply your changes to the latest version and try again`,
        { name, group: GROUP, kind: 'leases' },
      );
    lease.spec = specOf(body, name);
    lease.labels = stringMap(metadata.labels);
    lease.annotations = stringMap(metadata.annotations);
    lease.resourceVersion = this.nextVersion();
    return leaseJson(lease);
  }

  private delete(namespace: string, name: string): Json {
    const lease = this.read(namespace, name);
    this.leases.delete(`${namespace}/${name}`);
    return {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Success',
      details: { name, group: GROUP, kind: 'leases', uid: lease.uid },
    };
  }
}

function metadataOf(body: Json, namespace: string): Json {
  if (body.kind !== undefined && body.kind !== 'Lease')
    throw new StatusError('BadRequest', `Lease in version "v1" cannot be handled as a ${String(body.kind)}`);
  const metadata = (body.metadata ?? {}) as Json;
  if (typeof metadata !== 'object' || Array.isArray(metadata))
    throw new StatusError('BadRequest', 'metadata must be an object');
  if (metadata.namespace !== undefined && metadata.namespace !== '' && metadata.namespace !== namespace)
    throw new StatusError(
      'BadRequest',
      'the namespace of the provided object does not match the namespace sent on the request',
    );
  return metadata;
}

/** The spec as the API server validates and stores it: MicroTimes re-rendered with microseconds. */
function specOf(body: Json, name: string): LeaseSpec {
  const raw = (body.spec ?? {}) as Json;
  const invalid = (field: string, detail: string) =>
    new StatusError('Invalid', `Lease.${GROUP} "${name}" is invalid: spec.${field}: ${detail}`);
  const spec: LeaseSpec = {};
  if (raw.holderIdentity !== undefined && raw.holderIdentity !== null) {
    if (typeof raw.holderIdentity !== 'string')
      throw invalid('holderIdentity', 'Invalid value: must be a string');
    spec.holderIdentity = raw.holderIdentity;
  }
  for (const field of ['leaseDurationSeconds', 'leaseTransitions'] as const) {
    const value = raw[field];
    if (value === undefined || value === null) continue;
    if (!Number.isInteger(value)) throw invalid(field, 'Invalid value: must be an integer');
    if (field === 'leaseDurationSeconds' && (value as number) <= 0)
      throw invalid(field, `Invalid value: ${String(value)}: must be greater than 0`);
    if (field === 'leaseTransitions' && (value as number) < 0)
      throw invalid(field, `Invalid value: ${String(value)}: must be greater than or equal to 0`);
    spec[field] = value as number;
  }
  for (const field of ['acquireTime', 'renewTime'] as const) {
    const value = raw[field];
    if (value === undefined || value === null) continue;
    const ms = typeof value === 'string' ? Date.parse(value) : Number.NaN;
    if (!Number.isFinite(ms))
      throw new StatusError(
        'BadRequest',
        `spec.${field}: unable to parse ${JSON.stringify(value)} as a MicroTime`,
      );
    spec[field] = microTime(value as string);
  }
  return spec;
}

/** metav1.MicroTime: RFC 3339 with exactly six fractional digits, in UTC. */
function microTime(text: string): string {
  const fraction = /\.(\d+)/.exec(text)?.[1] ?? '';
  const whole = new Date(Date.parse(text)).toISOString().slice(0, 19);
  return `${whole}.${fraction.padEnd(6, '0').slice(0, 6)}Z`;
}

function stringMap(value: unknown): Record<string, string> {
  if (typeof value !== 'object' || value === null) return {};
  return Object.fromEntries(Object.entries(value).filter(([, v]) => typeof v === 'string')) as Record<
    string,
    string
  >;
}

function leaseJson(lease: StoredLease): Json {
  return {
    kind: 'Lease',
    apiVersion: API_VERSION,
    metadata: {
      name: lease.name,
      namespace: lease.namespace,
      uid: lease.uid,
      resourceVersion: String(lease.resourceVersion),
      creationTimestamp: `${lease.createdAt.toISOString().slice(0, 19)}Z`,
      ...(Object.keys(lease.labels).length > 0 ? { labels: lease.labels } : {}),
      ...(Object.keys(lease.annotations).length > 0 ? { annotations: lease.annotations } : {}),
    },
    spec: { ...lease.spec },
  };
}

async function readBody(req: IncomingMessage): Promise<Json> {
  const type = req.headers['content-type'] ?? '';
  if (!type.startsWith('application/json'))
    throw new StatusError(
      'UnsupportedMediaType',
      `the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/vnd.kubernetes.protobuf`,
    );
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new StatusError('BadRequest', 'request entity too large');
    chunks.push(chunk);
  }
  try {
    const parsed: unknown = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) return parsed as Json;
  } catch {
    // reported below, as the API server words it
  }
  throw new StatusError('BadRequest', "Object 'Kind' is missing in the request body");
}
