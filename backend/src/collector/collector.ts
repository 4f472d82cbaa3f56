import type { Logger } from 'pino';
import type { SourceName } from '../model/index.js';
import type { Follower, FollowOptions, LogSource } from '../query/log-source.js';
import { VolumeSink } from './sink.js';
import type { VolumeMetrics } from './volume-metrics.js';

/** How followers pace themselves (the COLLECTOR_* settings). */
export interface CollectorSettings {
  gcsIntervalMs: number;
  podRelistMs: number;
  /** Cap of the jittered exponential back-off between reconnects. */
  maxBackoffMs: number;
  /** Container log streams followed at once at most. */
  maxPodStreams: number;
}

export interface CollectorDeps {
  /** The sources this server serves; those that can follow are followed. */
  sources: readonly LogSource[];
  settings: CollectorSettings;
  metrics: VolumeMetrics;
  logger: Logger;
}

/**
 * The background log-volume collector: it asks every enabled source that can follow for a
 * follower (each source knows how: a listener per Firestore collection, a stream per
 * container, a periodic GCS listing) and counts what arrives into the volume metrics.
 * Everything it does is asynchronous, bounded and caught: it shares the process with the
 * request path and must never hold it up or bring it down. Sources that cannot follow
 * (in-memory ones) are simply not followed.
 */
export class Collector {
  private followers: Follower[] = [];

  constructor(private readonly deps: CollectorDeps) {}

  get running(): boolean {
    return this.followers.length > 0;
  }

  /** Starts following entries from `sinceMs` (now by default) on; a second call does nothing. */
  start(sinceMs = Date.now()): void {
    if (this.running) return;
    const { sources, settings, metrics, logger } = this.deps;
    const sink = new VolumeSink(metrics, logger);
    for (const source of sources) {
      if (!source.follow) continue;
      const options = followOptions(source.name, settings, sinceMs);
      this.followers.push(source.follow(sink.forSource(source.name), options));
    }
    for (const follower of this.followers) follower.start();
    logger.info({ followers: this.followers.length }, 'log-volume collector started');
  }

  /** Stops every follower; called before the sources close their clients. */
  stop(): void {
    for (const follower of this.followers) follower.stop();
    this.followers = [];
  }
}

/** The collector's settings as a source's follower takes them; each source polls at its own pace. */
export function followOptions(source: SourceName, c: CollectorSettings, sinceMs: number): FollowOptions {
  return {
    sinceMs,
    maxBackoffMs: c.maxBackoffMs,
    pollMs: source === 'pods' ? c.podRelistMs : c.gcsIntervalMs,
    maxStreams: c.maxPodStreams,
  };
}
