import type { CacheReadiness, ReadyResponse, SourceReadiness } from '@gpt-runner-logs/contract';
import Router from '@koa/router';
import type { Cache } from '../../cache/cache.js';
import { describeError, type SourceName } from '../../model/index.js';
import type { LogSource } from '../../query/log-source.js';
import type { AppState } from '../context.js';
import type { SourceMetrics } from '../../metrics/metrics.js';

export interface HealthDeps {
  sources: ReadonlyMap<SourceName, LogSource>;
  /** Reported, never failing readiness: without it requests are answered from the sources. */
  cache?: Cache;
  /** Readiness checks also set the sources' up gauge. */
  metrics: Pick<SourceMetrics, 'sourceUp'>;
  /** True once shutdown has begun: readiness fails so Kubernetes stops routing here. */
  isShuttingDown: () => boolean;
  checkTimeoutMs: number;
}

async function checkSource(source: LogSource, timeoutMs: number): Promise<SourceReadiness> {
  const started = performance.now();
  const signal = AbortSignal.timeout(timeoutMs);
  const timeout = new Promise<never>((_, reject) =>
    signal.addEventListener('abort', () => reject(new Error(`no answer within ${timeoutMs} ms`)), {
      once: true,
    }),
  );
  try {
    const health = await Promise.race([source.health(signal), timeout]);
    return { ...health, latencyMs: Math.round(performance.now() - started) };
  } catch (error) {
    return { up: false, detail: describeError(error), latencyMs: Math.round(performance.now() - started) };
  }
}

async function checkCache(cache: Cache | undefined): Promise<CacheReadiness | undefined> {
  if (!cache) return undefined;
  const { up, detail } = await cache.health();
  return { kind: cache.kind, up, detail };
}

/**
 * `/healthz` says the process serves; `/readyz` also reports each source. A source being down
 * keeps the pod ready on purpose: every replica would see the same outage, and a ready pod
 * still answers with partial results and warnings, which tells operators more than a 503.
 */
export function healthRoutes(deps: HealthDeps): Router<AppState> {
  const router = new Router<AppState>();
  router.get('/healthz', (ctx) => {
    ctx.body = { status: 'ok' };
  });
  router.get('/readyz', async (ctx) => {
    const [checks, cache] = await Promise.all([
      Promise.all(
        [...deps.sources].map(
          async ([name, source]) => [name, await checkSource(source, deps.checkTimeoutMs)] as const,
        ),
      ),
      checkCache(deps.cache),
    ]);
    for (const [name, status] of checks) deps.metrics.sourceUp.set({ source: name }, status.up ? 1 : 0);
    const sources = Object.fromEntries(checks);
    const allUp = checks.every(([, status]) => status.up) && (cache?.up ?? true);
    if (deps.isShuttingDown()) {
      ctx.status = 503;
      ctx.body = { status: 'shutting_down', sources, cache } satisfies ReadyResponse;
      return;
    }
    ctx.body = { status: allUp ? 'ok' : 'degraded', sources, cache } satisfies ReadyResponse;
  });
  return router;
}
