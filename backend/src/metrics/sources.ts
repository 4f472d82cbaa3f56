import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { SourceObserver } from '../query/engine.js';
import type { BackendCallObserver } from '../query/log-source.js';

/** Calls to the log sources, as the query engine and the readiness check see them. */
export function sourceMetrics(registry: Registry) {
  const sourceDuration = new Histogram({
    name: 'log_aggregator_source_request_duration_seconds',
    help: 'Latency of calls to each log source by outcome (ok, error, timeout).',
    labelNames: ['source', 'outcome'] as const,
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10],
    registers: [registry],
  });

  const sourceErrors = new Counter({
    name: 'log_aggregator_source_errors_total',
    help: 'Failed or timed-out calls to each log source.',
    labelNames: ['source', 'kind'] as const,
    registers: [registry],
  });

  const sourceUp = new Gauge({
    name: 'log_aggregator_source_up',
    help: '1 when the last readiness check or collector follower reached the source, else 0.',
    labelNames: ['source'] as const,
    registers: [registry],
  });

  const observeSource: SourceObserver = (source, tookMs, outcome) => {
    sourceDuration.observe({ source, outcome }, tookMs / 1000);
    if (outcome !== 'ok') sourceErrors.inc({ source, kind: outcome });
  };

  const backendCalls = new Counter({
    name: 'log_aggregator_backend_calls_total',
    help: 'Calls to the backing services, by source and call (Firestore query, aggregation, listen; GCS list, download; pods list, read, stream, read_pod).',
    labelNames: ['source', 'call'] as const,
    registers: [registry],
  });

  const observeBackendCall: BackendCallObserver = (source, call) => {
    backendCalls.inc({ source, call });
  };

  return { sourceDuration, sourceErrors, sourceUp, observeSource, backendCalls, observeBackendCall };
}

export type SourceMetrics = ReturnType<typeof sourceMetrics>;
