/**
 * What every endpoint answers, as JSON on the wire. The backend's routes return these
 * shapes and the plugins read them; neither keeps a copy of its own.
 */
import type { MetaField, Role, Severity, SourceName } from './vocabulary.js';

/** RFC 3339, UTC, nine fraction digits, so that string order is time order. */
export type Timestamp = string;

/** One normalized log record, whatever its origin. */
export interface LogEntry {
  /** Stable and unique within its source: object name + line, document path, pod/container + offset. */
  id: string;
  timestamp: Timestamp;
  source: SourceName;
  severity: Severity;
  /** The human line; for a structured record its message field or a compact rendering. */
  message: string;
  /** Flat string map: bucket, object, collection, namespace, pod, … plus promoted payload fields. */
  labels: Record<string, string>;
  /** The original structured record, when there is one. */
  payload?: unknown;
}

/** Why an answer is partial or incomplete; `source` is absent when it is about the whole answer. */
export interface Warning {
  source?: SourceName;
  message: string;
}

/** How one source's call went while answering a listing. */
export interface SourceOutcome {
  ok: boolean;
  tookMs: number;
  stats: { scanned: number } & Record<string, number>;
}

export type CacheStatus = 'hit' | 'miss' | 'coalesced';

/** `GET /logs` and `/logs/{source}`. */
export interface LogsResponse {
  entries: LogEntry[];
  /** Opaque and signed; pass it back as `cursor` for the next page. */
  nextCursor: string | null;
  /** A source failed or ran out of time: its entries are missing, `warnings` say why. */
  partial: boolean;
  warnings: Warning[];
  stats: {
    scanned: number;
    returned: number;
    tookMs: number;
    cache: CacheStatus;
    sources: Partial<Record<SourceName, SourceOutcome>>;
  };
}

/** `GET /logs/volume`: counts by severity over aligned buckets. */
export interface VolumeResponse {
  /** Bucket width in milliseconds. */
  step: number;
  from: Timestamp;
  to: Timestamp;
  series: VolumeSeries[];
  /** More entries matched than were counted; a warning says from when counts are incomplete. */
  truncated: boolean;
  partial: boolean;
  warnings: Warning[];
  stats: { scanned: number; counted: number; tookMs: number };
}

export interface VolumeSeries {
  severity: Severity;
  /** `[bucket start in epoch ms, count]`, one per bucket, zeros included so graphs have no gaps. */
  points: [number, number][];
}

/** `GET /logs/context`: lines around a row in its own stream. */
export interface ContextResponse {
  entries: LogEntry[];
  partial: boolean;
  warnings: Warning[];
}

/** A mined pattern and the statistics of the lines it grouped. */
export interface PatternTemplate {
  /** Stable for the same input: derived from the first line's masked form. */
  id: string;
  /** The pattern, `<*>` marking each variable. */
  template: string;
  count: number;
  firstSeen?: Timestamp;
  lastSeen?: Timestamp;
  severities: Partial<Record<Severity, number>>;
  sources: Partial<Record<SourceName, number>>;
  /** The first distinct lines of the pattern (redacted), at most three. */
  examples: string[];
  /** Each `<*>` of the template, left to right, with the values it took. */
  variables?: PatternVariable[];
  /** `GET /logs/patterns`: lines per time bucket of `PatternsResponse.buckets`, zeros included. */
  volume?: number[];
}

/** One value of a template's variable and how many lines held it. */
export interface VariableValue {
  value: string;
  count: number;
}

/** The values one `<*>` of a template took in the lines it grouped. */
export interface PatternVariable {
  /** Position among the template's `<*>`, 0 for the first. */
  index: number;
  /** What the line calls it (`limit` of `limit=<*>`) or the label holding the same value (`symbol`). */
  name?: string;
  /** Distinct values; a lower bound when `distinctCapped`. */
  distinct: number;
  distinctCapped?: boolean;
  /** Lines whose value was read (lines spelled unlike the final template are left out). */
  lines: number;
  /** The most frequent values (clipped, redacted like the lines), most frequent first. */
  top: VariableValue[];
}

/** What patterns and summaries read before mining. */
export interface ReadStats {
  entries: number;
  /** More entries matched than `maxEntries`: the oldest were left out. */
  truncated: boolean;
  partial: boolean;
  warnings: Warning[];
}

/** `GET /logs/patterns`: partial and warnings live in `stats`, with what was read. */
export interface PatternsResponse {
  templates: PatternTemplate[];
  /** The time buckets of every template's `volume`: the first starts at `start` (epoch ms), each `stepMs` wide. */
  buckets?: { start: number; stepMs: number; count: number };
  stats: ReadStats & { distinct: number; tookMs: number };
}

export type SummaryProvider = 'openai' | 'builtin';

export interface Usage {
  promptTokens: number;
  completionTokens: number;
}

/** `POST /logs/summary` as JSON. */
export interface SummaryResponse {
  /** Markdown. */
  summary: string;
  provider: SummaryProvider;
  model: string;
  digest: Digest;
  usage: Usage;
  cached: boolean;
}

/**
 * `POST /logs/summary` with `Accept: text/event-stream`: `digest` at once, `delta` pieces as
 * the summary is written, then `done` (everything but the digest) or `error` (a problem).
 */
export type SummaryStreamEvent =
  | { event: 'digest'; data: Digest }
  | { event: 'delta'; data: { text: string } }
  | { event: 'done'; data: Omit<SummaryResponse, 'digest'> }
  | { event: 'error'; data: ProblemBody };

/** The label groups a digest counts values of. */
export const DIGEST_LABEL_GROUPS = {
  pods: 'pod',
  containers: 'container',
  symbols: 'symbol',
  strategies: 'strategy',
  collections: 'collection',
} as const;

export type DigestLabelGroup = keyof typeof DIGEST_LABEL_GROUPS;

export interface DigestInput {
  /** Entries read; fewer than matched when `truncated`. */
  entries: number;
  truncated: boolean;
  partial: boolean;
  warnings: string[];
}

export interface ErrorRateBucket {
  start: Timestamp;
  entries: number;
  errors: number;
  /** errors / entries, 0 for an empty bucket. */
  rate: number;
}

/** A run of consecutive buckets whose errors stand well above the window's median. */
export interface Spike {
  start: Timestamp;
  end: Timestamp;
  errors: number;
  /** The worst bucket of the run. */
  peakErrors: number;
  /** Median errors per bucket over the whole window. */
  median: number;
  /** peakErrors / max(median, 1). */
  factor: number;
  /** Mean errors per bucket over the rest of the window (the buckets outside every spike). */
  baseline?: number;
}

export interface LabelCount {
  value: string;
  count: number;
  errors: number;
}

export interface TemplateDigest {
  id: string;
  template: string;
  count: number;
  errors: number;
  firstSeen?: Timestamp;
  lastSeen?: Timestamp;
  sources: Partial<Record<SourceName, number>>;
  example?: string;
  /** For templates with errors: the label values their errors concentrate on. */
  errorsBy?: Partial<Record<DigestLabelGroup, LabelCount[]>>;
  /** Each `<*>` with its value spread (top values cut to three). */
  variables?: PatternVariable[];
}

/** The evidence a summary is written from, and what the summary panel highlights. */
export interface Digest {
  window: { from: Timestamp; to: Timestamp; bucketSeconds: number };
  input: DigestInput;
  totals: { entries: number; errors: number; warnings: number; errorRate: number };
  bySeverity: Partial<Record<Severity, number>>;
  bySource: Partial<Record<SourceName, number>>;
  errorRate: ErrorRateBucket[];
  spikes: Spike[];
  templates: {
    distinct: number;
    top: TemplateDigest[];
    /** Templates absent from the first half of the window that appear in its second half. */
    new: TemplateDigest[];
    /** Templates with errors, most errors first. */
    errors: TemplateDigest[];
  };
  labels: Partial<Record<DigestLabelGroup, LabelCount[]>>;
}

/** RFC 9457 problem details: every error the backend answers. */
export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail: string;
  /** The parameter at fault, for a 400 (or a 403 about `source`). */
  param?: string;
  /** The request id. */
  instance?: string;
  errors?: { param: string; detail: string }[];
}

/** `GET /meta/whoami`. */
export interface WhoAmIResponse {
  name: string;
  role: Role;
  sources: SourceName[];
  canSummarize: boolean;
}

/** `GET /meta/sources`. */
export interface SourcesResponse {
  sources: { name: SourceName; enabled: boolean; allowed: boolean }[];
}

/** `GET /meta/{field}`. */
export interface MetaValuesResponse {
  values: string[];
  warnings: Warning[];
}

export type { MetaField };

export interface SourceReadiness {
  up: boolean;
  detail: string;
  latencyMs: number;
}

export interface CacheReadiness {
  kind: 'memory' | 'redis';
  up: boolean;
  detail: string;
}

/** `GET /readyz`. */
export interface ReadyResponse {
  status: 'ok' | 'degraded' | 'shutting_down';
  sources: Partial<Record<SourceName, SourceReadiness>>;
  cache?: CacheReadiness;
}
