import { z } from 'zod';
import {
  DEFAULT_LIMIT,
  MAX_LIMIT,
  SOURCE_NAMES,
  formatEpochMs,
  parseSeverityName,
  parseTimestamp,
  type LabelMatcher,
  type LogQuery,
  type Severity,
  type SourceName,
  type SourceSelectors,
} from '../model/index.js';
import { RegexSyntaxError, compileSafeRegex } from '../query/safe-regex.js';
import { HttpProblem } from './problem.js';

/**
 * The edge where raw query strings (and JSON bodies with the same names) become a typed
 * `LogQuery`. Everything inside the backend trusts what leaves here; everything wrong is a
 * 400 that names the parameter.
 */
export type RawParams = Record<string, unknown>;

const DURATION = /^(\d+(?:\.\d+)?)(ms|s|m|h|d|w)$/;
const UNIT_MS: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

/** `90s`, `5m`, `1h`, `2d` in milliseconds. */
export function parseDuration(text: string): number | undefined {
  const m = DURATION.exec(text.trim());
  if (!m) return undefined;
  return Number(m[1]) * (UNIT_MS[m[2] as string] as number);
}

/** RFC 3339, epoch milliseconds (or seconds), `now`, or Grafana-style `now-1h`. */
export function parseTimeParam(text: string, nowMs: number): string | undefined {
  const relative = /^now(?:-(.+))?$/.exec(text.trim());
  if (relative) {
    if (relative[1] === undefined) return formatEpochMs(nowMs);
    const ago = parseDuration(relative[1]);
    return ago === undefined ? undefined : formatEpochMs(nowMs - ago);
  }
  return parseTimestamp(text);
}

const single = z
  .union([z.string(), z.number(), z.boolean()], { error: 'must be given once' })
  .transform(String);

/** Comma-separated, repeated, or (in JSON bodies) an array: all mean a list. */
const list = z
  .union([z.string(), z.array(z.string())], { error: 'must be a string or a list of strings' })
  .transform((value) =>
    (Array.isArray(value) ? value : [value])
      .flatMap((part) => part.split(','))
      .map((part) => part.trim())
      .filter((part) => part !== ''),
  );

/** Label matchers are repeated, never comma-split: a regex value may contain commas. */
const repeated = z
  .union([z.string(), z.array(z.string())], { error: 'must be a string or a list of strings' })
  .transform((value) => (Array.isArray(value) ? value : [value]).filter((part) => part.trim() !== ''));

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/;
const BUCKET = /^[a-z0-9][a-z0-9._-]{1,220}[a-z0-9]$/;
const COLLECTION = /^(?!__.*__$)[^/]{1,1500}$/;
const LABEL_SELECTOR = /^[A-Za-z0-9_./\-=!,()\s]+$/;

const boolean = single.pipe(z.enum(['true', 'false', '1', '0'], { error: 'must be true or false' }));

/** Every parameter a log listing accepts; anything else is refused by name. */
export const LOG_QUERY_PARAMS = {
  source: list,
  from: single,
  to: single,
  severity: list,
  minSeverity: single,
  search: single,
  regex: boolean,
  label: repeated,
  limit: single,
  cursor: single,
  direction: single.pipe(z.enum(['backward', 'forward'], { error: 'must be backward or forward' })),
  bucket: single.pipe(z.string().regex(BUCKET, 'must be a GCS bucket name')),
  prefix: list,
  collection: list.pipe(z.array(z.string().regex(COLLECTION, 'must be a Firestore collection id'))),
  namespace: single.pipe(z.string().regex(DNS_LABEL, 'must be a Kubernetes namespace name')),
  selector: single.pipe(z.string().regex(LABEL_SELECTOR, 'must be a Kubernetes label selector')),
  pod: list.pipe(z.array(z.string().regex(DNS_SUBDOMAIN, 'must be a pod name'))),
  container: single.pipe(z.string().regex(DNS_LABEL, 'must be a container name')),
  previous: boolean,
} as const;

type ParamShape = Record<string, z.ZodType>;

/** Validates raw parameters against a shape: unknown names and bad values become one 400. */
export function validateParams<S extends ParamShape>(
  raw: RawParams,
  shape: S,
): Partial<z.infer<z.ZodObject<S>>> {
  const optional = Object.fromEntries(
    Object.entries(shape).map(([name, schema]) => [name, schema.optional()]),
  );
  const result = z.strictObject(optional).safeParse(raw);
  if (result.success) return result.data as Partial<z.infer<z.ZodObject<S>>>;
  const errors = result.error.issues.flatMap((issue) => {
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({ param: key, detail: `${key}: is not a parameter of this endpoint` }));
    }
    const param = String(issue.path[0] ?? '');
    return [{ param, detail: `${param}: ${issue.message}` }];
  });
  const first = errors[0] ?? { param: '', detail: 'invalid parameters' };
  return throwBadParams(first, errors);
}

function throwBadParams(
  first: { param: string; detail: string },
  errors: { param: string; detail: string }[],
): never {
  const detail = errors.map((e) => e.detail).join('; ');
  throw new HttpProblem(400, detail, { param: first.param, errors });
}

const bad = (param: string, detail: string): never =>
  throwBadParams({ param, detail: `${param}: ${detail}` }, [{ param, detail: `${param}: ${detail}` }]);

function parseSources(names: string[] | undefined, fallback: SourceName[]): SourceName[] {
  if (!names || names.length === 0) return fallback;
  const unknown = names.filter((n) => !(SOURCE_NAMES as readonly string[]).includes(n));
  if (unknown.length > 0)
    bad('source', `unknown source ${unknown.join(', ')}; use ${SOURCE_NAMES.join(', ')}`);
  return [...new Set(names as SourceName[])];
}

function parseSeverities(names: string[] | undefined): Severity[] {
  return (names ?? []).map(
    (name) => parseSeverityName(name) ?? bad('severity', `unknown severity "${name}"`),
  );
}

/** A whole number from 1 to `max`, or `fallback` when absent; anything else is a 400 naming `param`. */
function wholeNumber(param: string, text: string | undefined, fallback: number, max: number): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!/^\d+$/.test(text.trim()) || value < 1 || value > max)
    bad(param, `must be a whole number from 1 to ${max}`);
  return value;
}

const MATCHER = /^\s*([A-Za-z_][A-Za-z0-9_.\-/]*)\s*(=~|!~|!=|=)\s*(.*?)\s*$/;

export function parseLabelMatcher(text: string): LabelMatcher {
  const m = MATCHER.exec(text);
  if (!m) return bad('label', `"${text}" is not name=value, name!=value, name=~regex or name!~regex`);
  const [, name = '', op = '=', rawValue = ''] = m;
  const value = /^".*"$/.test(rawValue) ? rawValue.slice(1, -1) : rawValue;
  const matcher = { name, op, value } as LabelMatcher;
  if (op === '=~' || op === '!~') checkRegex('label', value);
  return matcher;
}

function checkRegex(param: string, pattern: string): void {
  try {
    compileSafeRegex(pattern);
  } catch (error) {
    if (error instanceof RegexSyntaxError)
      bad(param, `invalid regular expression (RE2 syntax): ${error.message}`);
    throw error;
  }
}

function parseRange(
  fromText: string | undefined,
  toText: string | undefined,
  nowMs: number,
): [string, string] {
  const to = toText === undefined ? formatEpochMs(nowMs) : parseTimeParam(toText, nowMs);
  if (to === undefined) return bad('to', 'must be RFC 3339, epoch milliseconds, now or now-<duration>');
  const from =
    fromText === undefined ? formatEpochMs(Date.parse(to) - 3_600_000) : parseTimeParam(fromText, nowMs);
  if (from === undefined) return bad('from', 'must be RFC 3339, epoch milliseconds, now or now-<duration>');
  if (from >= to) bad('from', `must be before to (from ${from}, to ${to})`);
  return [from, to];
}

type LogParams = Partial<z.infer<z.ZodObject<typeof LOG_QUERY_PARAMS>>>;

function parseSelectors(p: LogParams): SourceSelectors {
  const selectors: SourceSelectors = {};
  if (p.bucket || p.prefix?.length) selectors.gcs = { bucket: p.bucket, prefixes: p.prefix };
  if (p.collection?.length) selectors.firestore = { collections: p.collection };
  if (p.namespace || p.selector || p.pod?.length || p.container || p.previous) {
    selectors.pods = {
      namespace: p.namespace,
      labelSelector: p.selector,
      pods: p.pod,
      container: p.container,
      previous: p.previous === 'true' || p.previous === '1',
    };
  }
  return selectors;
}

export interface QueryContext {
  /** Sources used when the request names none (the token's, on this server). */
  defaultSources: SourceName[];
  nowMs: number;
}

/** Builds the query from validated parameters; the cursor is decoded later, against this query. */
export function buildLogQuery(p: LogParams, context: QueryContext): LogQuery {
  const [from, to] = parseRange(p.from, p.to, context.nowMs);
  const regex = p.regex === 'true' || p.regex === '1';
  if (p.search && regex) checkRegex('search', p.search);
  const minSeverity = p.minSeverity === undefined ? undefined : parseSeverityName(p.minSeverity);
  if (p.minSeverity !== undefined && !minSeverity) bad('minSeverity', `unknown severity "${p.minSeverity}"`);
  return {
    sources: parseSources(p.source, context.defaultSources),
    from,
    to,
    severities: parseSeverities(p.severity),
    minSeverity,
    search: p.search ? { text: p.search, regex } : undefined,
    labels: (p.label ?? []).map(parseLabelMatcher),
    limit: wholeNumber('limit', p.limit, DEFAULT_LIMIT, MAX_LIMIT),
    direction: p.direction ?? 'backward',
    selectors: parseSelectors(p),
  };
}

export function parseLogQuery(raw: RawParams, context: QueryContext): { query: LogQuery; cursor?: string } {
  const params = validateParams(raw, LOG_QUERY_PARAMS);
  return { query: buildLogQuery(params, context), cursor: params.cursor };
}

// ---------------------------------------------------------------------------------------------
// Patterns and summaries: the same query, read across pages up to `maxEntries`.

export const DEFAULT_SUMMARY_ENTRIES = 5_000;
export const MAX_SUMMARY_ENTRIES = 50_000;
export const MAX_FOCUS_LENGTH = 1_000;

/** `GET /logs/patterns`: every listing parameter plus `maxEntries`. */
export const PATTERN_PARAMS = { ...LOG_QUERY_PARAMS, maxEntries: single } as const;

/** `POST /logs/summary`: the pattern parameters plus a free-text `focus`. */
export const SUMMARY_PARAMS = {
  ...PATTERN_PARAMS,
  focus: single.pipe(z.string().max(MAX_FOCUS_LENGTH, `must be at most ${MAX_FOCUS_LENGTH} characters`)),
} as const;

export interface InsightQuery {
  query: LogQuery;
  maxEntries: number;
  focus?: string;
}

/**
 * A query for patterns or a summary. `limit` is accepted (panels send their listing's
 * parameters as they are) but reading goes by `maxEntries`; a cursor is refused, because
 * these endpoints always cover the whole query.
 */
export function parseInsightQuery(
  raw: RawParams,
  context: QueryContext,
  shape: typeof PATTERN_PARAMS | typeof SUMMARY_PARAMS,
): InsightQuery {
  const params = validateParams(raw, shape) as Partial<z.infer<z.ZodObject<typeof SUMMARY_PARAMS>>>;
  if (params.cursor !== undefined)
    bad('cursor', 'patterns and summaries cover the whole query; leave it out');
  const maxEntries = wholeNumber(
    'maxEntries',
    params.maxEntries,
    DEFAULT_SUMMARY_ENTRIES,
    MAX_SUMMARY_ENTRIES,
  );
  const focus = params.focus?.trim() || undefined;
  return { query: buildLogQuery(params, context), maxEntries, ...(focus ? { focus } : {}) };
}

// ---------------------------------------------------------------------------------------------
// Explore: log volume and log row context.

/** Enough buckets for any panel width; a finer step for a long range is refused by name. */
export const MAX_VOLUME_BUCKETS = 11_000;
const AUTO_BUCKETS = 120;
const NICE_STEPS_MS = [
  1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 21600, 43200, 86400,
].map((s) => s * 1000);

/** `GET /logs/volume`: every listing parameter plus `step` and `maxEntries`. */
export const VOLUME_PARAMS = { ...LOG_QUERY_PARAMS, step: single, maxEntries: single } as const;

export interface VolumeQuery {
  query: LogQuery;
  stepMs: number;
  maxEntries: number;
}

function autoStep(spanMs: number): number {
  const wanted = spanMs / AUTO_BUCKETS;
  return NICE_STEPS_MS.find((step) => step >= wanted) ?? 86_400_000;
}

function parseStep(text: string | undefined, spanMs: number): number {
  if (text === undefined) return autoStep(spanMs);
  const stepMs = /^\d+$/.test(text.trim()) ? Number(text) : parseDuration(text);
  if (stepMs === undefined || stepMs < 1000) {
    return bad('step', 'must be milliseconds or a duration such as 30s, 5m, 1h; at least 1s');
  }
  if (spanMs / stepMs > MAX_VOLUME_BUCKETS) {
    bad('step', `gives more than ${MAX_VOLUME_BUCKETS} buckets for this range; choose a wider step`);
  }
  return stepMs;
}

export function parseVolumeQuery(raw: RawParams, context: QueryContext): VolumeQuery {
  const params = validateParams(raw, VOLUME_PARAMS);
  if (params.cursor !== undefined) bad('cursor', 'volume covers the whole range; leave it out');
  const query = buildLogQuery(params, context);
  const spanMs = Date.parse(query.to) - Date.parse(query.from);
  return {
    query,
    stepMs: parseStep(params.step, spanMs),
    maxEntries: wholeNumber('maxEntries', params.maxEntries, MAX_SUMMARY_ENTRIES, MAX_SUMMARY_ENTRIES),
  };
}

const MAX_CONTEXT_LINES = 500;

/** `GET /logs/context`: the row (source, id, timestamp), a direction and how many lines. */
export const CONTEXT_PARAMS = {
  source: single.pipe(z.enum(SOURCE_NAMES, { error: `must be one of ${SOURCE_NAMES.join(', ')}` })),
  id: single.pipe(z.string().min(1).max(2048)),
  timestamp: single,
  direction: LOG_QUERY_PARAMS.direction,
  limit: single,
} as const;

export interface ContextParams {
  source: SourceName;
  id: string;
  timestamp: string;
  direction: 'backward' | 'forward';
  limit: number;
}

export function parseContextParams(raw: RawParams): ContextParams {
  const p = validateParams(raw, CONTEXT_PARAMS);
  if (!p.source) bad('source', 'is required');
  if (!p.id) bad('id', 'is required');
  const timestamp = p.timestamp === undefined ? undefined : parseTimeParam(p.timestamp, Date.now());
  if (!timestamp) bad('timestamp', "is required: the row's time, RFC 3339 or epoch milliseconds");
  return {
    source: p.source as SourceName,
    id: p.id as string,
    timestamp: timestamp as string,
    direction: p.direction ?? 'backward',
    limit: wholeNumber('limit', p.limit, 20, MAX_CONTEXT_LINES),
  };
}
