/**
 * Processes started as they are deployed: the backend image's program (`backend/src/main.ts`,
 * what `node dist/main.js` runs in the image) with a container's environment as rendered from
 * deployments/, Prometheus with provisioning/prometheus/prometheus.yml, Alertmanager with
 * provisioning/alertmanager/, and a local HTTP server standing for Slack's incoming webhook.
 * Only what must change on one machine is changed, and every change is made here, visibly:
 * hosts and ports become loopback ones, file paths inside a container become repository paths.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { ROOT, readText } from '../deploy/support.js';
import { LOOPBACK, freePort, startGuarded, waitUntil, type GuardedProcess } from './emulators/process.js';

export const PROMETHEUS = '/usr/bin/prometheus';
export const ALERTMANAGER = '/usr/bin/prometheus-alertmanager';

/** Why the deployed-stack suites cannot run here, or undefined when they can. */
export function monitoringMissing(): string | undefined {
  for (const [binary, pkg] of [
    [PROMETHEUS, 'prometheus'],
    [ALERTMANAGER, 'prometheus-alertmanager'],
  ] as const)
    if (!existsSync(binary)) return `${binary} is not installed (Debian package ${pkg}; .ci/run installs it)`;
  return undefined;
}

// ---------------------------------------------------------------------------
// The backend program

export interface BackendProcess {
  readonly url: string;
  readonly process: GuardedProcess;
  metrics(): Promise<string>;
}

/**
 * The machine's own variables a process gets wherever it runs: PATH and HOME, and libfaketime's
 * (`npm run test:moved-clock`), so the processes share the node's clock as pods share theirs.
 */
function machineEnvironment(): Record<string, string> {
  const machine: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: process.env.HOME ?? '/tmp',
  };
  for (const [name, value] of Object.entries(process.env))
    if (value !== undefined && (name === 'LD_PRELOAD' || name.startsWith('FAKETIME'))) machine[name] = value;
  return machine;
}

/**
 * `backend/src/main.ts` with exactly `env` and the machine's variables: nothing of this test
 * process's configuration leaks in. Resolves once `/healthz` answers.
 */
export async function startBackendProcess(env: Record<string, string>): Promise<BackendProcess> {
  const port = Number(env.PORT);
  const url = `http://${LOOPBACK}:${port}`;
  const process_ = await startGuarded(process.execPath, ['--import', 'tsx', 'backend/src/main.ts'], {
    cwd: ROOT,
    env: { ...machineEnvironment(), ...env },
  });
  await waitUntil(async () => (await fetch(`${url}/healthz`)).ok, {
    what: `backend on ${url}`,
    timeoutMs: 60_000,
    intervalMs: 200,
    abortReason: () => (process_.hasExited() ? `exited: ${process_.output().slice(-2_000)}` : undefined),
  });
  return {
    url,
    process: process_,
    metrics: async () => (await fetch(`${url}/metrics`)).text(),
  };
}

// ---------------------------------------------------------------------------
// Slack's incoming webhook

export interface SlackPost {
  headers: IncomingHttpHeaders;
  /** The parsed JSON body (undefined when it was not JSON: a malformed message). */
  body: unknown;
  raw: string;
}

export interface SlackWebhook {
  readonly url: string;
  readonly posts: readonly SlackPost[];
  stop(): Promise<void>;
}

/** Answers as Slack does: `200 ok` to a POST of a JSON message, 400 `invalid_payload` otherwise. */
export async function startSlackWebhook(): Promise<SlackWebhook> {
  const posts: SlackPost[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      let body: unknown;
      try {
        body = JSON.parse(raw);
      } catch {
        body = undefined;
      }
      if (req.method === 'POST') posts.push({ headers: req.headers, body, raw });
      const ok = req.method === 'POST' && body !== undefined;
      res.writeHead(ok ? 200 : 400, { 'Content-Type': 'text/plain' });
      res.end(ok ? 'ok' : 'invalid_payload');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, LOOPBACK, resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${LOOPBACK}:${port}/services/T0000/B0000/XXXXXXXX`,
    posts,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

// ---------------------------------------------------------------------------
// Alertmanager

interface AlertmanagerConfig {
  templates: string[];
  receivers: { name: string; slack_configs?: { api_url_file?: string }[] }[];
  [key: string]: unknown;
}

export interface RunningServer {
  readonly url: string;
  readonly process: GuardedProcess;
}

/**
 * Debian's Alertmanager with provisioning/alertmanager/alertmanager.yml. Changed: the template
 * folder and the webhook file, which a container mounts under /etc/alertmanager, become the
 * repository's folder and a file in `dir` holding the local webhook's URL. Clustering is off
 * (no gossip port), and it listens on loopback.
 */
export async function startAlertmanager(dir: string, webhookUrl: string): Promise<RunningServer> {
  const config = parse(readText('provisioning/alertmanager/alertmanager.yml')) as AlertmanagerConfig;
  const templates = join(ROOT, 'provisioning/alertmanager/templates');
  config.templates = config.templates.map((glob) => glob.replace('/etc/alertmanager/templates', templates));
  const webhookFile = join(dir, 'slack-webhook-url');
  await writeFile(webhookFile, webhookUrl);
  for (const receiver of config.receivers)
    for (const slack of receiver.slack_configs ?? []) slack.api_url_file = webhookFile;
  await writeFile(join(dir, 'alertmanager.yml'), stringify(config));
  const port = await freePort();
  const url = `http://${LOOPBACK}:${port}`;
  const server = await startGuarded(ALERTMANAGER, [
    `--config.file=${join(dir, 'alertmanager.yml')}`,
    `--storage.path=${join(dir, 'alertmanager-data')}`,
    `--web.listen-address=${LOOPBACK}:${port}`,
    `--web.external-url=${url}`,
    '--cluster.listen-address=',
  ]);
  await waitUntil(async () => (await fetch(`${url}/-/ready`)).ok, {
    what: 'Alertmanager',
    timeoutMs: 30_000,
    abortReason: () => (server.hasExited() ? `exited: ${server.output().slice(-2_000)}` : undefined),
  });
  return { url, process: server };
}

// ---------------------------------------------------------------------------
// Prometheus

interface PrometheusConfig {
  global?: Record<string, string>;
  rule_files: string[];
  alerting?: { alertmanagers: { static_configs: { targets: string[] }[] }[] };
  scrape_configs: {
    job_name: string;
    static_configs: { targets: string[]; labels?: Record<string, string> }[];
  }[];
}

export interface PrometheusOptions {
  dir: string;
  /** Each `host:port` target of prometheus.yml (a compose service) → the loopback ones standing for it. */
  targets: Record<string, string[]>;
  /** The rule file to load instead of /etc/prometheus/rules/*.yml (a path inside the container). */
  rules: string;
  /** Global scrape and evaluation interval, where the deployed 15 s would make a test take hours. */
  interval: string;
}

/**
 * Debian's Prometheus with provisioning/prometheus/prometheus.yml. Changed: each target becomes
 * its loopback stand-ins (also the Alertmanager's), the rule glob the given rule file, and the
 * global intervals `options.interval`; jobs, labels and paths stay as they are.
 */
export async function startPrometheus(options: PrometheusOptions): Promise<RunningServer> {
  const config = parse(readText('provisioning/prometheus/prometheus.yml')) as PrometheusConfig;
  const rewrite = (targets: string[]): string[] =>
    targets.flatMap((target) => {
      const stand = options.targets[target];
      if (!stand) throw new Error(`prometheus.yml targets ${target}, which the test does not stand in for`);
      return stand;
    });
  for (const job of config.scrape_configs)
    for (const group of job.static_configs) group.targets = rewrite(group.targets);
  for (const manager of config.alerting?.alertmanagers ?? [])
    for (const group of manager.static_configs) group.targets = rewrite(group.targets);
  config.global = {
    ...config.global,
    scrape_interval: options.interval,
    evaluation_interval: options.interval,
  };
  config.rule_files = [options.rules];
  await writeFile(join(options.dir, 'prometheus.yml'), stringify(config));
  const port = await freePort();
  const url = `http://${LOOPBACK}:${port}`;
  const server = await startGuarded(PROMETHEUS, [
    `--config.file=${join(options.dir, 'prometheus.yml')}`,
    `--storage.tsdb.path=${join(options.dir, 'prometheus-data')}`,
    `--web.listen-address=${LOOPBACK}:${port}`,
  ]);
  await waitUntil(async () => (await fetch(`${url}/-/ready`)).ok, {
    what: 'Prometheus',
    timeoutMs: 30_000,
    abortReason: () => (server.hasExited() ? `exited: ${server.output().slice(-2_000)}` : undefined),
  });
  return { url, process: server };
}
