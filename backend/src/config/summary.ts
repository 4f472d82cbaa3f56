import { z } from 'zod';
import { flag, integer, optionalText } from './env.js';

const pricePer1K = (fallback: number) => z.coerce.number().min(0).max(1_000).default(fallback);

export const summaryEnv = {
  OPENAI_API_KEY: optionalText,
  OPENAI_BASE_URL: optionalText.pipe(z.url().optional()),
  OPENAI_MODEL: z.string().trim().min(1).default('gpt-4o-mini'),
  SUMMARY_TIMEOUT_MS: integer(100, 600_000, 30_000),
  SUMMARY_MAX_RETRIES: integer(0, 10, 2),
  SUMMARY_MAX_PROMPT_TOKENS: integer(1_000, 1_000_000, 12_000),
  SUMMARY_MAX_COMPLETION_TOKENS: integer(64, 100_000, 1_000),
  SUMMARY_CACHE_TTL_SECONDS: integer(0, 86_400, 300),
  // gpt-4o-mini's list prices in USD.
  SUMMARY_PRICE_PROMPT_PER_1K: pricePer1K(0.00015),
  SUMMARY_PRICE_COMPLETION_PER_1K: pricePer1K(0.0006),
  REDACT_RESPONSES: flag(false),
  REDACT_EMAILS: flag(false),
};

type SummaryEnv = z.infer<z.ZodObject<typeof summaryEnv>>;

/** LLM summaries: without an API key the built-in summary (written from the digest) answers. */
export interface SummaryConfig {
  apiKey?: string;
  /** Any OpenAI-compatible server; the client's default (api.openai.com) when unset. */
  baseURL?: string;
  model: string;
  /** Budget of one upstream attempt; the client retries 429, 5xx and time-outs on top. */
  timeoutMs: number;
  maxRetries: number;
  maxPromptTokens: number;
  maxCompletionTokens: number;
  cacheTtlSeconds: number;
  pricePer1K: { prompt: number; completion: number };
}

export interface RedactionConfig {
  /** Also redact `/logs` responses; summaries and patterns are always redacted. */
  responses: boolean;
  emails: boolean;
}

export const summaryConfig = (e: SummaryEnv): SummaryConfig => ({
  apiKey: e.OPENAI_API_KEY,
  baseURL: e.OPENAI_BASE_URL,
  model: e.OPENAI_MODEL,
  timeoutMs: e.SUMMARY_TIMEOUT_MS,
  maxRetries: e.SUMMARY_MAX_RETRIES,
  maxPromptTokens: e.SUMMARY_MAX_PROMPT_TOKENS,
  maxCompletionTokens: e.SUMMARY_MAX_COMPLETION_TOKENS,
  cacheTtlSeconds: e.SUMMARY_CACHE_TTL_SECONDS,
  pricePer1K: { prompt: e.SUMMARY_PRICE_PROMPT_PER_1K, completion: e.SUMMARY_PRICE_COMPLETION_PER_1K },
});

export const redactionConfig = (e: SummaryEnv): RedactionConfig => ({
  responses: e.REDACT_RESPONSES,
  emails: e.REDACT_EMAILS,
});
