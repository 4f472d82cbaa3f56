import type { PatternsResponse, SummaryResponse } from '@gpt-runner-logs/contract';
import { createHash } from 'node:crypto';
import type { CachedCalls } from '../cache/cached-call.js';
import { yieldToLoop, type LogQuery } from '../model/index.js';
import { queryFingerprint } from '../query/cursor.js';
import { EntriesFingerprint } from '../query/collect.js';
import type { QueryEngine } from '../query/engine.js';
import { buildDigestInSlices, mineEntriesInSlices, type Digest } from './digest.js';
import { withVolumes } from './pattern-volume.js';
import type { PatternTemplate } from './patterns/index.js';
import { planSummaryPrompt, promptBudget, type PromptPlan } from './prompt.js';
import { readForInsight, type InsightRead } from './read.js';
import type { Redactor } from './redaction/index.js';
import type { GrafanaTarget } from './summary/explore-links.js';
import { SummaryFailure, type ProviderName, type Summarizer, type Usage } from './summary/provider.js';

/**
 * Patterns and summaries of a query: read (up to `maxEntries`), redact, mine, digest, and
 * for summaries prompt the provider, behind a cache keyed by the query and the entries read.
 *
 * Everything here works on redacted messages, so templates, examples, the digest and the
 * prompt never carry a secret, and a template has the same id in patterns and summaries.
 */

export interface SummarySettings {
  maxPromptTokens: number;
  maxCompletionTokens: number;
  cacheTtlSeconds: number;
  pricePer1K: { prompt: number; completion: number };
}

/** What the summary pipeline reports about one request. */
export interface SummaryObservation {
  provider: string;
  outcome: 'ok' | 'cached' | 'error';
  seconds: number;
  usage?: Usage;
  costUsd?: number;
  failure?: string;
}

/** Whoever counts summaries (the metrics) plugs in here; the service knows no metrics library. */
export type SummaryObserver = (observation: SummaryObservation) => void;

export interface InsightServiceDeps {
  engine: Pick<QueryEngine, 'page'>;
  /** A cache of its own or shared; keys are prefixed `summary:`. */
  calls: CachedCalls;
  summarizer: Summarizer;
  redactor: Redactor;
  settings: SummarySettings;
  observe?: SummaryObserver;
}

/** Patterns as the service finds them; the route adds how long it took. */
export interface PatternsResult {
  templates: PatternTemplate[];
  buckets: NonNullable<PatternsResponse['buckets']>;
  stats: Omit<PatternsResponse['stats'], 'tookMs'>;
}

/** A summary request once its entries are read and digested, before the provider is asked. */
export interface PreparedSummary {
  query: LogQuery;
  focus?: string;
  grafana?: GrafanaTarget;
  digest: Digest;
  templates: PatternTemplate[];
  cacheKey: string;
  startedAt: number;
}

/** A summary exactly as `POST /logs/summary` answers it. */
export type SummaryResult = SummaryResponse;

export class InsightService {
  constructor(private readonly deps: InsightServiceDeps) {}

  get provider(): ProviderName {
    return this.deps.summarizer.provider;
  }

  async patterns(query: LogQuery, maxEntries: number): Promise<PatternsResult> {
    const { entries, stats } = await this.read(query, maxEntries);
    const mined = await mineEntriesInSlices(entries);
    await yieldToLoop();
    const { templates, buckets } = withVolumes(mined, entries, query.from, query.to);
    return { templates, buckets, stats: { ...stats, distinct: templates.length } };
  }

  async prepare(
    query: LogQuery,
    maxEntries: number,
    askedFocus?: string,
    grafana?: GrafanaTarget,
  ): Promise<PreparedSummary> {
    const startedAt = performance.now();
    // The focus is the caller's text, echoed by providers: redacted like everything it sits beside.
    const focus = askedFocus === undefined ? undefined : this.deps.redactor.redactText(askedFocus);
    const fingerprint = new EntriesFingerprint();
    const { entries, stats } = await this.read(query, maxEntries, fingerprint);
    const mined = await mineEntriesInSlices(entries);
    // A truncated read covers only its newest part of the window; the digest says so in its window.
    const from = stats.truncated && entries[0] ? entries[0].timestamp : query.from;
    const input = { ...stats, warnings: stats.warnings.map((w) => w.message) };
    // Each stage goes over every entry: other requests get a turn between them and within them.
    const digest = await buildDigestInSlices(entries, { from, to: query.to, input }, mined);
    const cacheKey = this.cacheKey(query, maxEntries, focus, grafana, fingerprint.digest());
    return { query, focus, grafana, digest, templates: mined.templates, cacheKey, startedAt };
  }

  /**
   * Answers from the cache or asks the provider. `onDelta` receives the summary as it is
   * generated; an answer from the cache (or from an identical request in progress) arrives
   * whole, so the caller sends it as one piece.
   */
  async summarize(prepared: PreparedSummary, onDelta?: (text: string) => void): Promise<SummaryResult> {
    const { summarizer, calls, settings } = this.deps;
    const compute = async (): Promise<Omit<SummaryResult, 'cached'>> => {
      // Planned here, on a cache miss only: the provider just talks to the model.
      const prompt = summarizer.prompted ? this.plan(prepared) : undefined;
      const outcome = await summarizer.summarize({
        digest: prepared.digest,
        focus: prepared.focus,
        grafana: prepared.grafana,
        prompt,
        onDelta,
      });
      return { ...outcome, provider: summarizer.provider, model: summarizer.model, digest: prepared.digest };
    };
    try {
      const { value, cache } = await calls.run(
        prepared.cacheKey,
        settings.cacheTtlSeconds,
        compute,
        // A partial digest misses a source that may answer on the next refresh.
        (result) => !result.digest.input.partial,
      );
      const cached = cache !== 'miss';
      this.observe(prepared, cached ? 'cached' : 'ok', cached ? undefined : value.usage);
      return { ...value, cached };
    } catch (error) {
      const failure = error instanceof SummaryFailure ? error.reason : 'internal';
      this.observe(prepared, 'error', undefined, failure);
      throw error;
    }
  }

  private plan(prepared: PreparedSummary): PromptPlan {
    const { settings, summarizer, redactor } = this.deps;
    return planSummaryPrompt(prepared.digest, prepared.templates, {
      model: summarizer.model,
      maxPromptTokens: settings.maxPromptTokens,
      maxCompletionTokens: settings.maxCompletionTokens,
      redact: redactor.redactText,
      focus: prepared.focus,
    });
  }

  /** Redacted and cut down page by page: a read of `maxEntries` holds small rows, not records. */
  private read(query: LogQuery, maxEntries: number, fingerprint?: EntriesFingerprint): Promise<InsightRead> {
    const { engine, redactor } = this.deps;
    return readForInsight(engine, query, maxEntries, redactor.redactText, fingerprint);
  }

  /** The query without its window (a relative window moves on every refresh) and the fingerprint of the entries it read. */
  private cacheKey(
    query: LogQuery,
    maxEntries: number,
    focus: string | undefined,
    grafana: GrafanaTarget | undefined,
    entries: string,
  ): string {
    const { summarizer, settings } = this.deps;
    const identity = {
      v: 2,
      query: queryFingerprint(query),
      maxEntries,
      focus: focus ?? null,
      // Links in the summary point at the caller's Grafana.
      grafana: grafana ?? null,
      provider: summarizer.provider,
      model: summarizer.model,
      budget: promptBudget({ ...settings, model: summarizer.model }),
      entries,
    };
    return `summary:${createHash('sha256').update(JSON.stringify(identity)).digest('base64url')}`;
  }

  private observe(
    prepared: PreparedSummary,
    outcome: 'ok' | 'cached' | 'error',
    usage?: Usage,
    failure?: string,
  ) {
    const { summarizer, settings, observe } = this.deps;
    if (!observe) return;
    const seconds = (performance.now() - prepared.startedAt) / 1000;
    const costUsd =
      usage && summarizer.provider !== 'builtin'
        ? (usage.promptTokens / 1000) * settings.pricePer1K.prompt +
          (usage.completionTokens / 1000) * settings.pricePer1K.completion
        : undefined;
    observe({ provider: summarizer.provider, outcome, seconds, usage, costUsd, failure });
  }
}
