import { hostname } from 'node:os';
import { z } from 'zod';
import type { LeaseSettings } from '../collector/lease-elector.js';
import { flag, integer, optionalText } from './env.js';

/** A Kubernetes object name (DNS subdomain), as the API server accepts it for a Lease. */
const LEASE_NAME = /^(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
/** A namespace name (DNS label). */
const NAMESPACE = /^(?=.{1,63}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

export const collectorEnv = {
  // Off by default: every replica would follow every source, multiplying the counts and the
  // load on the API server and Firestore. The collector role (deployments/collector.yaml) turns
  // it on, and its instances elect the one that counts through a Lease (below).
  COLLECTOR_ENABLED: flag(false),
  COLLECTOR_GCS_INTERVAL_SECONDS: integer(1, 86_400, 60),
  COLLECTOR_POD_RELIST_SECONDS: integer(1, 86_400, 30),
  COLLECTOR_MAX_BACKOFF_SECONDS: integer(1, 3_600, 60),
  COLLECTOR_MAX_POD_STREAMS: integer(1, 10_000, 200),
  // Unset: this instance counts on its own (one container in compose). Set: only the holder of
  // this coordination.k8s.io Lease counts, so several instances never count the same entry.
  COLLECTOR_LEASE_NAME: optionalText.refine((v) => v === undefined || LEASE_NAME.test(v), {
    message: 'must be a Kubernetes object name (lower-case letters, digits, - and .)',
  }),
  COLLECTOR_LEASE_NAMESPACE: optionalText.refine((v) => v === undefined || NAMESPACE.test(v), {
    message: 'must be a Kubernetes namespace name',
  }),
  COLLECTOR_LEASE_IDENTITY: optionalText,
  // client-go's defaults: a holder that stops renewing is replaced 15 s after its last renewal.
  COLLECTOR_LEASE_DURATION_SECONDS: integer(2, 3_600, 15),
  COLLECTOR_LEASE_RENEW_DEADLINE_SECONDS: integer(1, 3_600, 10),
  COLLECTOR_LEASE_RETRY_SECONDS: integer(1, 600, 2),
};

type CollectorEnv = z.infer<z.ZodObject<typeof collectorEnv>>;

/**
 * The leader's guarantee rests on these orderings: it gives up counting (renew deadline) before
 * any other instance may take the Lease (duration), and it tries to renew more than once in that time.
 */
export function checkCollectorEnv(env: CollectorEnv, ctx: z.RefinementCtx): void {
  if (env.COLLECTOR_LEASE_RENEW_DEADLINE_SECONDS >= env.COLLECTOR_LEASE_DURATION_SECONDS)
    ctx.addIssue({
      code: 'custom',
      path: ['COLLECTOR_LEASE_RENEW_DEADLINE_SECONDS'],
      message: `must be below COLLECTOR_LEASE_DURATION_SECONDS (${env.COLLECTOR_LEASE_DURATION_SECONDS}), or a leader that cannot renew would still count when another takes over`,
    });
  if (env.COLLECTOR_LEASE_RETRY_SECONDS >= env.COLLECTOR_LEASE_RENEW_DEADLINE_SECONDS)
    ctx.addIssue({
      code: 'custom',
      path: ['COLLECTOR_LEASE_RETRY_SECONDS'],
      message: `must be below COLLECTOR_LEASE_RENEW_DEADLINE_SECONDS (${env.COLLECTOR_LEASE_RENEW_DEADLINE_SECONDS}), so a leader retries a failed renewal before it gives up`,
    });
  if (env.COLLECTOR_LEASE_NAME !== undefined && env.COLLECTOR_LEASE_NAMESPACE === undefined)
    ctx.addIssue({
      code: 'custom',
      path: ['COLLECTOR_LEASE_NAMESPACE'],
      message: 'is required with COLLECTOR_LEASE_NAME: the namespace the Lease lives in',
    });
}

/** The Lease through which collector instances elect the one that counts. */
export type LeaseConfig = LeaseSettings;

/** The background log-volume collector (metrics only; it never serves a request). */
export interface CollectorConfig {
  /** Whether `main.ts` starts it once the server listens. */
  enabled: boolean;
  gcsIntervalMs: number;
  podRelistMs: number;
  /** Cap of the jittered exponential back-off between reconnects. */
  maxBackoffMs: number;
  /** Container log streams followed at once at most. */
  maxPodStreams: number;
  /** Undefined: this instance counts without an election. */
  lease: LeaseConfig | undefined;
}

export const collectorConfig = (e: CollectorEnv): CollectorConfig => ({
  enabled: e.COLLECTOR_ENABLED,
  gcsIntervalMs: e.COLLECTOR_GCS_INTERVAL_SECONDS * 1000,
  podRelistMs: e.COLLECTOR_POD_RELIST_SECONDS * 1000,
  maxBackoffMs: e.COLLECTOR_MAX_BACKOFF_SECONDS * 1000,
  maxPodStreams: e.COLLECTOR_MAX_POD_STREAMS,
  lease:
    e.COLLECTOR_LEASE_NAME === undefined
      ? undefined
      : {
          name: e.COLLECTOR_LEASE_NAME,
          namespace: e.COLLECTOR_LEASE_NAMESPACE ?? '',
          identity: e.COLLECTOR_LEASE_IDENTITY ?? hostname(),
          durationMs: e.COLLECTOR_LEASE_DURATION_SECONDS * 1000,
          renewDeadlineMs: e.COLLECTOR_LEASE_RENEW_DEADLINE_SECONDS * 1000,
          retryMs: e.COLLECTOR_LEASE_RETRY_SECONDS * 1000,
        },
});
