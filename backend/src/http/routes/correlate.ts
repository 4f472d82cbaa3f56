import type { ReconcileResponse, RelatedResponse } from '@gpt-runner-logs/contract';
import Router from '@koa/router';
import type { CorrelationConfig, ReconcileConfig } from '../../config/index.js';
import type { Clock, SourceName } from '../../model/index.js';
import type { QueryEngine } from '../../query/engine.js';
import type { LogSource } from '../../query/log-source.js';
import { reconcile } from '../../query/correlation/reconcile.js';
import { findRelated } from '../../query/correlation/related.js';
import { principalOf } from '../auth.js';
import { assertSourcesQueryable, readableSources } from '../caller-scope.js';
import type { AppContext, AppState } from '../context.js';
import { parseReconcileParams, parseRelatedParams } from '../params/index.js';

export interface CorrelateDeps {
  engine: QueryEngine;
  sources: ReadonlyMap<SourceName, LogSource>;
  sourceTimeoutMs: number;
  correlation: CorrelationConfig;
  reconcile: ReconcileConfig;
  clock: Clock;
}

/** One order across every source, and the GCS archive against Firestore. */
export function correlateRoutes(deps: CorrelateDeps): Router<AppState> {
  const router = new Router<AppState>();
  router.get('/logs/related', (ctx) => related(ctx, deps));
  router.get('/logs/reconcile', (ctx) => reconcileStores(ctx, deps));
  return router;
}

/** Every source the token may read: one it may not is left out and its expected places listed as unchecked. */
async function related(ctx: AppContext, deps: CorrelateDeps): Promise<void> {
  const principal = principalOf(ctx);
  const nowMs = deps.clock.now();
  const params = parseRelatedParams(ctx.query, deps.correlation.fields, nowMs);
  const sources = readableSources(principal, [...deps.sources.keys()]);
  ctx.body = (await findRelated(
    {
      ...params,
      sources,
      expected: deps.correlation.expected[params.field.name] ?? [],
      nowMs,
    },
    { sources: deps.sources, sourceTimeoutMs: deps.sourceTimeoutMs },
  )) satisfies RelatedResponse;
}

/** Both stores are needed: a token that may not read one of them gets a 403. */
async function reconcileStores(ctx: AppContext, deps: CorrelateDeps): Promise<void> {
  const principal = principalOf(ctx);
  const window = parseReconcileParams(ctx.query, deps.clock.now(), deps.reconcile);
  assertSourcesQueryable(principal, ['gcs', 'firestore'], [...deps.sources.keys()]);
  ctx.body = (await reconcile(deps.engine, deps.reconcile, window)) satisfies ReconcileResponse;
}
