import type { SummaryProvider, Usage } from '@gpt-runner-logs/contract';
import type { Digest } from '../digest.js';
import type { PromptPlan } from '../prompt.js';
import type { GrafanaTarget } from './explore-links.js';

/** The contract every summary provider fulfils, and how one fails. */

export type ProviderName = SummaryProvider;
export type { Usage };

export interface SummaryRequest {
  digest: Digest;
  /** The planned prompt, given to providers that are `prompted`; the built-in one writes from the digest. */
  prompt?: PromptPlan;
  focus?: string;
  /** The caller's Grafana, for links in the summary. */
  grafana?: GrafanaTarget;
  signal?: AbortSignal;
  /** When given, the summary is streamed: called with each piece as it is generated. */
  onDelta?: (text: string) => void;
}

export interface SummaryOutcome {
  summary: string;
  usage: Usage;
}

/** What every provider offers: a markdown summary of a digest, optionally streamed. */
export interface Summarizer {
  readonly provider: ProviderName;
  readonly model: string;
  /** Whether it needs the planned prompt; planning counts tokens, so it is done only for these. */
  readonly prompted: boolean;
  summarize(request: SummaryRequest): Promise<SummaryOutcome>;
}

/** Why the provider could not answer. */
export type FailureReason =
  | 'auth'
  | 'model'
  | 'endpoint'
  | 'rate_limit'
  | 'upstream'
  | 'timeout'
  | 'connection'
  | 'bad_request'
  | 'aborted';

/**
 * 502 when the provider refused what this server sent (key, model, endpoint, request) or
 * failed on its side after retries, 503 when it still rate-limits after retries (or the
 * summary was cancelled), 504 when it did not answer in time.
 */
const STATUS: Record<FailureReason, number> = {
  auth: 502,
  model: 502,
  endpoint: 502,
  bad_request: 502,
  upstream: 502,
  connection: 502,
  rate_limit: 503,
  timeout: 504,
  aborted: 503,
};

/**
 * A provider failure, carrying its HTTP status as Koa's errors do. Its message is exposed
 * although the status is 5xx: it is written for the operator (which setting to check) and
 * holds nothing but the provider's own one-line answer.
 */
export class SummaryFailure extends Error {
  readonly status: number;
  readonly expose = true;
  readonly headers: Record<string, string>;

  constructor(
    readonly reason: FailureReason,
    message: string,
    readonly upstreamStatus?: number,
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.status = STATUS[reason];
    this.headers = retryAfterSeconds ? { 'Retry-After': String(retryAfterSeconds) } : {};
  }
}
