import {
  DEFAULT_LABEL_LIMIT,
  DEFAULT_LABEL_MAX_ENTRIES,
  MAX_LABEL_LIMIT,
  MAX_LABEL_NAME_LENGTH,
  MAX_MAX_ENTRIES,
  type LabelNamesParamName,
  type LabelValuesParamName,
} from '@gpt-runner-logs/contract';
import { z } from 'zod';
import type { LogQuery } from '../../model/index.js';
import { LOG_QUERY_PARAMS, buildLogQuery, type QueryContext } from './log-query.js';
import { bad, single, validateParams, wholeNumber, type RawParams } from './validate.js';

/** `GET /logs/labels`: the listing's filters, `maxEntries` read per source, `limit` names listed. */
export const LABEL_NAMES_PARAMS = {
  ...LOG_QUERY_PARAMS,
  maxEntries: single,
} as const satisfies Record<LabelNamesParamName, z.ZodType>;

/** `GET /logs/labels/values`: the same plus the label's `name` (any label name, as in `label`). */
export const LABEL_VALUES_PARAMS = {
  ...LABEL_NAMES_PARAMS,
  name: single.pipe(
    z
      .string()
      .min(1, 'must name a label')
      .max(MAX_LABEL_NAME_LENGTH, `must be at most ${MAX_LABEL_NAME_LENGTH} characters`),
  ),
} as const satisfies Record<LabelValuesParamName, z.ZodType>;

export interface LabelQuery {
  query: LogQuery;
  maxEntries: number;
  limit: number;
}

type LabelParams = Partial<z.infer<z.ZodObject<typeof LABEL_VALUES_PARAMS>>>;

/**
 * `limit` keeps its name from the listing but bounds the names or values listed (as in
 * Prometheus's label APIs); a cursor is refused, because these answers cover the whole query.
 */
function labelQuery(params: LabelParams, context: QueryContext): LabelQuery {
  if (params.cursor !== undefined)
    bad('cursor', 'label names and values cover the whole query; leave it out');
  const limit = wholeNumber('limit', params.limit, DEFAULT_LABEL_LIMIT, MAX_LABEL_LIMIT);
  const maxEntries = wholeNumber('maxEntries', params.maxEntries, DEFAULT_LABEL_MAX_ENTRIES, MAX_MAX_ENTRIES);
  const query = buildLogQuery({ ...params, limit: undefined }, context);
  return { query, maxEntries, limit };
}

export function parseLabelNamesQuery(raw: RawParams, context: QueryContext): LabelQuery {
  return labelQuery(validateParams(raw, LABEL_NAMES_PARAMS), context);
}

export function parseLabelValuesQuery(raw: RawParams, context: QueryContext): LabelQuery & { name: string } {
  const params = validateParams(raw, LABEL_VALUES_PARAMS);
  if (params.name === undefined) bad('name', 'is required: the label whose values to list');
  return { ...labelQuery(params, context), name: params.name as string };
}
