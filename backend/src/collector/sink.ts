import type { Logger } from 'pino';
import type { Metrics } from '../metrics/metrics.js';
import { describeError } from '../query/engine.js';
import { timestampMs, type LogEntry, type SourceName } from '../model/index.js';

export type CollectorStage = 'listen' | 'list' | 'read' | 'stream';

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
    private readonly metrics: Metrics,
    readonly logger: Logger,
  ) {}

  /** Counts entries under one origin (prefix, collection, `namespace/app`; never a pod or an id). */
  count(source: SourceName, origin: string, entries: readonly LogEntry[]): void {
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

  reconnect(source: SourceName): void {
    this.metrics.collectorReconnects.inc({ source });
  }

  /** A caught failure: counted, logged, and (when `key` is given) marks that follower failing. */
  error(source: SourceName, stage: CollectorStage, error: unknown, key?: string): void {
    this.metrics.collectorErrors.inc({ source, stage });
    this.logger.warn(
      { source, stage, follower: key, err: describeError(error) },
      'collector follower failed',
    );
    if (key !== undefined) this.setFailing(source, key, true);
  }

  /** Runs background work whose failure must be counted, never become an unhandled rejection. */
  guard(source: SourceName, stage: CollectorStage, work: () => Promise<void>): void {
    work().catch((error: unknown) => this.error(source, stage, error));
  }

  /** The follower reached its source (a snapshot, a listing, an open stream). */
  ok(source: SourceName, key: string): void {
    this.setFailing(source, key, false);
  }

  /** A follower that no longer exists (a deleted pod) must not keep its source down. */
  forget(source: SourceName, key: string): void {
    this.setFailing(source, key, false);
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
