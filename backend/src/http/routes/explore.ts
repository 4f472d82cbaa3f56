import type { ContextResponse, VolumeResponse } from '@gpt-runner-logs/contract';
import Router from '@koa/router';
import type { Clock, SourceName } from '../../model/index.js';
import { walkEntries } from '../../query/collect.js';
import { contextQuery } from '../../query/context.js';
import type { QueryEngine } from '../../query/engine.js';
import { VolumeCounter } from '../../query/volume.js';
import { principalOf } from '../auth.js';
import { assertQueryable, assertSourcesQueryable, readableSources } from '../caller-scope.js';
import type { AppContext, AppState } from '../context.js';
import { parseContextParams, parseVolumeQuery } from '../params/index.js';
import { badParam } from '../problem.js';

export interface ExploreDeps {
  engine: QueryEngine;
  enabledSources: SourceName[];
  clock: Clock;
}

/** What Grafana's Explore asks besides lines: the volume histogram and a row's context. */
export function exploreRoutes(deps: ExploreDeps): Router<AppState> {
  const router = new Router<AppState>();
  router.get('/logs/volume', (ctx) => volume(ctx, deps));
  router.get('/logs/context', (ctx) => context(ctx, deps));
  return router;
}

/**
 * Counts come from reading the matching entries (up to `maxEntries`, newest first); past
 * that bound the answer says it is truncated rather than pretending the oldest buckets are empty.
 */
async function volume(ctx: AppContext, deps: ExploreDeps): Promise<void> {
  const principal = principalOf(ctx);
  const { query, stepMs, maxEntries } = parseVolumeQuery(ctx.query, {
    defaultSources: readableSources(principal, deps.enabledSources),
    nowMs: deps.clock.now(),
  });
  assertQueryable(principal, query, deps.enabledSources);
  const started = performance.now();
  const counter = new VolumeCounter(Date.parse(query.from), Date.parse(query.to), stepMs);
  const read = await walkEntries(deps.engine, query, maxEntries, (page) => counter.add(page));
  const oldest = read.last?.timestamp;
  const warnings: { source?: SourceName; message: string }[] = [...read.warnings];
  if (read.truncated && oldest) {
    warnings.push({
      message: `more than ${maxEntries} entries matched; counts before ${oldest} are incomplete`,
    });
  }
  ctx.body = {
    step: stepMs,
    from: query.from,
    to: query.to,
    series: counter.series(),
    truncated: read.truncated,
    partial: read.partial,
    warnings,
    stats: {
      scanned: read.scanned,
      counted: read.read,
      tookMs: Math.round(performance.now() - started),
    },
  } satisfies VolumeResponse;
}

async function context(ctx: AppContext, deps: ExploreDeps): Promise<void> {
  const principal = principalOf(ctx);
  const request = parseContextParams(ctx.query, deps.clock.now());
  // The source first: a caller learns nothing about ids of a source it may not read.
  assertSourcesQueryable(principal, [request.source], deps.enabledSources);
  const query = contextQuery(request, deps.engine);
  if (!query) throw badParam('id', `is not an id of a ${request.source} entry`);
  const page = await deps.engine.page(query);
  ctx.body = {
    entries: page.entries,
    partial: page.partial,
    warnings: page.warnings,
  } satisfies ContextResponse;
}
