import type { Logger } from 'pino';
import { describeError, timestampMs, type SourceName } from '../model/index.js';
import type { FollowBatch, FollowSink, FollowStage } from '../query/log-source.js';
import type { VolumeMetrics } from './volume-metrics.js';

/**
 * Where followers report what they see. It turns entries into the volume counters, and
 * keeps `source_up` honest: a source is up while none of its followers is failing, and
 * the gauge only moves when that changes (readiness checks set it too).
 */
export class VolumeSink {
  private readonly failing = new Map<SourceName, Set<string>>();
  private readonly newest = new Map<SourceName, number>();
  private readonly reported = new Set<SourceName>();

  constructor(
    private readonly metrics: VolumeMetrics,
    private readonly logger: Logger,
  ) {}

  /** The sink one source's follower reports into. */
  forSource(source: SourceName): FollowSink {
    return {
      entries: (batch) => this.count(source, batch),
      connected: (key) => this.setFailing(source, key, false),
      failed: (stage, error, key) => this.error(source, stage, error, key),
      reconnected: () => this.metrics.collectorReconnects.inc({ source }),
      // A follower that no longer exists (a deleted pod) must not keep its source down.
      gone: (key) => this.setFailing(source, key, false),
      warn: (message, details) => this.logger.warn({ source, ...details }, message),
    };
  }

  /** Counts entries under their origin (prefix, collection, `namespace/app`; never a pod or an id). */
  private count(source: SourceName, { origin, entries }: FollowBatch): void {
    let newestMs = this.newest.get(source) ?? 0;
    for (const entry of entries) {
      this.metrics.logEntries.inc({ source, severity: entry.severity, origin });
      newestMs = Math.max(newestMs, timestampMs(entry.timestamp));
    }
    if (entries.length === 0) return;
    // A writer with a clock ahead must not hide a source that went quiet.
    newestMs = Math.min(newestMs, Date.now());
    this.newest.set(source, newestMs);
    this.metrics.sourceLastEntry.set({ source }, newestMs / 1000);
  }

  /** A caught failure: counted, logged, and (when `key` is given) marks that follower failing. */
  private error(source: SourceName, stage: FollowStage, error: unknown, key?: string): void {
    this.metrics.collectorErrors.inc({ source, stage });
    this.logger.warn(
      { source, stage, follower: key, err: describeError(error) },
      'collector follower failed',
    );
    if (key !== undefined) this.setFailing(source, key, true);
  }

  private setFailing(source: SourceName, key: string, failing: boolean): void {
    const keys = this.failing.get(source) ?? new Set<string>();
    this.failing.set(source, keys);
    const wasUp = keys.size === 0;
    if (failing) keys.add(key);
    else keys.delete(key);
    const isUp = keys.size === 0;
    // Set on the first report too, so the gauge exists as soon as a follower connects.
    if (wasUp !== isUp || !this.reported.has(source)) {
      this.reported.add(source);
      this.metrics.sourceUp.set({ source }, isUp ? 1 : 0);
    }
  }
}
