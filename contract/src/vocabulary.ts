/**
 * The words every part of the product shares: where entries come from, how severe they are,
 * who may ask for what. Written here once; the backend, both Grafana plugins and
 * provisioning import them.
 */

export const SOURCE_NAMES = ['gcs', 'firestore', 'pods'] as const;

/** Where an entry came from: a GCS object, a Firestore document, or a pod's log. */
export type SourceName = (typeof SOURCE_NAMES)[number];

// Array membership, not `in`: `in` would also accept inherited names such as `toString`.
export const isSourceName = (value: string): value is SourceName =>
  (SOURCE_NAMES as readonly string[]).includes(value);

/**
 * Severity on Cloud Logging's scale, lowest first. Every source's levels are normalized
 * onto it, so "WARNING and above" means the same thing for objects, documents and pod lines.
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

const SEVERITY_RANK = Object.fromEntries(SEVERITIES.map((s, i) => [s, i])) as Record<Severity, number>;

/** Position on the scale; Cloud Logging's numeric value is `rank * 100`. */
export const severityRank = (severity: Severity): number => SEVERITY_RANK[severity];

// Own properties only: `in` would also accept inherited names such as `toString`.
export const isSeverity = (value: string): value is Severity => Object.hasOwn(SEVERITY_RANK, value);

/** The scale most severe first, as summaries and panels list counts. */
export const SEVERITIES_MOST_SEVERE_FIRST: readonly Severity[] = [...SEVERITIES].reverse();

/** "ERROR and above": what error rates, spikes and the error-spike alert count. */
export const ERROR_SEVERITIES: readonly Severity[] = SEVERITIES.filter(
  (s) => severityRank(s) >= severityRank('ERROR'),
);

export const ROLES = ['viewer', 'analyst', 'admin'] as const;

/** What a bearer token may do: viewers read, analysts also summarize, admins everything. */
export type Role = (typeof ROLES)[number];

/** Summaries spend money on the model, so only analysts and admins may ask for them. */
export const mayRoleSummarize = (role: Role): boolean => role !== 'viewer';

export const LABEL_OPERATORS = ['=', '!=', '=~', '!~'] as const;

/** Label matchers as in Loki's and Prometheus's selectors. */
export type LabelOperator = (typeof LABEL_OPERATORS)[number];

export const DIRECTIONS = ['backward', 'forward'] as const;

/** `backward` lists newest first (the default, as in Loki); `forward` oldest first. */
export type Direction = (typeof DIRECTIONS)[number];

/** The lists `/meta/{field}` serves, for Grafana variables and the query editor. */
export const META_FIELDS = [
  'buckets',
  'prefixes',
  'collections',
  'namespaces',
  'pods',
  'containers',
] as const;

export type MetaField = (typeof META_FIELDS)[number];

export const isMetaField = (value: string): value is MetaField =>
  (META_FIELDS as readonly string[]).includes(value);
