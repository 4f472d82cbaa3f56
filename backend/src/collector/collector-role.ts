import type { Logger } from 'pino';
import type { Leadership, LeaseElector } from './lease-elector.js';
import type { RoleMetrics } from './volume-metrics.js';

/** The longest a shutdown waits for the Lease to be released. */
const RELEASE_TIMEOUT_MS = 3_000;

/** What the one counting instance does: follow the sources (and what runs with that), and stop. */
export interface CollectorDuties {
  start(sinceMs?: number): void;
  stop(): void;
}

/** Builds the elector that drives a role (the Lease API and settings are the caller's). */
export type ElectorFactory = (leadership: Leadership) => LeaseElector;

/**
 * The collector role of one instance: without a Lease it counts from the start (a single
 * collector, as in compose); with one, it counts only while its elector holds the Lease
 * (deployments/collector.yaml runs two such instances: one counts, the other stands by).
 */
export class CollectorRole {
  private readonly elector?: LeaseElector;

  constructor(
    private readonly collector: CollectorDuties,
    private readonly metrics: RoleMetrics,
    private readonly logger: Logger,
    electorFor?: ElectorFactory,
  ) {
    this.elector = electorFor?.({ started: (since) => this.lead(since), stopped: () => this.standBy() });
  }

  start(): void {
    if (!this.elector) return this.lead(Date.now());
    this.metrics.collectorLeader.set(0);
    this.logger.info('collector standing by for its lease');
    this.elector.start();
  }

  /**
   * On SIGTERM: stop counting and hand the Lease over at once, before the server drains. An API
   * server that does not answer may not hold the shutdown up: the Lease then expires on its own.
   */
  async stop(): Promise<void> {
    if (this.elector) {
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<void>((resolve) => (timer = setTimeout(resolve, RELEASE_TIMEOUT_MS)));
      await Promise.race([this.elector.release(), late]).finally(() => clearTimeout(timer));
    }
    this.collector.stop();
  }

  private lead(sinceMs: number): void {
    this.metrics.collectorLeader.set(1);
    this.collector.start(sinceMs);
  }

  private standBy(): void {
    this.collector.stop();
    // A former leader exports no counts: only the instance counting now has the series.
    this.metrics.logEntries.reset();
    this.metrics.sourceLastEntry.reset();
    this.metrics.resetReconcile();
    this.metrics.collectorLeader.set(0);
  }
}
