import { RECONCILE_KINDS } from '@gpt-runner-logs/contract';
import { Gauge, type Registry } from 'prom-client';
import type { ReconcileObserver } from '../query/correlation/reconcile.js';

/** The last complete reconciliation of the GCS archive against Firestore. */
export function reconcileMetrics(registry: Registry) {
  const mismatches = new Gauge({
    name: 'log_aggregator_reconcile_mismatches',
    help: 'Trades the last scheduled reconciliation found in one store only or with differing fields, by kind (only_in_gcs, only_in_firestore, field_differs).',
    labelNames: ['kind'] as const,
    registers: [registry],
  });
  const lastRun = new Gauge({
    name: 'log_aggregator_reconcile_last_run_timestamp_seconds',
    help: 'When the last complete scheduled reconciliation finished (unset until one has).',
    registers: [registry],
  });

  const observeReconcile: ReconcileObserver = (counts) => {
    for (const kind of RECONCILE_KINDS) mismatches.set({ kind }, counts[kind]);
    lastRun.setToCurrentTime();
  };
  return { observeReconcile };
}

export type ReconcileMetrics = ReturnType<typeof reconcileMetrics>;
