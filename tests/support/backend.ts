import { createHash } from 'node:crypto';
import { pino, type Logger } from 'pino';
import { loadConfig, type Config } from '../../backend/src/config/index.js';
import { generateDataset, type DemoDataset } from '../../local/demo-data/dataset.js';
import { memorySources } from '../../local/demo-data/memory-sources.js';
import { clockStartingAt, formatEpochMs } from '../../backend/src/model/index.js';
import { createSources } from '../../backend/src/app/create-sources.js';
import type { LogSource } from '../../backend/src/query/log-source.js';
import { startServer, type RunningServer } from '../../backend/src/server.js';

/** Tokens every suite can use: one per role, and one limited to GCS. */
export const TOKENS = {
  admin: 'admin-token-0123456789',
  analyst: 'analyst-token-0123456789',
  viewer: 'viewer-token-0123456789',
  gcsOnly: 'gcs-only-token-0123456789',
} as const;

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

export const TOKEN_CONFIG = JSON.stringify([
  { name: 'ops-admin', sha256: sha256(TOKENS.admin), role: 'admin' },
  { name: 'ops-analyst', sha256: sha256(TOKENS.analyst), role: 'analyst' },
  { name: 'grafana', sha256: sha256(TOKENS.viewer), role: 'viewer' },
  { name: 'gcs-reader', sha256: sha256(TOKENS.gcsOnly), role: 'viewer', sources: ['gcs'] },
]);

export interface TestBackend {
  url: string;
  server: RunningServer;
  dataset?: DemoDataset;
  /** The time the server started at (its clock runs on from there); the demo data ends then (to the second). */
  nowMs: number;
  get(path: string, token?: string, headers?: Record<string, string>): Promise<Response>;
  json<T = Record<string, unknown>>(
    path: string,
    token?: string,
  ): Promise<{ status: number; body: T; headers: Headers }>;
  close(): Promise<void>;
}

export interface TestBackendOptions {
  sources?: LogSource[];
  /**
   * Build the real sources from the configuration (`createSources(loadConfig(env))`), as
   * `main.ts` does, instead of serving demo data from memory. Ignored when `sources` is given.
   */
  sourcesFromEnv?: boolean;
  env?: Record<string, string>;
  nowMs?: number;
  /** The backend's logger (e.g. `createLogger('debug', sink)` to read its records); silent by default. */
  logger?: Logger;
}

/** The real backend on a free loopback port, over demo data unless sources are given. */
export async function startTestBackend(options: TestBackendOptions = {}): Promise<TestBackend> {
  const nowMs = options.nowMs ?? Date.now();
  const fromEnv = !options.sources && options.sourcesFromEnv === true;
  const config: Config = loadConfig({
    HOST: '127.0.0.1',
    PORT: '0',
    AUTH_TOKENS: TOKEN_CONFIG,
    CURSOR_SECRET: 'c'.repeat(32),
    ...options.env,
  });
  const logger = options.logger ?? pino({ level: 'silent' });
  const demo = !options.sources && !fromEnv;
  const dataset = demo ? generateDataset({ nowMs, days: 1, tradesPerHour: 20 }) : undefined;
  const sources =
    options.sources ??
    (fromEnv ? createSources(config, logger) : memorySources(dataset as DemoDataset, formatEpochMs(nowMs)));
  const server = await startServer({ config, sources, logger, clock: clockStartingAt(nowMs) });
  const get = (path: string, token?: string, headers: Record<string, string> = {}): Promise<Response> =>
    fetch(`${server.url}${path}`, {
      headers: { ...(token ? { Authorization: `Bearer ${token}` } : {}), ...headers },
    });
  return {
    url: server.url,
    server,
    dataset,
    nowMs,
    get,
    async json<T>(path: string, token?: string) {
      const response = await get(path, token);
      return { status: response.status, body: (await response.json()) as T, headers: response.headers };
    },
    close: () => server.shutdown(),
  };
}
