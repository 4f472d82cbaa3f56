import type { Logger } from 'pino';
import { followOptions } from '../collector/collector.js';
import type { Config } from '../config/index.js';
import type { Metrics } from '../metrics/metrics.js';
import type { LogSource } from '../query/log-source.js';
import { MemoryBus, type TailBus } from '../tail/bus.js';
import { FollowerFeed } from '../tail/feed.js';
import { TailHub } from '../tail/hub.js';
import { RedisBus } from '../tail/redis-bus.js';

export interface CreateTailDeps {
  config: Config;
  /** The enabled sources; those that can follow feed the tail. */
  sources: readonly LogSource[];
  metrics: Metrics;
  logger: Logger;
}

/** Redis carries the tail between replicas whenever it carries the cache; one process needs no bus. */
function createBus({ config, logger }: CreateTailDeps): TailBus {
  const { redis } = config.cache;
  if (config.cache.backend !== 'redis' || !redis) return new MemoryBus();
  return new RedisBus({
    url: redis.url,
    keyPrefix: redis.keyPrefix,
    maxBatches: config.tail.bufferEntries,
    commandTimeoutMs: redis.commandTimeoutMs,
    logger,
  });
}

/** The live tail's hub: fed by the sources' followers (paced by the COLLECTOR_* settings). */
export function createTailHub(deps: CreateTailDeps): TailHub {
  const { config, sources, metrics, logger } = deps;
  const feed = new FollowerFeed({
    sources,
    options: (source, sinceMs) => followOptions(source, config.collector, sinceMs),
    onUpstream: (source, open) => metrics.tailUpstreamStreams.set({ source }, open),
    logger,
  });
  return new TailHub(createBus(deps), feed, config.tail, {
    subscribers: (count) => metrics.tailSubscribers.set(count),
    published: (entries) => {
      for (const entry of entries) metrics.tailEntries.inc({ source: entry.source });
    },
  });
}
