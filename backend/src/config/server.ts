import { z } from 'zod';
import { integer } from './env.js';

export const serverEnv = {
  HOST: z.string().min(1).default('0.0.0.0'),
  PORT: integer(0, 65535, 8080),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  SHUTDOWN_TIMEOUT_MS: integer(0, 600_000, 10_000),
  // Part of SHUTDOWN_TIMEOUT_MS during which the server still accepts connections, so readiness
  // probes see the 503; 0 (the default) stops listening at once, as a local run wants.
  SHUTDOWN_DRAIN_MS: integer(0, 600_000, 0),
};

type ServerEnv = z.infer<z.ZodObject<typeof serverEnv>>;

export interface ServerConfig {
  host: string;
  port: number;
  logLevel: ServerEnv['LOG_LEVEL'];
  shutdownTimeoutMs: number;
  /** After SIGTERM, how long the server still accepts connections (within `shutdownTimeoutMs`). */
  shutdownDrainMs: number;
}

export const serverConfig = (e: ServerEnv): ServerConfig => ({
  host: e.HOST,
  port: e.PORT,
  logLevel: e.LOG_LEVEL,
  shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
  shutdownDrainMs: e.SHUTDOWN_DRAIN_MS,
});

/** Rules across variables, reported with the variable to fix. */
export function checkServerEnv(env: ServerEnv, ctx: z.RefinementCtx): void {
  if (env.SHUTDOWN_DRAIN_MS > env.SHUTDOWN_TIMEOUT_MS)
    ctx.addIssue({
      code: 'custom',
      path: ['SHUTDOWN_DRAIN_MS'],
      message: `must not exceed SHUTDOWN_TIMEOUT_MS (${env.SHUTDOWN_TIMEOUT_MS}), the whole shutdown's budget`,
    });
}
