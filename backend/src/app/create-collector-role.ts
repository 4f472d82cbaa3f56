import { CoordinationV1Api } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import type { App } from '../app.js';
import { CollectorRole } from '../collector/collector-role.js';
import { LeaseElector, type Leadership } from '../collector/lease-elector.js';
import type { Config } from '../config/index.js';
import { kubeConfigFor } from './create-sources.js';

/**
 * The collector role of this process: a Lease election when COLLECTOR_LEASE_NAME is set (through
 * the same API server the pod source reads: in-cluster, or K8S_API_URL), counting alone otherwise.
 */
export function createCollectorRole(config: Config, app: App, logger: Logger): CollectorRole {
  const lease = config.collector.lease;
  const electorFor = lease
    ? (leadership: Leadership) =>
        new LeaseElector(
          kubeConfigFor(config.pods).makeApiClient(CoordinationV1Api),
          lease,
          leadership,
          logger.child({ component: 'collector-lease' }),
        )
    : undefined;
  const duties = {
    start: (sinceMs?: number) => app.startCollector(sinceMs),
    stop: () => app.stopCollector(),
  };
  return new CollectorRole(duties, app.metrics, logger, electorFor);
}
