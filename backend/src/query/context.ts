import type { LogQuery, SourceName, Timestamp } from '../model/index.js';
import { formatEpochMs, timestampMs } from '../model/index.js';
import { objectOfId } from '../sources/gcs/object-entries.js';
import { podStreamOfId } from '../sources/pods/line-parser.js';

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

/** How far from the row context looks; enough for a burst, bounded for the sources. */
const CONTEXT_WINDOW_MS = 6 * 3_600_000;

type StreamScope = Pick<LogQuery, 'labels' | 'selectors'>;

function streamScope(source: SourceName, id: string): StreamScope | undefined {
  if (source === 'pods') {
    const stream = podStreamOfId(id);
    if (!stream) return undefined;
    return {
      labels: [
        { name: 'namespace', op: '=', value: stream.namespace },
        { name: 'pod', op: '=', value: stream.pod },
        { name: 'container', op: '=', value: stream.container },
      ],
      selectors: {
        pods: {
          namespace: stream.namespace,
          pods: [stream.pod],
          container: stream.container,
          previous: stream.previous,
        },
      },
    };
  }
  if (source === 'gcs') {
    const object = objectOfId(id);
    if (!object) return undefined;
    return {
      labels: [{ name: 'object', op: '=', value: object.name }],
      selectors: { gcs: { bucket: object.bucket, prefixes: [object.name] } },
    };
  }
  const collection = id.split('/')[0];
  if (!collection || !id.includes('/')) return undefined;
  return {
    labels: [{ name: 'collection', op: '=', value: collection }],
    selectors: { firestore: { collections: [collection] } },
  };
}

/** The query for a row's context, or `undefined` when the id is not one this backend issues. */
export function contextQuery(request: ContextRequest): LogQuery | undefined {
  const scope = streamScope(request.source, request.id);
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
