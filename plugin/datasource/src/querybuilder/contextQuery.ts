import { Labels } from '@grafana/data';
import { isSourceName } from '@gpt-runner-logs/contract';

import { QueryType, UnifiedLogsQuery } from '../types';

/**
 * The query of a row's own stream — the same container log, object or collection the backend's
 * `/logs/context` reads around it — for Explore's "open in split view". Each stream is named
 * with its source's own selectors, which the source pushes down (one pod's log, one object's
 * name as the prefix, one collection), so the split view reads that stream and nothing else.
 */
export function streamQuery(labels: Labels, original?: UnifiedLogsQuery): UnifiedLogsQuery | null {
  const source = labels.source ?? '';
  if (!isSourceName(source)) {
    return null;
  }
  const base: UnifiedLogsQuery = {
    refId: original?.refId ?? 'context',
    datasource: original?.datasource,
    queryType: QueryType.Logs,
    source,
    severities: [],
    labels: [],
    limit: original?.limit,
    direction: original?.direction,
  };
  switch (source) {
    case 'pods':
      return labels.pod
        ? {
            ...base,
            namespace: labels.namespace,
            pods: labels.pod,
            container: labels.container,
            previous: labels.previous === 'true' || undefined,
          }
        : null;
    case 'gcs':
      return labels.object ? { ...base, bucket: labels.bucket, prefixes: labels.object } : null;
    case 'firestore':
      return labels.collection ? { ...base, collections: labels.collection } : null;
  }
}
