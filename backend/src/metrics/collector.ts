import { Counter, Gauge, type Registry } from 'prom-client';

/** The log-volume contract the alert rules and dashboards read; the collector feeds it. */
export function collectorMetrics(registry: Registry) {
  return {
    logEntries: new Counter({
      name: 'log_aggregator_log_entries_total',
      help: 'Log entries the collector saw arrive, by source, severity and origin (GCS prefix, Firestore collection, or namespace/app of a pod).',
      labelNames: ['source', 'severity', 'origin'] as const,
      registers: [registry],
    }),

    sourceLastEntry: new Gauge({
      name: 'log_aggregator_source_last_entry_timestamp_seconds',
      help: "Time of the newest entry the collector saw per source (the entry's own time, capped at the current time), in seconds since the epoch.",
      labelNames: ['source'] as const,
      registers: [registry],
    }),

    collectorReconnects: new Counter({
      name: 'log_aggregator_collector_reconnects_total',
      help: 'Times the collector reconnected a follower (a pod log stream or a Firestore listener) after it ended or failed.',
      labelNames: ['source'] as const,
      registers: [registry],
    }),

    collectorLeader: new Gauge({
      name: 'log_aggregator_collector_leader',
      help: 'Whether this instance is the one that counts log volume (1) or not (0: a standby of the collector role, or an API replica).',
      registers: [registry],
    }),

    collectorErrors: new Counter({
      name: 'log_aggregator_collector_errors_total',
      help: 'Failures the collector caught, by source and stage (listen, list, read, stream); none reaches a request.',
      labelNames: ['source', 'stage'] as const,
      registers: [registry],
    }),
  };
}

export type CollectorMetrics = ReturnType<typeof collectorMetrics>;
