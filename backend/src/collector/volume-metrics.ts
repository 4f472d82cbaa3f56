import type { Severity, SourceName } from '../model/index.js';
import type { FollowStage } from '../query/log-source.js';

/**
 * What the collector counts into. Defined here, not taken from the HTTP layer's metrics, so
 * the collector depends on no layer above it; the app passes its Prometheus metrics, which
 * have exactly these members.
 */
export interface VolumeMetrics {
  readonly logEntries: Counter<{ source: SourceName; severity: Severity; origin: string }>;
  readonly sourceLastEntry: Gauge<{ source: SourceName }>;
  readonly sourceUp: Gauge<{ source: SourceName }>;
  readonly collectorReconnects: Counter<{ source: SourceName }>;
  readonly collectorErrors: Counter<{ source: SourceName; stage: FollowStage }>;
}

interface Counter<Labels> {
  inc(labels: Labels): void;
}

interface Gauge<Labels> {
  set(labels: Labels, value: number): void;
}

/** What the collector role reports beside the counts: whether this instance is the one counting. */
export interface RoleMetrics {
  readonly collectorLeader: { set(value: number): void };
  /** The counts a former leader drops, so only the instance counting now exports them. */
  readonly logEntries: { reset(): void };
  readonly sourceLastEntry: { reset(): void };
  /** The scheduled reconciliation's gauges, which run with the collector. */
  resetReconcile(): void;
}
