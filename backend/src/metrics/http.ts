import { Counter, Histogram, type Registry } from 'prom-client';

/** What the HTTP edge reports: request latency by route template, and entries returned. */
export function httpMetrics(registry: Registry) {
  return {
    httpDuration: new Histogram({
      name: 'log_aggregator_http_request_duration_seconds',
      help: 'HTTP request latency by route template, method and status.',
      labelNames: ['route', 'method', 'status'] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10],
      registers: [registry],
    }),

    entriesReturned: new Counter({
      name: 'log_aggregator_entries_returned_total',
      help: 'Log entries returned to clients, by source.',
      labelNames: ['source'] as const,
      registers: [registry],
    }),
  };
}

export type HttpMetrics = ReturnType<typeof httpMetrics>;
