import { ROLES } from '@gpt-runner-logs/contract';
import { z } from 'zod';
import { SEVERITIES, SOURCE_NAMES, type SourceName } from './model/index.js';
import type { FieldMapping } from './sources/mapping/record-mapper.js';

/**
 * Every setting comes from the environment (a ConfigMap and a Secret in Kubernetes) and is
 * validated once at start, so a typo stops the process with the variable's name instead of
 * failing on the first request.
 */
const tokenSchema = z.object({
  name: z.string().min(1),
  sha256: z
    .string()
    .regex(/^[0-9a-f]{64}$/i, 'must be the hex SHA-256 of the token')
    .transform((hash) => hash.toLowerCase()),
  role: z.enum(ROLES),
  sources: z
    .array(z.enum(SOURCE_NAMES))
    .min(1)
    .default([...SOURCE_NAMES]),
});

export type TokenConfig = z.infer<typeof tokenSchema>;

const jsonArray = (inner: z.ZodType, what: string) =>
  z
    .string({ error: `is required: ${what}` })
    .transform((text, ctx) => {
      try {
        return JSON.parse(text) as unknown;
      } catch {
        ctx.addIssue({ code: 'custom', message: 'must be JSON' });
        return z.NEVER;
      }
    })
    .pipe(inner);

const integer = (min: number, max: number, fallback: number) =>
  z.coerce.number().int().min(min).max(max).default(fallback);

const sourceList = z
  .string()
  .transform((text) =>
    text
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  )
  .pipe(z.array(z.enum(SOURCE_NAMES)).min(1));

const csv = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((text) =>
      text
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    );

const jsonMap = <T extends z.ZodType>(value: T, what: string) =>
  jsonArray(z.record(z.string(), value), what).optional();

const mappingOverride = z
  .object({
    timestampFields: z.array(z.string()),
    severityFields: z.array(z.string()),
    messageFields: z.array(z.string()),
    labelFields: z.array(z.string()),
    defaultSeverity: z.enum(SEVERITIES),
  })
  .partial()
  .strict();

/** `true`/`false` (also `1`/`0`), as environment variables spell flags. */
const flag = (fallback: boolean) =>
  z
    .enum(['true', 'false', '1', '0'], { error: 'must be true or false' })
    .default(fallback ? 'true' : 'false')
    .transform((value) => value === 'true' || value === '1');

/** An unset and an empty variable mean the same: a Secret key left blank must not count as set. */
const optionalText = z
  .string()
  .optional()
  .transform((value) => (value?.trim() ? value.trim() : undefined));

const pricePer1K = (fallback: number) => z.coerce.number().min(0).max(1_000).default(fallback);

const envSchema = z.object({
  HOST: z.string().min(1).default('0.0.0.0'),
  PORT: integer(0, 65535, 8080),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  AUTH_TOKENS: jsonArray(
    z.array(tokenSchema).min(1, 'must list at least one token'),
    'a JSON list of {name, sha256, role, sources}',
  ),
  CURSOR_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  ENABLED_SOURCES: sourceList.default([...SOURCE_NAMES]),
  SOURCE_TIMEOUT_MS: integer(100, 120_000, 5_000),
  CACHE_TTL_SECONDS: integer(0, 86_400, 15),
  CACHE_MAX_ENTRIES: integer(1, 1_000_000, 1_000),
  // The shared cache for several replicas; the in-process cache stays the default.
  CACHE_BACKEND: z.enum(['memory', 'redis']).default('memory'),
  REDIS_URL: optionalText.pipe(
    z
      .string()
      .regex(/^rediss?:\/\/[^\s/?#]+(?:[/?]\S*)?$/, 'must be a redis:// or rediss:// URL')
      .optional(),
  ),
  REDIS_KEY_PREFIX: z.string().min(1).max(200).default('gpt-runner-logs:'),
  REDIS_COMMAND_TIMEOUT_MS: integer(10, 60_000, 200),
  REDIS_MAX_VALUE_BYTES: integer(1_024, 512 * 1024 * 1024, 8 * 1024 * 1024),
  SHUTDOWN_TIMEOUT_MS: integer(0, 600_000, 10_000),
  FIELD_MAPPINGS: jsonMap(mappingOverride, 'a JSON object of prefix or collection → field mapping'),

  GOOGLE_CLOUD_PROJECT: z.string().min(1).optional(),
  GCS_BUCKET: z
    .string()
    .regex(/^[a-z0-9][a-z0-9._-]{1,220}[a-z0-9]$/, 'must be a GCS bucket name')
    .default('gpt-runner-logs'),
  GCS_PREFIXES: csv('trades/,reflections/,strategies/'),
  GCS_API_ENDPOINT: z.url().optional(),
  GCS_DOWNLOAD_CONCURRENCY: integer(1, 64, 8),
  GCS_MAX_OBJECT_MB: integer(1, 4096, 256),
  GCS_OBJECT_CACHE_ENTRIES: integer(0, 10_000_000, 200_000),
  GCS_MAX_LIST_CALLS: integer(1, 10_000, 200),
  GCS_NAME_SLACK_MINUTES: integer(0, 10_080, 60),
  GCS_LISTING_TTL_SECONDS: integer(0, 86_400, 10),
  GCS_CLOSED_LISTING_TTL_SECONDS: integer(0, 86_400, 300),

  FIRESTORE_COLLECTIONS: csv('gpt_runner_trades,gpt_runner_reflections'),
  FIRESTORE_DATABASE_ID: z.string().min(1).default('(default)'),
  FIRESTORE_EMULATOR_HOST: z
    .string()
    .regex(/^[\w.-]+:\d+$/, 'must be host:port')
    .optional(),
  FIRESTORE_TIME_FIELD: z.string().min(1).default('timestamp'),
  FIRESTORE_TIME_FIELDS: jsonMap(z.string().min(1), 'a JSON object of collection → time field'),
  FIRESTORE_TIME_TYPE: z.enum(['timestamp', 'string', 'millis']).default('timestamp'),
  FIRESTORE_SEVERITY_FIELDS: jsonMap(z.string().min(1), 'a JSON object of collection → severity field'),
  FIRESTORE_BATCH_SIZE: integer(1, 10_000, 500),

  K8S_NAMESPACES: csv('gpt-runner'),
  K8S_LABEL_SELECTOR: z.string().optional(),
  K8S_API_URL: z.url().optional(),
  K8S_TAIL_LINES: integer(1, 1_000_000, 10_000),
  K8S_MAX_STREAM_MB: integer(1, 1024, 16),
  K8S_CONCURRENCY: integer(1, 64, 8),

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

  // Off by default: every replica would follow every source, multiplying the counts and the
  // load on the API server and Firestore; enable it on one replica (or one small Deployment).
  COLLECTOR_ENABLED: flag(false),
  COLLECTOR_GCS_INTERVAL_SECONDS: integer(1, 86_400, 60),
  COLLECTOR_POD_RELIST_SECONDS: integer(1, 86_400, 30),
  COLLECTOR_MAX_BACKOFF_SECONDS: integer(1, 3_600, 60),
  COLLECTOR_MAX_POD_STREAMS: integer(1, 10_000, 200),
});

/** Rules across variables, reported with the variable to fix. */
const checkedEnvSchema = envSchema.superRefine((env, ctx) => {
  if (env.CACHE_BACKEND === 'redis' && !env.REDIS_URL)
    ctx.addIssue({ code: 'custom', path: ['REDIS_URL'], message: 'is required when CACHE_BACKEND is redis' });
});

export interface Config {
  host: string;
  port: number;
  logLevel: z.infer<typeof envSchema>['LOG_LEVEL'];
  tokens: TokenConfig[];
  /** Signs cursors; replicas must share it, so a random one only suits a single process. */
  cursorSecret?: string;
  enabledSources: SourceName[];
  sourceTimeoutMs: number;
  cache: {
    /** `memory` (per process) unless `redis` is configured. */
    backend?: 'memory' | 'redis';
    ttlSeconds: number;
    /** Per process in memory, per key prefix in Redis. */
    maxEntries: number;
    redis?: RedisCacheConfig;
  };
  shutdownTimeoutMs: number;
  /** Field-mapping overrides by GCS prefix or Firestore collection. */
  fieldMappings: Record<string, Partial<FieldMapping>>;
  projectId?: string;
  gcs: {
    bucket: string;
    prefixes: string[];
    apiEndpoint?: string;
    downloadConcurrency: number;
    maxObjectBytes: number;
    objectCacheEntries: number;
    maxListCalls: number;
    nameSlackMs: number;
    listingTtlMs: { open: number; closed: number };
  };
  firestore: {
    collections: string[];
    databaseId: string;
    /** `host:port` of an emulator; production leaves it unset. */
    emulatorHost?: string;
    timeField: string;
    timeFields: Record<string, string>;
    timeType: 'timestamp' | 'string' | 'millis';
    severityFields: Record<string, string>;
    batchSize: number;
  };
  pods: {
    namespaces: string[];
    labelSelector?: string;
    apiUrl?: string;
    tailLines: number;
    maxBytesPerStream: number;
    concurrency: number;
  };
  summary: SummaryConfig;
  redaction: {
    /** Also redact `/logs` responses; summaries and patterns are always redacted. */
    responses: boolean;
    emails: boolean;
  };
  collector: CollectorConfig;
}

/** The background log-volume collector (metrics only; it never serves a request). */
export interface CollectorConfig {
  /** Whether `main.ts` starts it once the server listens. */
  enabled: boolean;
  gcsIntervalMs: number;
  podRelistMs: number;
  /** Cap of the jittered exponential back-off between reconnects. */
  maxBackoffMs: number;
  /** Container log streams followed at once at most. */
  maxPodStreams: number;
}

/** Present when `REDIS_URL` is set; used when `CACHE_BACKEND=redis`. */
export interface RedisCacheConfig {
  url: string;
  keyPrefix: string;
  commandTimeoutMs: number;
  maxValueBytes: number;
}

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

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

function describeIssue(issue: z.core.$ZodIssue): string {
  const [variable, ...rest] = issue.path.map(String);
  const where = rest.length > 0 ? `${variable} (at ${rest.join('.')})` : variable;
  return `${where}: ${issue.message}`;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = checkedEnvSchema.safeParse(env);
  if (!parsed.success) throw new ConfigError(parsed.error.issues.map(describeIssue));
  const e = parsed.data;
  return {
    host: e.HOST,
    port: e.PORT,
    logLevel: e.LOG_LEVEL,
    tokens: e.AUTH_TOKENS as TokenConfig[],
    cursorSecret: e.CURSOR_SECRET,
    enabledSources: e.ENABLED_SOURCES,
    sourceTimeoutMs: e.SOURCE_TIMEOUT_MS,
    cache: {
      backend: e.CACHE_BACKEND,
      ttlSeconds: e.CACHE_TTL_SECONDS,
      maxEntries: e.CACHE_MAX_ENTRIES,
      redis: e.REDIS_URL
        ? {
            url: e.REDIS_URL,
            keyPrefix: e.REDIS_KEY_PREFIX,
            commandTimeoutMs: e.REDIS_COMMAND_TIMEOUT_MS,
            maxValueBytes: e.REDIS_MAX_VALUE_BYTES,
          }
        : undefined,
    },
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    fieldMappings: (e.FIELD_MAPPINGS ?? {}) as Record<string, Partial<FieldMapping>>,
    projectId: e.GOOGLE_CLOUD_PROJECT,
    gcs: {
      bucket: e.GCS_BUCKET,
      prefixes: e.GCS_PREFIXES,
      apiEndpoint: e.GCS_API_ENDPOINT,
      downloadConcurrency: e.GCS_DOWNLOAD_CONCURRENCY,
      maxObjectBytes: e.GCS_MAX_OBJECT_MB * 1024 * 1024,
      objectCacheEntries: e.GCS_OBJECT_CACHE_ENTRIES,
      maxListCalls: e.GCS_MAX_LIST_CALLS,
      nameSlackMs: e.GCS_NAME_SLACK_MINUTES * 60_000,
      listingTtlMs: {
        open: e.GCS_LISTING_TTL_SECONDS * 1000,
        closed: e.GCS_CLOSED_LISTING_TTL_SECONDS * 1000,
      },
    },
    firestore: {
      collections: e.FIRESTORE_COLLECTIONS,
      databaseId: e.FIRESTORE_DATABASE_ID,
      emulatorHost: e.FIRESTORE_EMULATOR_HOST,
      timeField: e.FIRESTORE_TIME_FIELD,
      timeFields: (e.FIRESTORE_TIME_FIELDS ?? {}) as Record<string, string>,
      timeType: e.FIRESTORE_TIME_TYPE,
      severityFields: (e.FIRESTORE_SEVERITY_FIELDS ?? {}) as Record<string, string>,
      batchSize: e.FIRESTORE_BATCH_SIZE,
    },
    pods: {
      namespaces: e.K8S_NAMESPACES,
      labelSelector: e.K8S_LABEL_SELECTOR,
      apiUrl: e.K8S_API_URL,
      tailLines: e.K8S_TAIL_LINES,
      maxBytesPerStream: e.K8S_MAX_STREAM_MB * 1024 * 1024,
      concurrency: e.K8S_CONCURRENCY,
    },
    summary: {
      apiKey: e.OPENAI_API_KEY,
      baseURL: e.OPENAI_BASE_URL,
      model: e.OPENAI_MODEL,
      timeoutMs: e.SUMMARY_TIMEOUT_MS,
      maxRetries: e.SUMMARY_MAX_RETRIES,
      maxPromptTokens: e.SUMMARY_MAX_PROMPT_TOKENS,
      maxCompletionTokens: e.SUMMARY_MAX_COMPLETION_TOKENS,
      cacheTtlSeconds: e.SUMMARY_CACHE_TTL_SECONDS,
      pricePer1K: { prompt: e.SUMMARY_PRICE_PROMPT_PER_1K, completion: e.SUMMARY_PRICE_COMPLETION_PER_1K },
    },
    redaction: { responses: e.REDACT_RESPONSES, emails: e.REDACT_EMAILS },
    collector: {
      enabled: e.COLLECTOR_ENABLED,
      gcsIntervalMs: e.COLLECTOR_GCS_INTERVAL_SECONDS * 1000,
      podRelistMs: e.COLLECTOR_POD_RELIST_SECONDS * 1000,
      maxBackoffMs: e.COLLECTOR_MAX_BACKOFF_SECONDS * 1000,
      maxPodStreams: e.COLLECTOR_MAX_POD_STREAMS,
    },
  };
}
