import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Cache, CacheOp, CacheStatus } from '../cache/cache.js';
import type { SourceName } from '../model/index.js';

/** What the summary pipeline reports about one request. */
export interface SummaryObservation {
  provider: string;
  outcome: 'ok' | 'cached' | 'error';
  seconds: number;
  usage?: { promptTokens: number; completionTokens: number };
  costUsd?: number;
  failure?: string;
}

/**
 * The backend's own Prometheus metrics. One registry per app instance keeps tests and
 * several apps in one process apart. Labels stay low-cardinality: route templates, never
 * raw paths, pod names or ids.
 */
export class Metrics {
  readonly registry = new Registry();

  readonly httpDuration = new Histogram({
    name: 'log_aggregator_http_request_duration_seconds',
    help: 'HTTP request latency by route template, method and status.',
    labelNames: ['route', 'method', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10],
    registers: [this.registry],
  });

  readonly sourceDuration = new Histogram({
    name: 'log_aggregator_source_request_duration_seconds',
    help: 'Latency of calls to each log source by outcome (ok, error, timeout).',
    labelNames: ['source', 'outcome'] as const,
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10],
    registers: [this.registry],
  });

  readonly sourceErrors = new Counter({
    name: 'log_aggregator_source_errors_total',
    help: 'Failed or timed-out calls to each log source.',
    labelNames: ['source', 'kind'] as const,
    registers: [this.registry],
  });

  readonly sourceUp = new Gauge({
    name: 'log_aggregator_source_up',
    help: '1 when the last readiness check or collector follower reached the source, else 0.',
    labelNames: ['source'] as const,
    registers: [this.registry],
  });

  readonly logEntries = new Counter({
    name: 'log_aggregator_log_entries_total',
    help: 'Log entries the collector saw arrive, by source, severity and origin (GCS prefix, Firestore collection, or namespace/app of a pod).',
    labelNames: ['source', 'severity', 'origin'] as const,
    registers: [this.registry],
  });

  readonly sourceLastEntry = new Gauge({
    name: 'log_aggregator_source_last_entry_timestamp_seconds',
    help: "Time of the newest entry the collector saw per source (the entry's own time, capped at the current time), in seconds since the epoch.",
    labelNames: ['source'] as const,
    registers: [this.registry],
  });

  readonly collectorReconnects = new Counter({
    name: 'log_aggregator_collector_reconnects_total',
    help: 'Times the collector reconnected a follower (a pod log stream or a Firestore listener) after it ended or failed.',
    labelNames: ['source'] as const,
    registers: [this.registry],
  });

  readonly collectorErrors = new Counter({
    name: 'log_aggregator_collector_errors_total',
    help: 'Failures the collector caught, by source and stage (listen, list, read, stream); none reaches a request.',
    labelNames: ['source', 'stage'] as const,
    registers: [this.registry],
  });

  readonly cacheRequests = new Counter({
    name: 'log_aggregator_cache_requests_total',
    help: 'Query cache lookups by result: hit, miss, or coalesced into an identical request in flight.',
    labelNames: ['result'] as const,
    registers: [this.registry],
  });

  private watchedCache?: Cache;

  readonly cacheUp = new Gauge({
    name: 'log_aggregator_cache_up',
    help: '1 when the query cache answers (always for the in-process cache), 0 while requests go uncached.',
    registers: [this.registry],
    // Asked at scrape time, so the gauge is as fresh as the scrape (bounded by the cache's command timeout).
    collect: async () => {
      if (this.watchedCache) this.cacheUp.set((await this.watchedCache.health()).up ? 1 : 0);
    },
  });

  readonly cacheErrors = new Counter({
    name: 'log_aggregator_cache_errors_total',
    help: 'Failed cache operations by op (get, set, ping, connect); each one was answered from the sources.',
    labelNames: ['op'] as const,
    registers: [this.registry],
  });

  readonly entriesReturned = new Counter({
    name: 'log_aggregator_entries_returned_total',
    help: 'Log entries returned to clients, by source.',
    labelNames: ['source'] as const,
    registers: [this.registry],
  });

  readonly summaryTokens = new Counter({
    name: 'log_aggregator_summary_tokens_total',
    help: 'Tokens spent on summaries, by kind (prompt, completion) and provider.',
    labelNames: ['kind', 'provider'] as const,
    registers: [this.registry],
  });

  readonly summaryDuration = new Histogram({
    name: 'log_aggregator_summary_duration_seconds',
    help: 'Time to answer a summary (collection, digest and model), by provider and outcome (ok, cached, error).',
    labelNames: ['provider', 'outcome'] as const,
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 20, 30, 60, 120],
    registers: [this.registry],
  });

  readonly summaryCost = new Counter({
    name: 'log_aggregator_summary_cost_usd_total',
    help: 'Estimated cost of summaries in USD, from SUMMARY_PRICE_PROMPT_PER_1K and SUMMARY_PRICE_COMPLETION_PER_1K.',
    registers: [this.registry],
  });

  readonly summaryFailures = new Counter({
    name: 'log_aggregator_summary_failures_total',
    help: 'Summaries the provider could not give, by reason (auth, model, rate_limit, upstream, timeout, …).',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });

  readonly summaryCache = new Counter({
    name: 'log_aggregator_summary_cache_requests_total',
    help: 'Summary cache lookups by result: hit, miss, or coalesced into an identical summary in progress.',
    labelNames: ['result'] as const,
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }

  observeSummaryCache = (result: CacheStatus): void => {
    this.summaryCache.inc({ result });
  };

  /** One answered or failed summary; tokens and cost only when the provider was actually called. */
  observeSummary = (outcome: SummaryObservation): void => {
    const { provider, seconds } = outcome;
    this.summaryDuration.observe({ provider, outcome: outcome.outcome }, seconds);
    if (outcome.failure) this.summaryFailures.inc({ reason: outcome.failure });
    if (!outcome.usage) return;
    this.summaryTokens.inc({ kind: 'prompt', provider }, outcome.usage.promptTokens);
    this.summaryTokens.inc({ kind: 'completion', provider }, outcome.usage.completionTokens);
    if (outcome.costUsd) this.summaryCost.inc(outcome.costUsd);
  };

  observeSource = (source: SourceName, tookMs: number, outcome: 'ok' | 'error' | 'timeout'): void => {
    this.sourceDuration.observe({ source, outcome }, tookMs / 1000);
    if (outcome !== 'ok') this.sourceErrors.inc({ source, kind: outcome });
  };

  observeCache = (result: CacheStatus): void => {
    this.cacheRequests.inc({ result });
  };

  observeCacheError = (op: CacheOp): void => {
    this.cacheErrors.inc({ op });
  };

  /** The cache whose health `log_aggregator_cache_up` reports. */
  watchCache(cache: Cache): void {
    this.watchedCache = cache;
  }
}
