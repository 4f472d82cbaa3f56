import { z } from 'zod';
import { SEVERITIES, SOURCE_NAMES, type SourceName } from '../model/index.js';
import type { FieldMapping } from '../sources/mapping/record-mapper.js';
import { csv, integer, jsonMap } from './env.js';

const sourceList = z
  .string()
  .transform((text) =>
    text
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  )
  .pipe(z.array(z.enum(SOURCE_NAMES)).min(1));

// Checked here against the keys of the sources' own `FieldMapping` (below), which it must produce.
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

/**
 * Where GPT Runner+ itself keeps the time of a document when it is not `FIRESTORE_TIME_FIELD`:
 * its reflections carry `created_at`. A query ordered by a field silently leaves out every
 * document without it, so the default follows the documented layout; `FIRESTORE_TIME_FIELDS`
 * overrides it collection by collection.
 */
export const GPT_RUNNER_TIME_FIELDS: Readonly<Record<string, string>> = Object.freeze({
  gpt_runner_reflections: 'created_at',
});

export const sourcesEnv = {
  ENABLED_SOURCES: sourceList.default([...SOURCE_NAMES]),
  SOURCE_TIMEOUT_MS: integer(100, 120_000, 5_000),
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
};

type SourcesEnv = z.infer<z.ZodObject<typeof sourcesEnv>>;

export interface SourcesConfig {
  enabledSources: SourceName[];
  sourceTimeoutMs: number;
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
    /** A download silent this long fails with a warning naming its object. */
    downloadIdleMs: number;
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
}

const MB = 1024 * 1024;

/**
 * A download cut short by the server never ends or fails in the storage client (its body
 * stream waits for bytes that will not come), so only silence reveals it. Half the source's
 * budget leaves the rest for listing and reading, so the page still arrives in time and names
 * the object rather than losing the whole source; never more than 10 s between two chunks.
 */
const downloadIdleMs = (sourceTimeoutMs: number): number => Math.min(10_000, Math.floor(sourceTimeoutMs / 2));

export const sourcesConfig = (e: SourcesEnv): SourcesConfig => ({
  enabledSources: e.ENABLED_SOURCES,
  sourceTimeoutMs: e.SOURCE_TIMEOUT_MS,
  fieldMappings: (e.FIELD_MAPPINGS ?? {}) as Record<string, Partial<FieldMapping>>,
  projectId: e.GOOGLE_CLOUD_PROJECT,
  gcs: {
    bucket: e.GCS_BUCKET,
    prefixes: e.GCS_PREFIXES,
    apiEndpoint: e.GCS_API_ENDPOINT,
    downloadConcurrency: e.GCS_DOWNLOAD_CONCURRENCY,
    maxObjectBytes: e.GCS_MAX_OBJECT_MB * MB,
    objectCacheEntries: e.GCS_OBJECT_CACHE_ENTRIES,
    maxListCalls: e.GCS_MAX_LIST_CALLS,
    nameSlackMs: e.GCS_NAME_SLACK_MINUTES * 60_000,
    listingTtlMs: {
      open: e.GCS_LISTING_TTL_SECONDS * 1000,
      closed: e.GCS_CLOSED_LISTING_TTL_SECONDS * 1000,
    },
    downloadIdleMs: downloadIdleMs(e.SOURCE_TIMEOUT_MS),
  },
  firestore: {
    collections: e.FIRESTORE_COLLECTIONS,
    databaseId: e.FIRESTORE_DATABASE_ID,
    emulatorHost: e.FIRESTORE_EMULATOR_HOST,
    timeField: e.FIRESTORE_TIME_FIELD,
    timeFields: {
      ...GPT_RUNNER_TIME_FIELDS,
      ...(e.FIRESTORE_TIME_FIELDS as Record<string, string> | undefined),
    },
    timeType: e.FIRESTORE_TIME_TYPE,
    severityFields: (e.FIRESTORE_SEVERITY_FIELDS ?? {}) as Record<string, string>,
    batchSize: e.FIRESTORE_BATCH_SIZE,
  },
  pods: {
    namespaces: e.K8S_NAMESPACES,
    labelSelector: e.K8S_LABEL_SELECTOR,
    apiUrl: e.K8S_API_URL,
    tailLines: e.K8S_TAIL_LINES,
    maxBytesPerStream: e.K8S_MAX_STREAM_MB * MB,
    concurrency: e.K8S_CONCURRENCY,
  },
});
