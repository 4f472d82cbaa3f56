import { z } from 'zod';
import { integer } from './env.js';

export const serverEnv = {
  HOST: z.string().min(1).default('0.0.0.0'),
  PORT: integer(0, 65535, 8080),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  SHUTDOWN_TIMEOUT_MS: integer(0, 600_000, 10_000),
};

type ServerEnv = z.infer<z.ZodObject<typeof serverEnv>>;

export interface ServerConfig {
  host: string;
  port: number;
  logLevel: ServerEnv['LOG_LEVEL'];
  shutdownTimeoutMs: number;
}

export const serverConfig = (e: ServerEnv): ServerConfig => ({
  host: e.HOST,
  port: e.PORT,
  logLevel: e.LOG_LEVEL,
  shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
});
