import { ApiException, V1MicroTime, type CoordinationV1Api, type V1Lease } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import { describeError } from '../model/index.js';

/** The Lease calls the elector makes; `CoordinationV1Api` has exactly these. */
export type LeaseApi = Pick<
  CoordinationV1Api,
  'readNamespacedLease' | 'createNamespacedLease' | 'replaceNamespacedLease'
>;

/** The Lease and its timing (the COLLECTOR_LEASE_* settings). */
export interface LeaseSettings {
  name: string;
  namespace: string;
  /** This instance's holderIdentity: unique among the candidates (the pod name). */
  identity: string;
  durationMs: number;
  /** A leader that could not renew for this long stops counting; below `durationMs`. */
  renewDeadlineMs: number;
  /** How often candidates try and the leader renews; below `renewDeadlineMs`. */
  retryMs: number;
}

export interface Leadership {
  /**
   * This instance holds the Lease and may count. `sinceMs`: where counting should resume — the
   * instant the previous holder stopped counting when it released the Lease, now otherwise.
   */
  started(sinceMs: number): void;
  /** It no longer holds the Lease (or can no longer prove it does): stop counting now. */
  stopped(): void;
}

/**
 * Leader election through a coordination.k8s.io/v1 Lease, with client-go's rules (the
 * @kubernetes/client-node 1.4 client has the Lease API but no election helper):
 *
 * - every `retryMs` a candidate reads the Lease and takes it when it is free (released, or not
 *   renewed for `durationMs` as seen on this instance's own clock, so clock skew between nodes
 *   does not matter); the leader renews it at the same pace;
 * - every write carries the resourceVersion read, so of two candidates only one wins (the API
 *   server answers the other 409 Conflict);
 * - a leader that has not renewed for `renewDeadlineMs` (< `durationMs`) stops counting before
 *   anyone else may take over, so two instances never count at once;
 * - `release()` (SIGTERM, a drain) stops counting first, then frees the Lease, stamped with that
 *   instant, so the next holder takes over at once and resumes exactly there.
 */
export class LeaseElector {
  private timer?: NodeJS.Timeout;
  private leading = false;
  private lastRenewMs = 0;
  /** The Lease's holder and renew time as last read, and when this instance saw them change. */
  private observed?: { record: string; atMs: number };
  private running = false;
  private round?: Promise<void>;

  constructor(
    private readonly api: LeaseApi,
    private readonly lease: LeaseSettings,
    private readonly leadership: Leadership,
    private readonly logger: Logger,
  ) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.schedule(0);
  }

  /** Stops electing; a leader stops counting, then frees the Lease for the next instance. */
  async release(): Promise<void> {
    this.running = false;
    clearTimeout(this.timer);
    await this.round;
    if (!this.leading) return;
    const stoppedAtMs = Date.now();
    this.stopLeading('released');
    try {
      const current = await this.read();
      if (current?.spec?.holderIdentity !== this.lease.identity) return;
      current.spec.holderIdentity = '';
      // As client-go does: a released Lease looks expired to any reader.
      current.spec.leaseDurationSeconds = 1;
      current.spec.renewTime = new V1MicroTime(stoppedAtMs);
      await this.api.replaceNamespacedLease({
        name: this.lease.name,
        namespace: this.lease.namespace,
        body: current,
      });
      this.logger.info({ lease: this.lease.name }, 'collector lease released');
    } catch (error) {
      // It expires on its own after durationMs; nothing counts meanwhile.
      this.logger.warn({ err: describeError(error), lease: this.lease.name }, 'could not release the lease');
    }
  }

  private schedule(delayMs: number): void {
    if (!this.running) return;
    this.timer = setTimeout(() => {
      this.round = this.tryAcquireOrRenew()
        .catch((error: unknown) => this.failed(error))
        .finally(() => this.schedule(this.lease.retryMs));
    }, delayMs);
    this.timer.unref();
  }

  private async tryAcquireOrRenew(): Promise<void> {
    const nowMs = Date.now();
    const current = await this.read();
    if (!current) return this.create(nowMs);
    const spec = current.spec ?? {};
    const holder = spec.holderIdentity ?? '';
    this.observe(`${holder}@${String(spec.renewTime)}`, nowMs);
    if (holder !== '' && holder !== this.lease.identity && !this.expired(current, nowMs)) {
      if (this.leading) this.stopLeading('another instance holds the lease');
      return;
    }
    const takingOver = holder !== this.lease.identity;
    const body: V1Lease = {
      ...current,
      spec: {
        ...spec,
        holderIdentity: this.lease.identity,
        leaseDurationSeconds: Math.round(this.lease.durationMs / 1000),
        renewTime: new V1MicroTime(nowMs),
        acquireTime: takingOver ? new V1MicroTime(nowMs) : spec.acquireTime,
        leaseTransitions: (spec.leaseTransitions ?? 0) + (takingOver ? 1 : 0),
      },
    };
    // The resourceVersion read travels in `body.metadata`: a concurrent writer makes this a 409.
    await this.api.replaceNamespacedLease({ name: this.lease.name, namespace: this.lease.namespace, body });
    this.renewed(nowMs, takingOver ? resumeAt(holder, spec.renewTime, nowMs, this.lease.durationMs) : nowMs);
  }

  private async create(nowMs: number): Promise<void> {
    await this.api.createNamespacedLease({
      namespace: this.lease.namespace,
      body: {
        apiVersion: 'coordination.k8s.io/v1',
        kind: 'Lease',
        metadata: { name: this.lease.name, namespace: this.lease.namespace },
        spec: {
          holderIdentity: this.lease.identity,
          leaseDurationSeconds: Math.round(this.lease.durationMs / 1000),
          acquireTime: new V1MicroTime(nowMs),
          renewTime: new V1MicroTime(nowMs),
          leaseTransitions: 0,
        },
      },
    });
    this.renewed(nowMs, nowMs);
  }

  private renewed(nowMs: number, sinceMs: number): void {
    this.lastRenewMs = nowMs;
    if (this.leading) return;
    this.leading = true;
    this.logger.info({ lease: this.lease.name, identity: this.lease.identity }, 'collector lease acquired');
    this.leadership.started(sinceMs);
  }

  /** A failed read or write (409 included): a leader keeps counting only until its renew deadline. */
  private failed(error: unknown): void {
    const conflict = error instanceof ApiException && (error.code === 409 || error.code === 404);
    if (!conflict)
      this.logger.warn({ err: describeError(error), lease: this.lease.name }, 'collector lease call failed');
    if (this.leading && Date.now() - this.lastRenewMs >= this.lease.renewDeadlineMs)
      this.stopLeading('could not renew the lease in time');
  }

  private stopLeading(reason: string): void {
    if (!this.leading) return;
    this.leading = false;
    this.logger.info({ lease: this.lease.name, reason }, 'collector lease lost');
    this.leadership.stopped();
  }

  private observe(record: string, nowMs: number): void {
    if (this.observed?.record !== record) this.observed = { record, atMs: nowMs };
  }

  /** Expired by this instance's clock: unchanged for the Lease's duration since it was first seen so. */
  private expired(lease: V1Lease, nowMs: number): boolean {
    const durationMs = (lease.spec?.leaseDurationSeconds ?? this.lease.durationMs / 1000) * 1000;
    return (this.observed?.atMs ?? nowMs) + durationMs <= nowMs;
  }

  private async read(): Promise<V1Lease | undefined> {
    try {
      return await this.api.readNamespacedLease({ name: this.lease.name, namespace: this.lease.namespace });
    } catch (error) {
      if (error instanceof ApiException && error.code === 404) return undefined;
      throw error;
    }
  }
}

/**
 * Where the new holder resumes counting. A released Lease carries the instant its holder stopped
 * counting: resume there, so nothing in between is lost. An expired one says nothing about when
 * its holder (gone, or cut off) last counted: resume now, so nothing is counted twice.
 */
function resumeAt(previousHolder: string, renewTime: unknown, nowMs: number, durationMs: number): number {
  if (previousHolder !== '' || renewTime === undefined || renewTime === null) return nowMs;
  // The client hands MicroTime fields back as the API server's strings, not as Dates.
  const releasedMs = new Date(renewTime as string | Date).getTime();
  // A release older than a Lease period is history, not a hand-over.
  if (!Number.isFinite(releasedMs) || nowMs - releasedMs > durationMs) return nowMs;
  return Math.min(releasedMs, nowMs);
}
