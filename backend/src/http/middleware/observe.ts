import type { Next } from 'koa';
import type { Logger } from 'pino';
import type { AppContext } from '../context.js';
import type { HttpMetrics } from '../../metrics/metrics.js';

interface RoutedContext {
  _matchedRoute?: string | RegExp;
}

/** The route template (`/logs/:source`), so metrics and logs group requests without raw paths. */
function routeOf(ctx: AppContext): string {
  const matched = (ctx as unknown as RoutedContext)._matchedRoute;
  return typeof matched === 'string' ? matched : 'unmatched';
}

/**
 * One structured log line and one latency observation per request. It sits outside the
 * error renderer so it sees the final status of failed requests too.
 */
export function observeRequests(logger: Logger, metrics: HttpMetrics) {
  return async (ctx: AppContext, next: Next): Promise<void> => {
    const started = performance.now();
    try {
      await next();
    } finally {
      const seconds = (performance.now() - started) / 1000;
      const route = routeOf(ctx);
      metrics.httpDuration.observe({ route, method: ctx.method, status: String(ctx.status) }, seconds);
      logger.info(
        {
          requestId: ctx.state.requestId,
          method: ctx.method,
          route,
          path: ctx.path,
          status: ctx.status,
          durationMs: Math.round(seconds * 1000 * 10) / 10,
          user: ctx.get('X-Grafana-User') || undefined,
          principal: ctx.state.principal?.name,
        },
        'request',
      );
    }
  };
}
