import type { V1Pod } from '@kubernetes/client-node';

/** The pod's `app` (or `app.kubernetes.io/name`) label: what groups its replicas. */
export function appOf(pod: V1Pod): string | undefined {
  const labels = pod.metadata?.labels ?? {};
  if (!labels.app && !labels['app.kubernetes.io/name']) return undefined;
  return labels.app ?? labels['app.kubernetes.io/name'] ?? '';
}
