import { z } from 'zod';
import type { SourceName } from '../model/index.js';
import { integer } from './env.js';

/** The recent-logs cache: settled segments of each source, and how fresh its edge must be. */
export const segmentsEnv = {
  CACHE_SEGMENT_SECONDS: integer(10, 86_400, 300),
  CACHE_SEGMENT_BYTES: integer(0, 64 * 1024 * 1024 * 1024, 128 * 1024 * 1024),
  CACHE_FRESH_EDGE_MAX_AGE_MS: integer(0, 60_000, 1_000),
  CACHE_SEGMENT_READ_ENTRIES: integer(100, 1_000_000, 50_000),
  GCS_LATE_OBJECT_MINUTES: integer(0, 10_080, 15),
  FIRESTORE_SETTLE_SECONDS: integer(0, 86_400, 60),
  K8S_SETTLE_SECONDS: integer(0, 86_400, 10),
};

type SegmentsEnv = z.infer<z.ZodObject<typeof segmentsEnv>> & { GCS_NAME_SLACK_MINUTES: number };

export interface SegmentsConfig {
  /** 0 turns the segment cache off: every query reads its sources. */
  maxBytes: number;
  segmentMs: number;
  edgeMaxAgeMs: number;
  readBudget: number;
  /** How late each source's records may arrive after their own time. */
  settleMs: Record<SourceName, number>;
}

const MINUTE = 60_000;

export const segmentsConfig = (e: SegmentsEnv): { segments: SegmentsConfig } => ({
  segments: {
    maxBytes: e.CACHE_SEGMENT_BYTES,
    segmentMs: e.CACHE_SEGMENT_SECONDS * 1000,
    edgeMaxAgeMs: e.CACHE_FRESH_EDGE_MAX_AGE_MS,
    readBudget: e.CACHE_SEGMENT_READ_ENTRIES,
    settleMs: {
      // An object's records may stray from its name's hour by the name slack, and an object may be
      // written this much after its newest record.
      gcs: (e.GCS_NAME_SLACK_MINUTES + e.GCS_LATE_OBJECT_MINUTES) * MINUTE,
      firestore: e.FIRESTORE_SETTLE_SECONDS * 1000,
      pods: e.K8S_SETTLE_SECONDS * 1000,
    },
  },
});
