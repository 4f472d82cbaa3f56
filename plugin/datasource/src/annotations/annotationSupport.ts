import { AnnotationSupport } from '@grafana/data';
import { of } from 'rxjs';

import { SEVERITIES } from '@gpt-runner-logs/contract';

import { QueryType, UnifiedLogsQuery } from '../types';
import { AnnotationQueryEditor } from './AnnotationQueryEditor';
import { UnifiedLogsAnnotation, annotationEvents } from './events';

/** Where an annotation usually starts: the lines of ERROR and above, drawn as bursts. */
const DEFAULT_ANNOTATION_QUERY: Partial<UnifiedLogsQuery> = {
  queryType: QueryType.Logs,
  source: 'all',
  severities: SEVERITIES.slice(SEVERITIES.indexOf('ERROR')),
  labels: [],
  limit: 1000,
};

/**
 * Annotations from a logs query (error bursts, deploy lines): Grafana runs the query as any
 * other, and the lines become events. Only logs queries make annotations.
 */
export const annotationSupport: AnnotationSupport<UnifiedLogsQuery, UnifiedLogsAnnotation> = {
  QueryEditor: AnnotationQueryEditor,
  getDefaultQuery: () => DEFAULT_ANNOTATION_QUERY,
  prepareQuery: (annotation) => {
    const target = annotation.target;
    if (!target || (target.queryType ?? QueryType.Logs) !== QueryType.Logs) {
      return undefined;
    }
    return { ...target, refId: target.refId || `annotation-${annotation.name}` };
  },
  processEvents: (annotation, frames) => of(annotationEvents(annotation, frames)),
};
