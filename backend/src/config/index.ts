import { z } from 'zod';
import { authConfig, authEnv, type AuthConfig } from './auth.js';
import { cacheConfig, cacheEnv, checkCacheEnv, type CacheConfig } from './cache.js';
import { collectorConfig, collectorEnv, type CollectorConfig } from './collector.js';
import { ConfigError, describeIssue } from './env.js';
import { serverConfig, serverEnv, type ServerConfig } from './server.js';
import { sourcesConfig, sourcesEnv, type SourcesConfig } from './sources.js';
import {
  redactionConfig,
  summaryConfig,
  summaryEnv,
  type RedactionConfig,
  type SummaryConfig,
} from './summary.js';

/**
 * Every setting comes from the environment (a ConfigMap and a Secret in Kubernetes) and is
 * validated once at start, so a typo stops the process with the variable's name instead of
 * failing on the first request. Each concern declares its variables in its own module.
 */
export { ConfigError } from './env.js';
export type { TokenConfig } from './auth.js';
export type { CacheConfig, CollectorConfig, RedactionConfig, SummaryConfig };

const envSchema = z
  .object({ ...serverEnv, ...authEnv, ...sourcesEnv, ...cacheEnv, ...summaryEnv, ...collectorEnv })
  .superRefine(checkCacheEnv);

export interface Config extends ServerConfig, AuthConfig, SourcesConfig {
  cache: CacheConfig;
  summary: SummaryConfig;
  redaction: RedactionConfig;
  collector: CollectorConfig;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) throw new ConfigError(parsed.error.issues.map(describeIssue));
  const e = parsed.data;
  return {
    ...serverConfig(e),
    ...authConfig(e),
    ...sourcesConfig(e),
    cache: cacheConfig(e),
    summary: summaryConfig(e),
    redaction: redactionConfig(e),
    collector: collectorConfig(e),
  };
}
