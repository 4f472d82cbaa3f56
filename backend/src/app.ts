import Router from '@koa/router';
import { randomBytes } from 'node:crypto';
import { METHODS } from 'node:http';
import Koa from 'koa';
import type { Logger } from 'pino';
import type { Cache } from './cache/cache.js';
import { CachedCalls } from './cache/cached-call.js';
import { createCache } from './cache/create-cache.js';
import { Collector } from './collector/collector.js';
import type { Config } from './config/index.js';
import { createSummarizer } from './app/create-summarizer.js';
import { withSegmentCache } from './app/segment-cache.js';
import { createTailHub } from './app/create-tail.js';
import { TokenAuthenticator, requireToken } from './http/auth.js';
import type { AppState } from './http/context.js';
import { problemResponses } from './http/middleware/errors.js';
import { observeRequests } from './http/middleware/observe.js';
import { requestId } from './http/middleware/request-id.js';
import { correlateRoutes } from './http/routes/correlate.js';
import { exploreRoutes } from './http/routes/explore.js';
import { healthRoutes } from './http/routes/health.js';
import { insightRoutes } from './http/routes/insight.js';
import { labelRoutes } from './http/routes/labels.js';
import { logRoutes } from './http/routes/logs.js';
import { metaRoutes } from './http/routes/meta.js';
import { TailStreams, tailRoutes } from './http/routes/tail.js';
import { errorForLog } from './logger.js';
import { InsightService } from './insight/insight-service.js';
import { createRedactor, type Redactor } from './insight/redaction/index.js';
import type { Summarizer } from './insight/summary/provider.js';
import { createMetrics, type Metrics } from './metrics/metrics.js';
import { systemClock, type Clock, type SourceName } from './model/index.js';
import { CursorCodec } from './query/cursor.js';
import { ReconcileSchedule } from './query/correlation/schedule.js';
import { QueryEngine } from './query/engine.js';
import { LabelReader } from './query/labels.js';
import { LogReader } from './query/log-reader.js';
import type { LogSource } from './query/log-source.js';
import type { TailHub } from './tail/hub.js';

export interface AppDeps {
  config: Config;
  sources: LogSource[];
  logger: Logger;
  /** Built from `config.cache` unless given (tests share one, or bring Redis). */
  cache?: Cache;
  /** Built from `config.summary` unless given. */
  summarizer?: Summarizer;
  /** Where "now" comes from (relative windows such as `now-1h`); the system clock by default. */
  clock?: Clock;
}

export interface App {
  koa: Koa<AppState>;
  metrics: Metrics;
  /** The background log-volume collector, created stopped. */
  collector: Collector;
  /** The live tail's hub; `publish` hands it entries (tests publish directly). */
  tail: TailHub;
  /**
   * Starts the collector's duties (once): following from `sinceMs` (now by default) and the
   * scheduled reconciliation; never from a request. The collector role calls it on taking the Lease.
   */
  startCollector(sinceMs?: number): void;
  /** Stops them again, as the collector role does on losing the Lease. */
  stopCollector(): void;
  /** Fails readiness from now on; in-flight requests still finish. */
  beginShutdown(): void;
  /** Stops the collector, then closes sources and the cache. */
  close(): Promise<void>;
}

/**
 * Every method Node's HTTP parser accepts counts as implemented, so a method a path does not
 * support (TRACE, PROPFIND, SEARCH as much as DELETE) is a 405 with `Allow`, never a 501,
 * and a path nothing serves is a 404 whatever the method.
 */
const newRouter = (): Router<AppState> => new Router<AppState>({ methods: [...METHODS] });

/** What the routes are built on, each from its own part of the configuration. */
interface Services {
  sourceMap: Map<SourceName, LogSource>;
  cache: Cache;
  cursors: CursorCodec;
  engine: QueryEngine;
  reader: LogReader;
  insight: InsightService;
  redactor: Redactor;
  tail: TailHub;
  tailStreams: TailStreams;
}

function buildServices(deps: AppDeps, metrics: Metrics): Services {
  const { config, sources, logger } = deps;
  const sourceMap = new Map<SourceName, LogSource>(
    sources.filter((s) => config.enabledSources.includes(s.name)).map((s) => [s.name, s]),
  );
  for (const source of sourceMap.values()) source.observeCalls?.(metrics.observeBackendCall);
  const cache = deps.cache ?? createCache(config.cache, { logger, onError: metrics.observeCacheError });
  metrics.watchCache(cache);
  // Queries read through the segment cache; probes, meta and followers use the sources themselves.
  const segmented = withSegmentCache(
    [...sourceMap.values()],
    config.segments,
    cache,
    deps.clock ?? systemClock,
    config.sourceTimeoutMs,
  );
  if (segmented.store) metrics.watchSegmentBytes(() => segmented.store?.bytes ?? 0);
  const cursors = new CursorCodec(config.cursorSecret ?? randomBytes(32).toString('hex'));
  const engine = new QueryEngine({
    sources: new Map(segmented.sources.map((source) => [source.name, source])),
    sourceTimeoutMs: config.sourceTimeoutMs,
    observe: metrics.observeSource,
  });
  const reader = new LogReader(
    engine,
    cursors,
    new CachedCalls(cache, metrics.observeCache),
    config.cache.ttlSeconds,
  );
  const redactor = createRedactor({ emails: config.redaction.emails });
  const insight = new InsightService({
    engine,
    // Summaries share the query cache's store under their own keys and metric.
    calls: new CachedCalls(cache, metrics.observeSummaryCache),
    summarizer: deps.summarizer ?? createSummarizer(config.summary),
    redactor,
    settings: config.summary,
    observe: metrics.observeSummary,
  });
  const tail = createTailHub({
    config,
    sources: [...sourceMap.values()],
    metrics,
    logger,
  });
  const tailStreams = new TailStreams();
  return { sourceMap, cache, cursors, engine, reader, insight, redactor, tail, tailStreams };
}

/** Probes and the scrape endpoint: no token, so Kubernetes and Prometheus need none. */
function openRouter(services: Services, metrics: Metrics, isShuttingDown: () => boolean): Router<AppState> {
  const open = newRouter();
  open.use(
    healthRoutes({
      sources: services.sourceMap,
      cache: services.cache,
      metrics,
      isShuttingDown,
      checkTimeoutMs: 2_000,
    }).routes(),
  );
  open.get('/metrics', async (ctx) => {
    ctx.type = metrics.registry.contentType;
    ctx.body = await metrics.registry.metrics();
  });
  return open;
}

function authenticatedRouter(deps: AppDeps, services: Services, metrics: Metrics): Router<AppState> {
  const { config, logger, clock = systemClock } = deps;
  const { sourceMap, reader, cursors, engine, insight, redactor } = services;
  const enabledSources = [...sourceMap.keys()];
  const authenticated = newRouter();
  authenticated.use(requireToken(new TokenAuthenticator(config.tokens)));
  const logRedactor = config.redaction.responses ? redactor : undefined;
  authenticated.use(
    logRoutes({ reader, cursors, metrics, enabledSources, clock, redactor: logRedactor }).routes(),
  );
  authenticated.use(insightRoutes({ service: insight, enabledSources, logger, clock }).routes());
  authenticated.use(exploreRoutes({ engine, enabledSources, clock }).routes());
  authenticated.use(
    correlateRoutes({
      engine,
      sources: sourceMap,
      sourceTimeoutMs: config.sourceTimeoutMs,
      correlation: config.correlation,
      reconcile: config.reconcile,
      clock,
    }).routes(),
  );
  authenticated.use(
    tailRoutes({
      hub: services.tail,
      streams: services.tailStreams,
      settings: config.tail,
      enabledSources,
      clock,
      redactor: logRedactor,
      onRejected: () => metrics.tailRejected.inc(),
    }).routes(),
  );
  const labelCalls = new CachedCalls(services.cache, metrics.observeCache);
  const labels = new LabelReader(engine, labelCalls, config.cache.ttlSeconds);
  authenticated.use(labelRoutes({ labels, enabledSources, clock, redactor: logRedactor }).routes());
  authenticated.use(metaRoutes({ sources: sourceMap, sourceTimeoutMs: config.sourceTimeoutMs }).routes());
  return authenticated;
}

/**
 * Composes the middleware chain and routes from the configuration; `main.ts` decides where
 * it listens. The one place where layers meet: metrics are plugged into the observers the
 * engine, the cache and the insight service offer.
 */
export function createApp(deps: AppDeps): App {
  const { config, sources, logger } = deps;
  const metrics = createMetrics();
  const services = buildServices(deps, metrics);
  let shuttingDown = false;
  const open = openRouter(services, metrics, () => shuttingDown);
  const authenticated = authenticatedRouter(deps, services, metrics);

  const koa = new Koa<AppState>();
  // Failures after a response has started (a client leaving an event stream) bypass the
  // problem renderer and would reach Koa's default handler, which prints to stderr.
  koa.on('error', (error: unknown, ctx?: { state?: AppState }) => {
    const clientLeft = (error as { code?: string } | undefined)?.code === 'ERR_STREAM_PREMATURE_CLOSE';
    logger[clientLeft ? 'debug' : 'warn'](
      // Node's parser errors carry the raw request (`rawPacket`), Authorization included.
      { err: errorForLog(error), requestId: ctx?.state?.requestId },
      'response failed',
    );
  });
  koa.use(requestId);
  koa.use(observeRequests(logger, metrics));
  koa.use(problemResponses(logger));
  // No body parser here: the one route that takes a body reads it (`readJsonObject`) after
  // authentication, routing and its role check.
  koa.use(open.routes());
  koa.use(open.allowedMethods());
  koa.use(authenticated.routes());
  koa.use(authenticated.allowedMethods());

  const collector = new Collector({
    sources: [...services.sourceMap.values()],
    settings: config.collector,
    metrics,
    logger,
  });

  // Runs with the collector (its leader only): the mismatch metric behind the archive alert. A
  // schedule cannot be restarted once stopped, so each leadership gets its own.
  const reconcileSchedule = () =>
    new ReconcileSchedule({
      engine: services.engine,
      settings: config.reconcile,
      clock: deps.clock ?? systemClock,
      intervalMs: config.reconcile.intervalMs,
      windowMs: config.reconcile.windowMs,
      settleMs: config.reconcile.settleMs,
      observe: metrics.observeReconcile,
      onError: (error) => logger.warn({ err: errorForLog(error) }, 'reconciliation failed'),
    });
  let reconciling: ReconcileSchedule | undefined;
  const stopCollector = () => {
    collector.stop();
    reconciling?.stop();
    reconciling = undefined;
  };

  return {
    koa,
    metrics,
    collector,
    tail: services.tail,
    startCollector: (sinceMs) => {
      collector.start(sinceMs);
      reconciling ??= reconcileSchedule();
      reconciling.start();
    },
    stopCollector,
    beginShutdown: () => {
      shuttingDown = true;
      // Open tails would hold the drain to its time-out: they end now and resume on another replica.
      services.tailStreams.endAll('shutdown');
    },
    close: async () => {
      // Followers use the sources' clients: they stop first, so none fails on a closed client.
      stopCollector();
      await services.tail.close();
      await Promise.allSettled([...sources.map((s) => s.close?.()), services.cache.close()]);
    },
  };
}
