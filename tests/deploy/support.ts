import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { parseAllDocuments } from 'yaml';
import { ConfigError, loadConfig, type Config } from '../../backend/src/config/index.js';
import { startServer, type RunningServer } from '../../backend/src/server.js';

/** Helpers shared by the deployment suites: files of the repository, and the backend's own view of its configuration. */

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export const repoPath = (...parts: string[]): string => join(ROOT, ...parts);

export const exists = (relative: string): boolean => existsSync(repoPath(relative));

export const readText = (relative: string): string => readFileSync(repoPath(relative), 'utf8');

/**
 * Every document of a YAML file (`---` separated); a syntax error fails the caller with its position.
 * Merge keys (`<<: *anchor`) are resolved, as Compose resolves them.
 */
export function readYamlDocuments(relative: string): unknown[] {
  const documents = parseAllDocuments(readText(relative), { merge: true });
  const list = Array.isArray(documents) ? documents : [documents];
  const values: unknown[] = [];
  for (const document of list) {
    if (document.errors.length > 0) throw new Error(`${relative}: ${document.errors[0]?.message}`);
    const value: unknown = document.toJS();
    if (value !== null && value !== undefined) values.push(value);
  }
  return values;
}

export function readYaml(relative: string): unknown {
  const [first, ...rest] = readYamlDocuments(relative);
  if (rest.length > 0) throw new Error(`${relative}: expected one YAML document`);
  return first;
}

export interface BackendVariables {
  /** Every variable `loadConfig` reads. */
  read: Set<string>;
  /** Those without which it refuses to start. */
  required: Set<string>;
}

/**
 * The variables the backend reads, asked of `loadConfig` itself rather than listed here: an
 * environment that records each read, then the problems it reports when the environment is
 * empty. New settings in backend/src/config/ are picked up without touching this suite.
 */
export function backendVariables(): BackendVariables {
  const read = new Set<string>();
  const recording = new Proxy({} as NodeJS.ProcessEnv, {
    get(_target, key) {
      if (typeof key === 'string' && /^[A-Z][A-Z0-9_]*$/.test(key)) read.add(key);
      return undefined;
    },
  });
  const required = new Set<string>();
  try {
    loadConfig(recording);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    for (const problem of error.problems) {
      const name = /^([A-Z][A-Z0-9_]*)/.exec(problem)?.[1];
      if (name) required.add(name);
    }
  }
  if (read.size < 10)
    throw new Error(`loadConfig read only ${[...read].join(', ')}: the probe no longer works`);
  return { read, required };
}

/**
 * Variables a deployment may set that the backend's configuration does not read, with who reads
 * them. Anything else not read by `loadConfig` is a typo or a setting that was removed.
 */
export const PROCESS_VARIABLES: Record<string, string> = {
  NODE_OPTIONS: 'Node itself (heap size below the container memory limit)',
  METADATA_SERVER_DETECTION: 'the Google client libraries (no GCE metadata server next to the emulators)',
  REDIS_PASSWORD: 'Kubernetes, which expands it into REDIS_URL',
};

/** Parses an environment as the backend would at start; throws the backend's own message. */
export function parseBackendEnv(env: Record<string, string>): Config {
  return loadConfig(env);
}

const SILENT = pino({ level: 'silent' });

/**
 * The real backend server with the given environment, without sources and with the in-process
 * cache, on a free loopback port: enough to ask whether a path a probe or a scraper uses exists.
 */
export async function startBackendFor(env: Record<string, string>): Promise<RunningServer> {
  const config = loadConfig({ ...env, HOST: '127.0.0.1', PORT: '0', CACHE_BACKEND: 'memory' });
  return startServer({ config, sources: [], logger: SILENT });
}

/**
 * Real-looking values for what an operator fills in (the Secret, and the ConfigMap's project id),
 * passing the backend's checks, for parsing environments built from the templates.
 */
export const PLACEHOLDER_SECRETS: Record<string, string> = {
  AUTH_TOKENS: JSON.stringify([{ name: 'check', sha256: '0'.repeat(64), role: 'viewer' }]),
  CURSOR_SECRET: 'x'.repeat(32),
  REDIS_PASSWORD: 'f'.repeat(64),
  GOOGLE_CLOUD_PROJECT: 'gpt-runner-prod',
};

export const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
