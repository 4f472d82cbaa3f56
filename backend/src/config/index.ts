import { z } from 'zod';
import { authConfig, authEnv, type AuthConfig } from './auth.js';
import { cacheConfig, cacheEnv, checkCacheEnv, type CacheConfig } from './cache.js';
import { collectorConfig, collectorEnv, type CollectorConfig } from './collector.js';
import {
  correlationConfig,
  correlationEnv,
  reconcileConfig,
  type CorrelationConfig,
  type ReconcileConfig,
} from './correlation.js';
import { ConfigError, describeIssue } from './env.js';
import { checkServerEnv, serverConfig, serverEnv, type ServerConfig } from './server.js';
import { sourcesConfig, sourcesEnv, type SourcesConfig } from './sources.js';
import { checkEnvironment } from './strict.js';
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
export type {
  CacheConfig,
  CollectorConfig,
  CorrelationConfig,
  ReconcileConfig,
  RedactionConfig,
  SummaryConfig,
};

const envShape = {
  ...serverEnv,
  ...authEnv,
  ...sourcesEnv,
  ...cacheEnv,
  ...summaryEnv,
  ...collectorEnv,
  ...correlationEnv,
};
const envSchema = z.object(envShape).superRefine(checkServerEnv).superRefine(checkCacheEnv);

export interface Config extends ServerConfig, AuthConfig, SourcesConfig {
  cache: CacheConfig;
  summary: SummaryConfig;
  redaction: RedactionConfig;
  collector: CollectorConfig;
  correlation: CorrelationConfig;
  reconcile: ReconcileConfig;
}

/**
 * Refuses to start, listing every problem at once: placeholders and blank values, values that do
 * not parse, then unknown variables of the service's families (with the setting probably meant).
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const strict = checkEnvironment(env, envShape);
  // A reported variable is parsed as unset, so its problem is not repeated in other words.
  const settings: Record<string, string | undefined> = {};
  for (const name of Object.keys(envShape)) if (!strict.reported.has(name)) settings[name] = env[name];
  const parsed = envSchema.safeParse(settings);
  const problems = [
    ...strict.problems,
    ...(parsed.success ? [] : parsed.error.issues)
      .filter((issue) => !strict.reported.has(String(issue.path[0])))
      .map(describeIssue),
    ...strict.unknown,
  ];
  if (!parsed.success || problems.length > 0) throw new ConfigError(problems);
  const e = parsed.data;
  return {
    ...serverConfig(e),
    ...authConfig(e),
    ...sourcesConfig(e),
    cache: cacheConfig(e),
    summary: summaryConfig(e),
    redaction: redactionConfig(e),
    collector: collectorConfig(e),
    correlation: correlationConfig(e),
    reconcile: reconcileConfig(e),
  };
}
