/**
 * The error-spike alert end to end: the real backend with its collector following a pod's
 * log, a real Prometheus scraping it every second and evaluating the LogErrorSpike rule,
 * and an error burst appended to the log. Prometheus's HTTP API must show the alert firing
 * shortly after the burst starts and resolving after it ends.
 *
 * The rule is the one in provisioning/prometheus/rules, with its time constants scaled down
 * (5 minutes → 20 s, the previous hour → 60 s) so the test takes two minutes, not two hours;
 * the expression's logic — floor, baseline, history — is the same text.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { formatEpochMs } from '../../backend/src/model/index.js';
import { startTestBackend, type TestBackend } from '../support/backend.js';
import { freePort, killQuietly, waitUntil } from '../support/emulators/process.js';
import { startKubernetesDouble, type KubernetesDouble } from '../support/emulators/kubernetes.js';

const PROMETHEUS = '/usr/bin/prometheus';
const RULES = new URL('../../provisioning/prometheus/rules/log-aggregator.rules.yml', import.meta.url);
const missing = !existsSync(PROMETHEUS);
if (missing)
  console.warn(
    `[skipped] error-spike end to end: no Prometheus at ${PROMETHEUS} (apt-get install prometheus)`,
  );

const NS = 'gpt-runner';
const POD = 'trader-7d9f8c6b5-x2kqp';

interface RuleGroup {
  rules: { alert?: string; expr: string; for?: string }[];
}

/** The real LogErrorSpike rule, its windows scaled from minutes to seconds. */
async function scaledSpikeRule(): Promise<string> {
  const file = parse(await readFile(RULES, 'utf8')) as { groups: RuleGroup[] };
  const rule = file.groups.flatMap((g) => g.rules).find((r) => r.alert === 'LogErrorSpike');
  if (!rule) throw new Error('LogErrorSpike is not in the rule file');
  const expr = rule.expr
    .replaceAll('[5m]', '[20s]')
    .replaceAll('[1h] offset 5m', '[60s] offset 20s')
    .replaceAll('offset 65m', 'offset 80s');
  // Every scaled window must have replaced an original one: a changed rule fails here first.
  expect(expr).not.toMatch(/\[\d+[mh]\]|offset \d+m/);
  return stringify({
    groups: [{ name: 'scaled', interval: '1s', rules: [{ alert: 'LogErrorSpike', expr, for: '0s' }] }],
  });
}

interface PromAlert {
  labels: { alertname: string; source?: string };
  state: string;
}

let kube: KubernetesDouble;
let backend: TestBackend;
let prometheus: ChildProcess | undefined;
let promUrl: string;
let dir: string;

async function firingSources(): Promise<string[]> {
  const body = (await (await fetch(`${promUrl}/api/v1/alerts`)).json()) as { data: { alerts: PromAlert[] } };
  return body.data.alerts
    .filter((a) => a.labels.alertname === 'LogErrorSpike' && a.state === 'firing')
    .map((a) => a.labels.source ?? '');
}

/** Appends `count` lines per second at `severity` for `seconds`, as the trader would log them. */
async function log(severity: 'INFO' | 'ERROR', perSecond: number, seconds: number): Promise<void> {
  for (let s = 0; s < seconds; s++) {
    const lines = Array.from({ length: perSecond }, (_, i) => ({
      time: formatEpochMs(Date.now() + i),
      text: JSON.stringify({
        severity,
        message: severity === 'ERROR' ? 'order submission failed: broker returned 503' : 'order filled',
      }),
    }));
    kube.appendLog(NS, POD, 'trader', lines);
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

beforeAll(async () => {
  if (missing) return;
  dir = await mkdtemp(join(tmpdir(), 'unified-logs-prom-'));
  kube = await startKubernetesDouble({ namespaces: [NS] });
  kube.addPod({
    namespace: NS,
    name: POD,
    labels: { app: 'trader' },
    containers: [{ name: 'trader', lines: [{ time: formatEpochMs(Date.now() - 60_000), text: 'starting' }] }],
  });
  backend = await startTestBackend({
    sourcesFromEnv: true,
    env: {
      ENABLED_SOURCES: 'pods',
      K8S_API_URL: kube.url,
      K8S_NAMESPACES: NS,
      COLLECTOR_POD_RELIST_SECONDS: '1',
      COLLECTOR_MAX_BACKOFF_SECONDS: '1',
    },
  });
  backend.server.startCollector();

  const port = await freePort();
  promUrl = `http://127.0.0.1:${port}`;
  await writeFile(join(dir, 'rules.yml'), await scaledSpikeRule());
  await writeFile(
    join(dir, 'prometheus.yml'),
    stringify({
      global: { scrape_interval: '1s', evaluation_interval: '1s' },
      rule_files: [join(dir, 'rules.yml')],
      scrape_configs: [
        { job_name: 'log-aggregator', static_configs: [{ targets: [new URL(backend.url).host] }] },
      ],
    }),
  );
  prometheus = spawn(
    PROMETHEUS,
    [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
    ],
    { stdio: 'ignore' },
  );
  await waitUntil(
    () =>
      fetch(`${promUrl}/-/ready`).then(
        (r) => r.ok,
        () => false,
      ),
    { timeoutMs: 20_000, what: 'Prometheus' },
  );
}, 60_000);

afterAll(async () => {
  if (missing) return;
  killQuietly(prometheus?.pid, 'SIGKILL');
  await backend?.close();
  await kube?.stop();
  await rm(dir, { recursive: true, force: true });
});

describe.skipIf(missing)('error-spike alert through a real Prometheus', () => {
  it('stays quiet on normal traffic, fires on a burst, resolves after it', async () => {
    // 85 s of normal traffic: INFO with an occasional error, building the baseline history.
    for (let second = 0; second < 85; second += 5) {
      await log('INFO', 3, 4);
      await log('ERROR', 1, 1);
    }
    expect(await firingSources()).toEqual([]);

    // The burst: 10 errors a second, far over the floor and the baseline.
    const burstStarted = Date.now();
    let firedAfterMs: number | undefined;
    while (Date.now() - burstStarted < 30_000) {
      await log('ERROR', 10, 1);
      if ((await firingSources()).includes('pods')) {
        firedAfterMs = Date.now() - burstStarted;
        break;
      }
    }
    expect(firedAfterMs, 'the alert fired during the burst').toBeDefined();
    console.log(`[alerting] LogErrorSpike fired ${firedAfterMs} ms after the burst began`);

    // Back to normal: the 20 s window empties and the alert resolves.
    const calmStarted = Date.now();
    let resolvedAfterMs: number | undefined;
    while (Date.now() - calmStarted < 45_000) {
      await log('INFO', 3, 1);
      if (!(await firingSources()).includes('pods')) {
        resolvedAfterMs = Date.now() - calmStarted;
        break;
      }
    }
    expect(resolvedAfterMs, 'the alert resolved after the burst').toBeDefined();
    console.log(`[alerting] LogErrorSpike resolved ${resolvedAfterMs} ms after the burst ended`);
  }, 240_000);
});
