import {
  CORRELATION_VALUE,
  DEFAULT_RELATED_LIMIT,
  MAX_RELATED_LIMIT,
  type CorrelationField,
  type ListingParamName,
  type ReconcileParamName,
  type RelatedParamName,
} from '@gpt-runner-logs/contract';
import type { z } from 'zod';
import { formatEpochMs, type LogQuery } from '../../model/index.js';
import { defaultReconcileWindow } from '../../query/correlation/reconcile.js';
import { LOG_QUERY_PARAMS, buildLogQuery, type QueryContext } from './log-query.js';
import {
  TIME_PARAM_FORMS,
  bad,
  boolean,
  parseTimeParam,
  single,
  validateParams,
  wholeNumber,
  type RawParams,
} from './validate.js';

/** `GET /logs`, `/logs/{source}`: a listing plus `dedupe`. */
export const LISTING_PARAMS = {
  ...LOG_QUERY_PARAMS,
  dedupe: boolean,
} as const satisfies Record<ListingParamName, z.ZodType>;

export interface Listing {
  query: LogQuery;
  cursor?: string;
  dedupe: boolean;
}

export function parseListing(raw: RawParams, context: QueryContext): Listing {
  const params = validateParams(raw, LISTING_PARAMS);
  return {
    query: buildLogQuery(params, context),
    cursor: params.cursor,
    dedupe: params.dedupe === 'true' || params.dedupe === '1',
  };
}

/** A window both ends given, or neither (then the endpoint chooses one). */
function optionalWindow(
  from: string | undefined,
  to: string | undefined,
  nowMs: number,
): { from: string; to: string } | undefined {
  if (from === undefined && to === undefined) return undefined;
  if (from === undefined) return bad('from', 'is required when to is given');
  const start = parseTimeParam(from, nowMs) ?? bad('from', TIME_PARAM_FORMS);
  const end =
    to === undefined ? formatEpochMs(nowMs) : (parseTimeParam(to, nowMs) ?? bad('to', TIME_PARAM_FORMS));
  if (start >= end) bad('from', `must be before to (from ${start}, to ${end})`);
  return { from: start, to: end };
}

export const RELATED_PARAMS = {
  key: single,
  value: single,
  from: single,
  to: single,
  limit: single,
} as const satisfies Record<RelatedParamName, z.ZodType>;

export interface RelatedParams {
  field: CorrelationField;
  value: string;
  window?: { from: string; to: string };
  limit: number;
}

export function parseRelatedParams(raw: RawParams, fields: CorrelationField[], nowMs: number): RelatedParams {
  const p = validateParams(raw, RELATED_PARAMS);
  if (p.key === undefined) bad('key', `is required: one of ${fields.map((f) => f.name).join(', ')}`);
  const field =
    fields.find((f) => f.name === p.key) ??
    bad('key', `must be one of ${fields.map((f) => f.name).join(', ')}`);
  if (p.value === undefined) bad('value', 'is required');
  if (!CORRELATION_VALUE.test(p.value as string))
    bad('value', 'must be an id: 3 to 128 letters, digits and . _ : - / starting with a letter or digit');
  return {
    field,
    value: p.value as string,
    window: optionalWindow(p.from, p.to, nowMs),
    limit: wholeNumber('limit', p.limit, DEFAULT_RELATED_LIMIT, MAX_RELATED_LIMIT),
  };
}

export const RECONCILE_PARAMS = {
  from: single,
  to: single,
} as const satisfies Record<ReconcileParamName, z.ZodType>;

/** Default: `defaultReconcileWindow`. */
export function parseReconcileParams(
  raw: RawParams,
  nowMs: number,
  defaults: { windowMs: number; settleMs: number },
): { from: string; to: string } {
  const p = validateParams(raw, RECONCILE_PARAMS);
  const window = optionalWindow(p.from, p.to, nowMs);
  return window ?? defaultReconcileWindow(nowMs, defaults);
}
