import {
  DEFAULT_MAX_ENTRIES,
  MAX_DATASOURCE_UID_LENGTH,
  MAX_FOCUS_LENGTH,
  MAX_GRAFANA_URL_LENGTH,
  MAX_MAX_ENTRIES,
  type PatternParamName,
  type SummaryParamName,
} from '@gpt-runner-logs/contract';
import { z } from 'zod';
import { bad, single, validateParams, wholeNumber, type RawParams } from './validate.js';
import { LOG_QUERY_PARAMS, buildLogQuery, type QueryContext } from './log-query.js';
import type { LogQuery } from '../../model/index.js';
import type { GrafanaTarget } from '../../insight/summary/explore-links.js';

/** Patterns and summaries: the same query, read across pages up to `maxEntries` (bounds from the contract). */

/** `GET /logs/patterns`: every listing parameter plus `maxEntries`. */
export const PATTERN_PARAMS = { ...LOG_QUERY_PARAMS, maxEntries: single } as const satisfies Record<
  PatternParamName,
  z.ZodType
>;

/**
 * Grafana's base URL as its front end knows it (`https://grafana.example.com/`, or with a
 * sub-path): http(s) only, no credentials, query or fragment, since it is written into
 * links a reader clicks.
 */
function isGrafanaBase(text: string): boolean {
  if (!URL.canParse(text)) return false;
  const url = new URL(text);
  return (
    (url.protocol === 'https:' || url.protocol === 'http:') &&
    url.username === '' &&
    url.password === '' &&
    url.search === '' &&
    url.hash === '' &&
    !text.includes('?') &&
    !text.includes('#')
  );
}

const GRAFANA_URL = single.pipe(
  z
    .string()
    .max(MAX_GRAFANA_URL_LENGTH, `must be at most ${MAX_GRAFANA_URL_LENGTH} characters`)
    .refine(isGrafanaBase, 'must be an http(s) URL without credentials, query or fragment'),
);

const DATASOURCE_UID = single.pipe(
  z
    .string()
    .regex(
      new RegExp(`^[A-Za-z0-9_-]{1,${MAX_DATASOURCE_UID_LENGTH}}$`),
      `must be a data source uid: 1 to ${MAX_DATASOURCE_UID_LENGTH} letters, digits, - or _`,
    ),
);

/** `POST /logs/summary`: the pattern parameters plus a free-text `focus` and where Grafana is. */
export const SUMMARY_PARAMS = {
  ...PATTERN_PARAMS,
  focus: single.pipe(z.string().max(MAX_FOCUS_LENGTH, `must be at most ${MAX_FOCUS_LENGTH} characters`)),
  grafanaUrl: GRAFANA_URL,
  datasourceUid: DATASOURCE_UID,
} as const satisfies Record<SummaryParamName, z.ZodType>;

export interface InsightQuery {
  query: LogQuery;
  maxEntries: number;
  focus?: string;
  grafana?: GrafanaTarget;
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
  const maxEntries = wholeNumber('maxEntries', params.maxEntries, DEFAULT_MAX_ENTRIES, MAX_MAX_ENTRIES);
  const focus = params.focus?.trim() || undefined;
  const grafana = grafanaTarget(params.grafanaUrl, params.datasourceUid);
  return {
    query: buildLogQuery(params, context),
    maxEntries,
    ...(focus ? { focus } : {}),
    ...(grafana ? { grafana } : {}),
  };
}

/** Both or neither: a link needs the data source as much as the address. */
function grafanaTarget(
  url: string | undefined,
  datasourceUid: string | undefined,
): GrafanaTarget | undefined {
  if (url === undefined && datasourceUid === undefined) return undefined;
  if (url === undefined) return bad('datasourceUid', 'goes with grafanaUrl: send both or neither');
  if (datasourceUid === undefined) return bad('grafanaUrl', 'goes with datasourceUid: send both or neither');
  return { url: url.replace(/\/+$/, ''), datasourceUid };
}
