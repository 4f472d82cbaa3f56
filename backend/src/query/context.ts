import type { LogQuery, SourceName, Timestamp } from '../model/index.js';
import { formatEpochMs, timestampMs } from '../model/index.js';
import type { StreamScope } from './log-source.js';

/**
 * "Show context" for a log row: the lines just before or after it in the same stream —
 * the same container log, the same object, the same collection — read through the engine
 * like any other query, starting right after the row itself.
 */
export interface ContextRequest {
  source: SourceName;
  id: string;
  timestamp: Timestamp;
  direction: 'backward' | 'forward';
  limit: number;
}

/** Who knows the stream of an id: only its own source does (the engine asks it). */
export interface ContextScopes {
  contextScope(source: SourceName, id: string): StreamScope | undefined;
}

/** How far from the row context looks; enough for a burst, bounded for the sources. */
const CONTEXT_WINDOW_MS = 6 * 3_600_000;

/** The query for a row's context, or `undefined` when the id is not one this backend issues. */
export function contextQuery(request: ContextRequest, scopes: ContextScopes): LogQuery | undefined {
  const scope = scopes.contextScope(request.source, request.id);
  if (!scope) return undefined;
  const at = timestampMs(request.timestamp);
  const backward = request.direction === 'backward';
  return {
    sources: [request.source],
    from: backward ? formatEpochMs(at - CONTEXT_WINDOW_MS) : request.timestamp,
    to: backward ? formatEpochMs(at + 1) : formatEpochMs(at + CONTEXT_WINDOW_MS),
    severities: [],
    labels: scope.labels,
    limit: request.limit,
    direction: request.direction,
    after: { timestamp: request.timestamp, id: request.id, source: request.source },
    selectors: scope.selectors,
  };
}
