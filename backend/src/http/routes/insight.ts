import type { PatternsResponse, SummaryResponse, SummaryStreamEvent } from '@gpt-runner-logs/contract';
import Router from '@koa/router';
import { PassThrough } from 'node:stream';
import type { Logger } from 'pino';
import type { InsightService, PreparedSummary, SummaryResult } from '../../insight/insight-service.js';
import type { Clock, SourceName } from '../../model/index.js';
import { assertMaySummarize, principalOf } from '../auth.js';
import { assertQueryable, readableSources } from '../caller-scope.js';
import type { AppContext, AppState } from '../context.js';
import {
  PATTERN_PARAMS,
  SUMMARY_PARAMS,
  parseInsightQuery,
  type InsightQuery,
  type RawParams,
} from '../params/index.js';
import { errorForLog } from '../../logger.js';
import { readJsonObject } from '../json-body.js';
import { renderProblem } from '../problem.js';

export interface InsightRouteDeps {
  service: InsightService;
  enabledSources: SourceName[];
  logger: Logger;
  clock: Clock;
}

/**
 * `GET /logs/patterns` and `POST /logs/summary`. Provider failures carry their own status
 * (502, 503 with `Retry-After`, 504) and are rendered like every other error.
 */
export function insightRoutes(deps: InsightRouteDeps): Router<AppState> {
  const router = new Router<AppState>();
  router.get('/logs/patterns', (ctx) => listPatterns(ctx, deps));
  router.post('/logs/summary', (ctx) => summarize(ctx, deps));
  return router;
}

function readQuery(
  ctx: AppContext,
  deps: InsightRouteDeps,
  raw: RawParams,
  shape: typeof PATTERN_PARAMS | typeof SUMMARY_PARAMS,
): InsightQuery {
  const principal = principalOf(ctx);
  const defaultSources = readableSources(principal, deps.enabledSources);
  const parsed = parseInsightQuery(raw, { defaultSources, nowMs: deps.clock.now() }, shape);
  assertQueryable(principal, parsed.query, deps.enabledSources);
  return parsed;
}

async function listPatterns(ctx: AppContext, deps: InsightRouteDeps): Promise<void> {
  const { query, maxEntries } = readQuery(ctx, deps, ctx.query, PATTERN_PARAMS);
  const started = performance.now();
  const result = await deps.service.patterns(query, maxEntries);
  const tookMs = Math.round(performance.now() - started);
  ctx.body = { ...result, stats: { ...result.stats, tookMs } } satisfies PatternsResponse;
}

const wantsStream = (ctx: AppContext): boolean => (ctx.get('Accept') || '').includes('text/event-stream');

async function summarize(ctx: AppContext, deps: InsightRouteDeps): Promise<void> {
  // The role comes first: a viewer learns nothing by sending a better body.
  assertMaySummarize(principalOf(ctx));
  // Read only now: a viewer, an unknown route or a wrong method never gets this far.
  const body: RawParams = await readJsonObject(ctx);
  const { query, maxEntries, focus, grafana } = readQuery(ctx, deps, body, SUMMARY_PARAMS);
  const prepared = await deps.service.prepare(query, maxEntries, focus, grafana);
  if (wantsStream(ctx)) {
    streamSummary(ctx, deps, prepared);
    return;
  }
  ctx.body = (await deps.service.summarize(prepared)) satisfies SummaryResponse;
}

/**
 * Server-sent events: `digest` at once, `delta` pieces as the summary is generated, then
 * `done` (provider, model, usage, cached, the whole summary) or `error` (a problem body).
 * The response is committed as 200 before the provider answers, so failures come as events.
 */
function streamSummary(ctx: AppContext, deps: InsightRouteDeps, prepared: PreparedSummary): void {
  const stream = new PassThrough();
  ctx.status = 200;
  ctx.type = 'text/event-stream';
  ctx.set('Cache-Control', 'no-cache, no-transform');
  // Proxies such as nginx would otherwise hold the events back.
  ctx.set('X-Accel-Buffering', 'no');
  ctx.body = stream;
  const send = ({ event, data }: SummaryStreamEvent): void => {
    // A client that went away leaves a destroyed stream; the summary still completes and is cached.
    if (!stream.writableEnded && !stream.destroyed)
      stream.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  };
  send({ event: 'digest', data: prepared.digest });
  let streamed = false;
  const onDelta = (text: string): void => {
    streamed = true;
    send({ event: 'delta', data: { text } });
  };
  void deps.service
    .summarize(prepared, onDelta)
    .then((result: SummaryResult) => {
      if (!streamed) send({ event: 'delta', data: { text: result.summary } });
      const { digest: _digest, ...rest } = result;
      send({ event: 'done', data: rest });
    })
    .catch((error: unknown) => {
      // Committed as 200 already: the problem the error middleware would render comes as an event.
      const problem = renderProblem(error, ctx.state.requestId);
      if (problem.unexpected)
        deps.logger.error(
          { err: errorForLog(error), requestId: ctx.state.requestId },
          'summary stream failed',
        );
      send({ event: 'error', data: problem.body });
    })
    .finally(() => stream.end());
}
