import { z } from 'zod';
import { SOURCE_NAMES, type SourceName } from './model/index.js';

/**
 * Every setting comes from the environment (a ConfigMap and a Secret in Kubernetes) and is
 * validated once at start, so a typo stops the process with the variable's name instead of
 * failing on the first request.
 */
export const ROLES = ['viewer', 'analyst', 'admin'] as const;
export type Role = (typeof ROLES)[number];

const tokenSchema = z.object({
  name: z.string().min(1),
  sha256: z
    .string()
    .regex(/^[0-9a-f]{64}$/i, 'must be the hex SHA-256 of the token')
    .transform((hash) => hash.toLowerCase()),
  role: z.enum(ROLES),
  sources: z
    .array(z.enum(SOURCE_NAMES))
    .min(1)
    .default([...SOURCE_NAMES]),
});

export type TokenConfig = z.infer<typeof tokenSchema>;

const jsonArray = (inner: z.ZodType, what: string) =>
  z
    .string({ error: `is required: ${what}` })
    .transform((text, ctx) => {
      try {
        return JSON.parse(text) as unknown;
      } catch {
        ctx.addIssue({ code: 'custom', message: 'must be JSON' });
        return z.NEVER;
      }
    })
    .pipe(inner);

const integer = (min: number, max: number, fallback: number) =>
  z.coerce.number().int().min(min).max(max).default(fallback);

const sourceList = z
  .string()
  .transform((text) =>
    text
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  )
  .pipe(z.array(z.enum(SOURCE_NAMES)).min(1));

const envSchema = z.object({
  HOST: z.string().min(1).default('0.0.0.0'),
  PORT: integer(0, 65535, 8080),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  AUTH_TOKENS: jsonArray(
    z.array(tokenSchema).min(1, 'must list at least one token'),
    'a JSON list of {name, sha256, role, sources}',
  ),
  CURSOR_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  ENABLED_SOURCES: sourceList.default([...SOURCE_NAMES]),
  SOURCE_TIMEOUT_MS: integer(100, 120_000, 5_000),
  CACHE_TTL_SECONDS: integer(0, 86_400, 15),
  CACHE_MAX_ENTRIES: integer(1, 1_000_000, 1_000),
  SHUTDOWN_TIMEOUT_MS: integer(0, 600_000, 10_000),
});

export interface Config {
  host: string;
  port: number;
  logLevel: z.infer<typeof envSchema>['LOG_LEVEL'];
  tokens: TokenConfig[];
  /** Signs cursors; replicas must share it, so a random one only suits a single process. */
  cursorSecret?: string;
  enabledSources: SourceName[];
  sourceTimeoutMs: number;
  cache: { ttlSeconds: number; maxEntries: number };
  shutdownTimeoutMs: number;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

function describeIssue(issue: z.core.$ZodIssue): string {
  const [variable, ...rest] = issue.path.map(String);
  const where = rest.length > 0 ? `${variable} (at ${rest.join('.')})` : variable;
  return `${where}: ${issue.message}`;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) throw new ConfigError(parsed.error.issues.map(describeIssue));
  const e = parsed.data;
  return {
    host: e.HOST,
    port: e.PORT,
    logLevel: e.LOG_LEVEL,
    tokens: e.AUTH_TOKENS as TokenConfig[],
    cursorSecret: e.CURSOR_SECRET,
    enabledSources: e.ENABLED_SOURCES,
    sourceTimeoutMs: e.SOURCE_TIMEOUT_MS,
    cache: { ttlSeconds: e.CACHE_TTL_SECONDS, maxEntries: e.CACHE_MAX_ENTRIES },
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
  };
}
