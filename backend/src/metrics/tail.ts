import { Counter, Gauge, type Registry } from 'prom-client';

/** The live tail: who watches, what is held open upstream for them, what went through. */
export function tailMetrics(registry: Registry) {
  return {
    tailSubscribers: new Gauge({
      name: 'log_aggregator_tail_subscribers',
      help: 'Live tail streams (GET /logs/tail) this process serves now.',
      registers: [registry],
    }),

    tailUpstreamStreams: new Gauge({
      name: 'log_aggregator_tail_upstream_streams',
      help: "Streams this process holds against a backing service for the live tail, by source: a pod container's log or a Firestore collection's listener (GCS is polled). One per container and collection, however many viewers.",
      labelNames: ['source'] as const,
      registers: [registry],
    }),

    tailEntries: new Counter({
      name: 'log_aggregator_tail_entries_total',
      help: 'Entries that reached this process for the live tail, by source (before each viewer’s filter).',
      labelNames: ['source'] as const,
      registers: [registry],
    }),

    tailRejected: new Counter({
      name: 'log_aggregator_tail_rejected_total',
      help: 'Live tail streams refused with 429 because a subscriber bound was reached.',
      registers: [registry],
    }),
  };
}

export type TailMetrics = ReturnType<typeof tailMetrics>;
