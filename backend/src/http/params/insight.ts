import {
  DEFAULT_MAX_ENTRIES,
  MAX_FOCUS_LENGTH,
  MAX_MAX_ENTRIES,
  type PatternParamName,
  type SummaryParamName,
} from '@gpt-runner-logs/contract';
import { z } from 'zod';
import { bad, single, validateParams, wholeNumber, type RawParams } from './validate.js';
import { LOG_QUERY_PARAMS, buildLogQuery, type QueryContext } from './log-query.js';
import type { LogQuery } from '../../model/index.js';

/** Patterns and summaries: the same query, read across pages up to `maxEntries` (bounds from the contract). */

/** `GET /logs/patterns`: every listing parameter plus `maxEntries`. */
export const PATTERN_PARAMS = { ...LOG_QUERY_PARAMS, maxEntries: single } as const satisfies Record<
  PatternParamName,
  z.ZodType
>;

/** `POST /logs/summary`: the pattern parameters plus a free-text `focus`. */
export const SUMMARY_PARAMS = {
  ...PATTERN_PARAMS,
  focus: single.pipe(z.string().max(MAX_FOCUS_LENGTH, `must be at most ${MAX_FOCUS_LENGTH} characters`)),
} as const satisfies Record<SummaryParamName, z.ZodType>;

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
  const maxEntries = wholeNumber('maxEntries', params.maxEntries, DEFAULT_MAX_ENTRIES, MAX_MAX_ENTRIES);
  const focus = params.focus?.trim() || undefined;
  return { query: buildLogQuery(params, context), maxEntries, ...(focus ? { focus } : {}) };
}
