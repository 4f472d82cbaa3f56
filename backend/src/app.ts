import { bodyParser } from '@koa/bodyparser';
import Router from '@koa/router';
import { randomBytes } from 'node:crypto';
import Koa from 'koa';
import type { Logger } from 'pino';
import type { Cache } from './cache/cache.js';
import { CachedCalls } from './cache/cached-call.js';
import { createCache } from './cache/create-cache.js';
import { Collector } from './collector/collector.js';
import type { Config } from './config.js';
import { TokenAuthenticator, requireToken } from './http/auth.js';
import type { AppState } from './http/context.js';
import { createMetrics, type Metrics } from './metrics/metrics.js';
import { problemResponses } from './http/middleware/errors.js';
import { observeRequests } from './http/middleware/observe.js';
import { requestId } from './http/middleware/request-id.js';
import { exploreRoutes } from './http/routes/explore.js';
import { healthRoutes } from './http/routes/health.js';
import { insightRoutes } from './http/routes/insight.js';
import { logRoutes } from './http/routes/logs.js';
import { metaRoutes } from './http/routes/meta.js';
import { InsightService } from './insight/insight-service.js';
import { createRedactor } from './insight/redaction/index.js';
import { createSummarizer } from './app/create-summarizer.js';
import { systemClock, type Clock, type SourceName } from './model/index.js';
import { CursorCodec } from './query/cursor.js';
import { QueryEngine } from './query/engine.js';
import { LogReader } from './query/log-reader.js';
import type { LogSource } from './sources/log-source.js';

export interface AppDeps {
  config: Config;
  sources: LogSource[];
  logger: Logger;
  cache?: Cache;
  /** Where "now" comes from (relative windows such as `now-1h`); the system clock by default. */
  clock?: Clock;
}

export interface App {
  koa: Koa<AppState>;
  metrics: Metrics;
  /** The background log-volume collector, created stopped. */
  collector: Collector;
  /** Starts the collector (once); never from a request. */
  startCollector(): void;
  /** Fails readiness from now on; in-flight requests still finish. */
  beginShutdown(): void;
  /** Stops the collector, then closes sources and the cache. */
  close(): Promise<void>;
}

// JSON bodies are small queries; anything larger is a mistake or an attack.
const BODY_LIMIT = '64kb';

/** Composes the middleware chain and routes; `main.ts` decides where it listens. */
export function createApp({ config, sources, logger, cache, clock = systemClock }: AppDeps): App {
  const metrics = createMetrics();
  const sourceMap = new Map<SourceName, LogSource>(
    sources.filter((s) => config.enabledSources.includes(s.name)).map((s) => [s.name, s]),
  );
  const queryCache = cache ?? createCache(config, { logger, onError: metrics.observeCacheError });
  metrics.watchCache(queryCache);
  const cursors = new CursorCodec(config.cursorSecret ?? randomBytes(32).toString('hex'));
  const engine = new QueryEngine({
    sources: sourceMap,
    sourceTimeoutMs: config.sourceTimeoutMs,
    observe: metrics.observeSource,
  });
  const reader = new LogReader(
    engine,
    cursors,
    new CachedCalls(queryCache, metrics.observeCache),
    config.cache.ttlSeconds,
  );
  let shuttingDown = false;

  const open = new Router<AppState>();
  open.use(
    healthRoutes({
      sources: sourceMap,
      cache: queryCache,
      metrics,
      isShuttingDown: () => shuttingDown,
      checkTimeoutMs: 2_000,
    }).routes(),
  );
  open.get('/metrics', async (ctx) => {
    ctx.type = metrics.registry.contentType;
    ctx.body = await metrics.registry.metrics();
  });

  const authenticated = new Router<AppState>();
  authenticated.use(requireToken(new TokenAuthenticator(config.tokens)));
  const enabledSources = [...sourceMap.keys()];
  const redactor = createRedactor({ emails: config.redaction.emails });
  const logRedactor = config.redaction.responses ? redactor : undefined;
  authenticated.use(
    logRoutes({ reader, cursors, metrics, enabledSources, clock, redactor: logRedactor }).routes(),
  );
  const insight = new InsightService({
    engine,
    // Summaries share the query cache's store under their own keys and metric.
    calls: new CachedCalls(queryCache, metrics.observeSummaryCache),
    summarizer: createSummarizer(config.summary),
    redactor,
    settings: config.summary,
    observe: metrics.observeSummary,
  });
  authenticated.use(insightRoutes({ service: insight, enabledSources, logger, clock }).routes());
  authenticated.use(exploreRoutes({ engine, enabledSources, clock }).routes());
  authenticated.use(metaRoutes({ sources: sourceMap, sourceTimeoutMs: config.sourceTimeoutMs }).routes());

  const koa = new Koa<AppState>();
  // Failures after a response has started (a client leaving an event stream) bypass the
  // problem renderer and would reach Koa's default handler, which prints to stderr.
  koa.on('error', (error: unknown, ctx?: { state?: AppState }) => {
    const clientLeft = (error as { code?: string } | undefined)?.code === 'ERR_STREAM_PREMATURE_CLOSE';
    logger[clientLeft ? 'debug' : 'warn'](
      { err: error, requestId: ctx?.state?.requestId },
      'response failed',
    );
  });
  koa.use(requestId);
  koa.use(observeRequests(logger, metrics));
  koa.use(problemResponses(logger));
  koa.use(bodyParser({ jsonLimit: BODY_LIMIT, enableTypes: ['json'] }));
  koa.use(open.routes());
  koa.use(open.allowedMethods());
  koa.use(authenticated.routes());
  koa.use(authenticated.allowedMethods());

  const collector = new Collector({ config, sources, metrics, logger });

  return {
    koa,
    metrics,
    collector,
    startCollector: () => collector.start(),
    beginShutdown: () => {
      shuttingDown = true;
    },
    close: async () => {
      // Followers use the sources' clients: they stop first, so none fails on a closed client.
      collector.stop();
      await Promise.allSettled([...sources.map((s) => s.close?.()), queryCache.close()]);
    },
  };
}
