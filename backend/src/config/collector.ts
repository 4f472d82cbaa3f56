import { z } from 'zod';
import { flag, integer } from './env.js';

export const collectorEnv = {
  // Off by default: every replica would follow every source, multiplying the counts and the
  // load on the API server and Firestore; enable it on one replica (or one small Deployment).
  COLLECTOR_ENABLED: flag(false),
  COLLECTOR_GCS_INTERVAL_SECONDS: integer(1, 86_400, 60),
  COLLECTOR_POD_RELIST_SECONDS: integer(1, 86_400, 30),
  COLLECTOR_MAX_BACKOFF_SECONDS: integer(1, 3_600, 60),
  COLLECTOR_MAX_POD_STREAMS: integer(1, 10_000, 200),
};

type CollectorEnv = z.infer<z.ZodObject<typeof collectorEnv>>;

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
}

export const collectorConfig = (e: CollectorEnv): CollectorConfig => ({
  enabled: e.COLLECTOR_ENABLED,
  gcsIntervalMs: e.COLLECTOR_GCS_INTERVAL_SECONDS * 1000,
  podRelistMs: e.COLLECTOR_POD_RELIST_SECONDS * 1000,
  maxBackoffMs: e.COLLECTOR_MAX_BACKOFF_SECONDS * 1000,
  maxPodStreams: e.COLLECTOR_MAX_POD_STREAMS,
});
