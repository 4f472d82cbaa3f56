import {
  DEFAULT_CONTEXT_LINES,
  DEFAULT_VOLUME_MAX_ENTRIES,
  MAX_CONTEXT_LINES,
  MAX_MAX_ENTRIES,
  MAX_VOLUME_BUCKETS,
  TARGET_VOLUME_BUCKETS,
  type ContextParamName,
  type VolumeParamName,
} from '@gpt-runner-logs/contract';
import { z } from 'zod';
import { SOURCE_NAMES, type LogQuery, type SourceName } from '../../model/index.js';
import {
  bad,
  parseDuration,
  TIME_PARAM_FORMS,
  parseTimeParam,
  single,
  validateParams,
  wholeNumber,
  type RawParams,
} from './validate.js';
import { bucketCount } from '../../query/volume.js';
import { LOG_QUERY_PARAMS, buildLogQuery, type QueryContext } from './log-query.js';

// Explore: log volume and log row context. A step finer than MAX_VOLUME_BUCKETS allows for a
// long range is refused by name; the automatic step never gives more than TARGET_VOLUME_BUCKETS.
const NICE_STEPS_MS = [
  1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 21600, 43200, 86400,
].map((s) => s * 1000);
const DAY_MS = 86_400_000;

/** `GET /logs/volume`: every listing parameter plus `step` and `maxEntries`. */
export const VOLUME_PARAMS = {
  ...LOG_QUERY_PARAMS,
  step: single,
  maxEntries: single,
} as const satisfies Record<VolumeParamName, z.ZodType>;

export interface VolumeQuery {
  query: LogQuery;
  stepMs: number;
  maxEntries: number;
}

/** A nice step up to a day, then whole days: about TARGET_VOLUME_BUCKETS over any window. */
function autoStep(spanMs: number): number {
  const wanted = spanMs / TARGET_VOLUME_BUCKETS;
  return NICE_STEPS_MS.find((step) => step >= wanted) ?? Math.ceil(wanted / DAY_MS) * DAY_MS;
}

function parseStep(text: string | undefined, fromMs: number, toMs: number): number {
  if (text === undefined) return autoStep(toMs - fromMs);
  const stepMs = /^\d+$/.test(text.trim()) ? Number(text) : parseDuration(text);
  if (stepMs === undefined || !Number.isFinite(stepMs) || stepMs < 1000) {
    return bad('step', 'must be milliseconds or a duration such as 30s, 5m, 1h; at least 1s');
  }
  if (bucketCount(fromMs, toMs, stepMs) > MAX_VOLUME_BUCKETS) {
    bad('step', `gives more than ${MAX_VOLUME_BUCKETS} buckets for this range; choose a wider step`);
  }
  return stepMs;
}

export function parseVolumeQuery(raw: RawParams, context: QueryContext): VolumeQuery {
  const params = validateParams(raw, VOLUME_PARAMS);
  if (params.cursor !== undefined) bad('cursor', 'volume covers the whole range; leave it out');
  const query = buildLogQuery(params, context);
  return {
    query,
    stepMs: parseStep(params.step, Date.parse(query.from), Date.parse(query.to)),
    maxEntries: wholeNumber('maxEntries', params.maxEntries, DEFAULT_VOLUME_MAX_ENTRIES, MAX_MAX_ENTRIES),
  };
}

/** `GET /logs/context`: the row (source, id, timestamp), a direction and how many lines. */
export const CONTEXT_PARAMS = {
  source: single.pipe(z.enum(SOURCE_NAMES, { error: `must be one of ${SOURCE_NAMES.join(', ')}` })),
  id: single.pipe(z.string().min(1).max(2048)),
  timestamp: single,
  direction: LOG_QUERY_PARAMS.direction,
  limit: single,
} as const satisfies Record<ContextParamName, z.ZodType>;

export interface ContextParams {
  source: SourceName;
  id: string;
  timestamp: string;
  direction: 'backward' | 'forward';
  limit: number;
}

export function parseContextParams(raw: RawParams, nowMs: number): ContextParams {
  const p = validateParams(raw, CONTEXT_PARAMS);
  if (!p.source) bad('source', 'is required');
  if (!p.id) bad('id', 'is required');
  if (p.timestamp === undefined)
    bad('timestamp', "is required: the row's time, RFC 3339 or epoch milliseconds");
  const timestamp = parseTimeParam(p.timestamp as string, nowMs);
  if (!timestamp) bad('timestamp', TIME_PARAM_FORMS);
  return {
    source: p.source as SourceName,
    id: p.id as string,
    timestamp: timestamp as string,
    direction: p.direction ?? 'backward',
    limit: wholeNumber('limit', p.limit, DEFAULT_CONTEXT_LINES, MAX_CONTEXT_LINES),
  };
}
