import type { Logger } from 'pino';
import type { Config } from '../config/index.js';
import type { Metrics } from '../metrics/metrics.js';
import { formatEpochMs } from '../model/index.js';
import { FirestoreSource } from '../sources/firestore/firestore-source.js';
import { GcsSource } from '../sources/gcs/gcs-source.js';
import type { LogSource } from '../sources/log-source.js';
import { PodSource } from '../sources/pods/pod-source.js';
import { FirestoreFollower } from './firestore-follower.js';
import { GcsFollower } from './gcs-follower.js';
import { PodFollower } from './pod-follower.js';
import { VolumeSink } from './sink.js';

export interface CollectorDeps {
  config: Config;
  sources: readonly LogSource[];
  metrics: Metrics;
  logger: Logger;
}

interface Follower {
  start(): void;
  stop(): void;
}

/**
 * The background log-volume collector: one follower per source (a listener per Firestore
 * collection, a stream per container, a periodic GCS listing) counting what arrives into
 * Prometheus metrics. Everything it does is asynchronous, bounded and caught: it shares
 * the process with the request path and must never hold it up or bring it down.
 * Sources it does not know (the demo's in-memory ones) are simply not followed.
 */
export class Collector {
  private followers: Follower[] = [];

  constructor(private readonly deps: CollectorDeps) {}

  get running(): boolean {
    return this.followers.length > 0;
  }

  /** Starts following from now on; a second call does nothing. */
  start(): void {
    if (this.running) return;
    const { config, sources, metrics, logger } = this.deps;
    const sink = new VolumeSink(metrics, logger);
    const sinceMs = Date.now();
    const since = formatEpochMs(sinceMs);
    const c = config.collector;
    const enabled = sources.filter((s) => config.enabledSources.includes(s.name));
    for (const source of enabled) {
      if (source instanceof FirestoreSource) {
        for (const collection of source.collections)
          this.followers.push(
            new FirestoreFollower({ source, collection, sink, since, maxBackoffMs: c.maxBackoffMs }),
          );
      } else if (source instanceof PodSource) {
        this.followers.push(
          new PodFollower({
            source,
            sink,
            since,
            relistMs: c.podRelistMs,
            maxBackoffMs: c.maxBackoffMs,
            maxStreams: c.maxPodStreams,
          }),
        );
      } else if (source instanceof GcsSource) {
        this.followers.push(
          new GcsFollower({
            source,
            sink,
            sinceMs,
            intervalMs: c.gcsIntervalMs,
            nameSlackMs: config.gcs.nameSlackMs,
            closedListingTtlMs: config.gcs.listingTtlMs.closed,
            maxListCalls: config.gcs.maxListCalls,
          }),
        );
      }
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
