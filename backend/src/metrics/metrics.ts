import { Registry, collectDefaultMetrics } from 'prom-client';
import { cacheMetrics, type CacheMetrics } from './cache.js';
import { collectorMetrics, type CollectorMetrics } from './collector.js';
import { httpMetrics, type HttpMetrics } from './http.js';
import { reconcileMetrics, type ReconcileMetrics } from './reconcile.js';
import { sourceMetrics, type SourceMetrics } from './sources.js';
import { summaryMetrics, type SummaryMetrics } from './summary.js';

export type { CacheMetrics, CollectorMetrics, HttpMetrics, ReconcileMetrics, SourceMetrics, SummaryMetrics };

/**
 * The backend's own Prometheus metrics, one module per concern, on one registry. One
 * registry per app instance keeps tests and several apps in one process apart. Labels stay
 * low-cardinality: route templates, never raw paths, pod names or ids.
 *
 * The layers being measured never import this: each offers an observer (the engine's
 * `SourceObserver`, the cache's callbacks, the insight service's `SummaryObserver`) and the
 * composition root plugs these functions in.
 */
export type Metrics = { readonly registry: Registry } & HttpMetrics &
  SourceMetrics &
  CollectorMetrics &
  CacheMetrics &
  SummaryMetrics &
  ReconcileMetrics;

export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return {
    registry,
    ...httpMetrics(registry),
    ...sourceMetrics(registry),
    ...collectorMetrics(registry),
    ...cacheMetrics(registry),
    ...summaryMetrics(registry),
    ...reconcileMetrics(registry),
  };
}
