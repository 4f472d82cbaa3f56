import { MAX_TIME_MS, MIN_TIME_MS, TAIL_PARAM_NAMES, type TailParamName } from '@gpt-runner-logs/contract';
import type { z } from 'zod';
import { formatEpochMs, type LogQuery } from '../../model/index.js';
import { parseEventId } from '../../tail/event-id.js';
import { LOG_QUERY_PARAMS, buildLogQuery, type QueryContext } from './log-query.js';
import { bad, validateParams, type RawParams } from './validate.js';

/** `GET /logs/tail`: the listing's filters and `cursor`; no range, page size or order. */
export const TAIL_PARAMS = Object.fromEntries(
  TAIL_PARAM_NAMES.map((name) => [name, LOG_QUERY_PARAMS[name]]),
) as { [K in TailParamName]: (typeof LOG_QUERY_PARAMS)[K] } satisfies Record<TailParamName, z.ZodType>;

export interface TailQuery {
  /** The filters, over all time: a tail keeps what matches whenever it was stamped. */
  query: LogQuery;
  /** Where to resume: the last event id the client saw. */
  cursor?: string;
}

/** A resume point is an event id this service issued (`<ms>-<seq>`); anything else is refused by name. */
function checkCursor(param: string, text: string | undefined): string | undefined {
  if (text === undefined || text === '') return undefined;
  if (!parseEventId(text))
    bad(param, 'must be an event id of this stream (`<ms>-<seq>`), as the last event carried');
  return text;
}

/** The filters and the resume point; `Last-Event-ID` (what EventSource sends) wins over `cursor`. */
export function parseTailQuery(
  raw: RawParams,
  lastEventId: string | undefined,
  context: QueryContext,
): TailQuery {
  const params = validateParams(raw, TAIL_PARAMS);
  const query = buildLogQuery({ ...params, cursor: undefined }, context);
  query.from = formatEpochMs(MIN_TIME_MS);
  query.to = formatEpochMs(MAX_TIME_MS);
  const cursor = checkCursor('Last-Event-ID', lastEventId) ?? checkCursor('cursor', params.cursor);
  return { query, cursor };
}
