import { DataSourceJsonData } from '@grafana/data';
import { DataQuery } from '@grafana/schema';

/**
 * The backend's vocabulary (backend/src/model): kept as plain copies because the plugin is
 * bundled for the browser and must not import the Node workspace.
 */
export const SEVERITIES = [
  'DEFAULT',
  'DEBUG',
  'INFO',
  'NOTICE',
  'WARNING',
  'ERROR',
  'CRITICAL',
  'ALERT',
  'EMERGENCY',
] as const;
export type Severity = (typeof SEVERITIES)[number];

export const SOURCE_NAMES = ['gcs', 'firestore', 'pods'] as const;
export type SourceName = (typeof SOURCE_NAMES)[number];

export const LABEL_OPERATORS = ['=', '!=', '=~', '!~'] as const;
export type LabelOperator = (typeof LABEL_OPERATORS)[number];

export const MAX_LIMIT = 5000;
export const DEFAULT_LIMIT = 100;

export enum QueryType {
  Logs = 'logs',
  Volume = 'volume',
  Patterns = 'patterns',
  Summary = 'summary',
}

/** `all` asks `/logs` for every source the token may read. */
export type SourceChoice = 'all' | SourceName;

export interface LabelFilter {
  name: string;
  op: LabelOperator;
  value: string;
}

/**
 * One query as saved in a dashboard. Lists that may hold template variables are kept as
 * strings (comma lists) so that `$var` survives until interpolation.
 */
export interface UnifiedLogsQuery extends DataQuery {
  queryType?: QueryType;
  source?: SourceChoice;
  severities?: string[];
  search?: string;
  regex?: boolean;
  labels?: LabelFilter[];
  /** A number, or a template variable such as `$limit`. */
  limit?: number | string;
  direction?: 'backward' | 'forward';
  // GCS
  bucket?: string;
  prefixes?: string;
  // Firestore
  collections?: string;
  // Pods: namespace + selector, or pod(s) + container + previous
  namespace?: string;
  selector?: string;
  pods?: string;
  container?: string;
  previous?: boolean;
  // Summary
  focus?: string;
  maxEntries?: number | string;
}

export const DEFAULT_QUERY: Partial<UnifiedLogsQuery> = {
  queryType: QueryType.Logs,
  source: 'all',
  severities: [],
  labels: [],
  limit: DEFAULT_LIMIT,
};

/** Options of one data-source instance, stored in Grafana's jsonData. */
export interface UnifiedLogsOptions extends DataSourceJsonData {
  /** Where the Grafana server reaches the backend; used by the plugin.json route. */
  backendUrl?: string;
  /** Seconds; Grafana's data-source proxy reads `timeout` from jsonData for its HTTP client. */
  timeout?: number;
}

/** Stored encrypted by Grafana and only ever used server-side by the route. */
export interface UnifiedLogsSecureJsonData {
  apiToken?: string;
}

// ---- Backend HTTP contract ----------------------------------------------------------

export interface BackendWarning {
  /** Absent when the warning is about the whole answer rather than one source. */
  source?: string;
  message: string;
}

export interface LogEntryDto {
  id: string;
  /** RFC 3339 UTC with nine fraction digits. */
  timestamp: string;
  source: SourceName;
  severity: Severity;
  message: string;
  labels: Record<string, string>;
  payload?: unknown;
}

export interface LogsResponse {
  entries: LogEntryDto[];
  nextCursor: string | null;
  partial: boolean;
  warnings: BackendWarning[];
  stats?: { scanned: number; returned: number; tookMs: number; cache: string };
}

export interface VolumeResponse {
  step: number | string;
  from: string | number;
  to: string | number;
  series: Array<{ severity: Severity; points: Array<[number, number]> }>;
  /** More lines matched than the backend counts; its warning says from when counts are incomplete. */
  truncated?: boolean;
  partial: boolean;
  warnings: BackendWarning[];
  stats?: { scanned: number; counted: number; tookMs: number };
}

export interface PatternTemplate {
  id: string;
  template: string;
  count: number;
  severities: Partial<Record<Severity, number>>;
  sources: Partial<Record<SourceName, number>>;
  firstSeen: string;
  lastSeen: string;
  examples: string[];
}

export interface PatternsResponse {
  templates: PatternTemplate[];
  partial: boolean;
  warnings: BackendWarning[];
}

export interface SummaryResponse {
  summary: string;
  provider: string;
  model: string;
  digest: Record<string, unknown>;
  usage: { promptTokens: number; completionTokens: number };
  cached: boolean;
}

export interface ContextResponse {
  entries: LogEntryDto[];
  partial?: boolean;
  warnings?: BackendWarning[];
}

export type Role = 'viewer' | 'analyst' | 'admin';

export interface WhoAmIResponse {
  name: string;
  role: Role;
  sources: string[];
  canSummarize: boolean;
}

export interface SourceHealth {
  up: boolean;
  detail?: string;
  latencyMs?: number;
}

export interface ReadyResponse {
  status: 'ok' | 'degraded' | 'shutting_down';
  sources: Record<string, SourceHealth>;
}

export interface MetaValuesResponse {
  values: string[];
}

export type MetaField = 'buckets' | 'prefixes' | 'collections' | 'namespaces' | 'pods' | 'containers';
export const META_FIELDS: readonly MetaField[] = [
  'buckets',
  'prefixes',
  'collections',
  'namespaces',
  'pods',
  'containers',
];

/** RFC 9457 problem details, as every backend error is shaped. */
export interface Problem {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  param?: string;
}
