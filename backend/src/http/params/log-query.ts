import { MIN_TIME_MS, type LogQueryParamName } from '@gpt-runner-logs/contract';
import { z } from 'zod';
import {
  DEFAULT_LIMIT,
  MAX_LIMIT,
  SOURCE_NAMES,
  formatEpochMs,
  parseSeverityName,
  type LabelMatcher,
  type LogQuery,
  type Severity,
  type SourceName,
  type SourceSelectors,
} from '../../model/index.js';
import { CursorError, type CursorCodec } from '../../query/cursor.js';
import { RegexSyntaxError, compileSafeRegex } from '../../query/safe-regex.js';
import {
  bad,
  boolean,
  list,
  TIME_PARAM_FORMS,
  parseTimeParam,
  repeated,
  single,
  wholeNumber,
} from './validate.js';
import { labelSelectorProblem } from './label-selector.js';

/** The parameters of a log listing, turned into a `LogQuery`. */
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/;
const BUCKET = /^[a-z0-9][a-z0-9._-]{1,220}[a-z0-9]$/;
const COLLECTION = /^(?!__.*__$)[^/]{1,1500}$/;

/** Every parameter a log listing accepts (the contract's names); anything else is refused by name. */
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
  selector: single.pipe(
    z.string().superRefine((text, ctx) => {
      const problem = labelSelectorProblem(text);
      if (problem)
        ctx.addIssue({ code: 'custom', message: `must be a Kubernetes label selector: ${problem}` });
    }),
  ),
  pod: list.pipe(z.array(z.string().regex(DNS_SUBDOMAIN, 'must be a pod name'))),
  container: single.pipe(z.string().regex(DNS_LABEL, 'must be a container name')),
  previous: boolean,
} as const satisfies Record<LogQueryParamName, z.ZodType>;

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

/**
 * A pattern that does not compile is a bad parameter. Only here is it known which parameter
 * (`search` or `label`) carried it, so the query layer's error is named here, once.
 */
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
  if (to === undefined) return bad('to', TIME_PARAM_FORMS);
  const from =
    fromText === undefined
      ? formatEpochMs(Math.max(MIN_TIME_MS, Date.parse(to) - 3_600_000))
      : parseTimeParam(fromText, nowMs);
  if (from === undefined) return bad('from', TIME_PARAM_FORMS);
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

/**
 * The cursor's position, checked against the query it was issued for (decoded after the
 * query is built and its sources allowed). A cursor that does not fit is a bad `cursor`.
 */
export function decodeCursorParam(
  cursors: CursorCodec,
  query: LogQuery,
  cursor: string,
): ReturnType<CursorCodec['decode']> {
  try {
    return cursors.decode(query, cursor);
  } catch (error) {
    if (error instanceof CursorError) bad('cursor', `${error.message}; start again without a cursor`);
    throw error;
  }
}
