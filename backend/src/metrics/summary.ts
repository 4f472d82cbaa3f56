import { Counter, Histogram, type Registry } from 'prom-client';
import type { CacheStatus } from '../cache/cache.js';
import type { SummaryObserver } from '../insight/insight-service.js';

/** What summaries cost and how they went: tokens, time, estimated dollars, failures, cache. */
export function summaryMetrics(registry: Registry) {
  const summaryTokens = new Counter({
    name: 'log_aggregator_summary_tokens_total',
    help: 'Tokens spent on summaries, by kind (prompt, completion) and provider.',
    labelNames: ['kind', 'provider'] as const,
    registers: [registry],
  });

  const summaryDuration = new Histogram({
    name: 'log_aggregator_summary_duration_seconds',
    help: 'Time to answer a summary (collection, digest and model), by provider and outcome (ok, cached, error).',
    labelNames: ['provider', 'outcome'] as const,
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 20, 30, 60, 120],
    registers: [registry],
  });

  const summaryCost = new Counter({
    name: 'log_aggregator_summary_cost_usd_total',
    help: 'Estimated cost of summaries in USD, from SUMMARY_PRICE_PROMPT_PER_1K and SUMMARY_PRICE_COMPLETION_PER_1K.',
    registers: [registry],
  });

  const summaryFailures = new Counter({
    name: 'log_aggregator_summary_failures_total',
    help: 'Summaries the provider could not give, by reason (auth, model, rate_limit, upstream, timeout, …).',
    labelNames: ['reason'] as const,
    registers: [registry],
  });

  const summaryCache = new Counter({
    name: 'log_aggregator_summary_cache_requests_total',
    help: 'Summary cache lookups by result: hit, miss, or coalesced into an identical summary in progress.',
    labelNames: ['result'] as const,
    registers: [registry],
  });

  /** One answered or failed summary; tokens and cost only when the provider was actually called. */
  const observeSummary: SummaryObserver = (outcome) => {
    const { provider, seconds } = outcome;
    summaryDuration.observe({ provider, outcome: outcome.outcome }, seconds);
    if (outcome.failure) summaryFailures.inc({ reason: outcome.failure });
    if (!outcome.usage) return;
    summaryTokens.inc({ kind: 'prompt', provider }, outcome.usage.promptTokens);
    summaryTokens.inc({ kind: 'completion', provider }, outcome.usage.completionTokens);
    if (outcome.costUsd) summaryCost.inc(outcome.costUsd);
  };

  return {
    summaryTokens,
    summaryDuration,
    summaryCost,
    summaryFailures,
    summaryCache,
    observeSummary,
    observeSummaryCache: (result: CacheStatus): void => {
      summaryCache.inc({ result });
    },
  };
}

export type SummaryMetrics = ReturnType<typeof summaryMetrics>;
