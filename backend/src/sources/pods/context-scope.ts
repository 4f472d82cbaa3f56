import type { StreamScope } from '../../query/log-source.js';
import { podStreamOfId } from './line-parser.js';

/** A pod row's context: the same container log (and the same instance, current or previous). */
export function podContextScope(id: string): StreamScope | undefined {
  const stream = podStreamOfId(id);
  if (!stream) return undefined;
  const { namespace, pod, container, previous } = stream;
  return {
    labels: [
      { name: 'namespace', op: '=', value: namespace },
      { name: 'pod', op: '=', value: pod },
      { name: 'container', op: '=', value: container },
    ],
    selectors: { pods: { namespace, pods: [pod], container, previous } },
  };
}
