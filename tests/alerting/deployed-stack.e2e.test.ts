/**
 * Error-spike alerting as it is deployed, end to end. Nothing here turns the collector on by
 * itself: every backend process gets the environment its Kubernetes container gets, rendered
 * from deployments/ (ConfigMap, Secret keys, the Deployment's env and downward API), and so
 * the API replica runs without the collector and the two collector pods elect a leader through
 * their Lease on the Kubernetes API double. Prometheus runs with provisioning/prometheus/
 * prometheus.yml and sends to Alertmanager with provisioning/alertmanager/, which posts to a
 * local server standing for Slack's incoming webhook.
 *
 * An error burst in a pod must reach that webhook as one well-formed Slack message naming the
 * source, the origin, the rate against the baseline, with links to the dashboard and to an
 * Explore query of the burst; then as one resolved message. Then the leader is killed: the
 * standby takes over within a lease period and counts what comes after, not what the old
 * leader counted; a drained leader hands over at once.
 *
 * What differs from a cluster, and why (tests/support/deployed.ts makes each change):
 * - hosts and ports: loopback ones (the emulators, the API double, Redis, free ports);
 * - Prometheus scrapes and evaluates every second instead of 15 s, and evaluates the
 *   LogErrorSpike rule of provisioning/prometheus/rules with its windows scaled from minutes
 *   to seconds (5m → 20s, the hour before → 60 s, `for` 2m → 8s), so the test takes minutes,
 *   not hours; the expression and the annotations are otherwise the rule's own text;
 * - Alertmanager's routing and timing are the deployed ones (a critical group waits 10 s and
 *   flushes every minute: the resolved message can take up to a minute).
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { IDeployment } from 'kubernetes-models/apps/v1';
import type { IContainer } from 'kubernetes-models/v1';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { formatEpochMs } from '../../backend/src/model/index.js';
import { startLocalStack, type LocalStack } from '../../local/stack.js';
import { RenderedManifests, podContainers } from '../deploy/kustomize.js';
import { PLACEHOLDER_SECRETS } from '../deploy/support.js';
import {
  monitoringMissing,
  startAlertmanager,
  startBackendProcess,
  startPrometheus,
  startSlackWebhook,
  type BackendProcess,
  type RunningServer,
  type SlackWebhook,
} from '../support/deployed.js';
import { freePort, killQuietly, sleep } from '../support/emulators/process.js';
import { parseMetrics, total } from '../support/metrics.js';
import { redisServerMissing, startRedis, type TestRedis } from '../support/redis.js';

const missing = monitoringMissing() ?? redisServerMissing();
if (missing) console.warn(`[skipped] deployed-stack alerting: ${missing}`);

const RULES = new URL('../../provisioning/prometheus/rules/log-aggregator.rules.yml', import.meta.url);
const NS = 'gpt-runner';
const POD = 'trader-7d9f8c6b5-x2kqp';
const ORIGIN = `${NS}/trader`;
const ENTRIES = 'log_aggregator_log_entries_total';
const LEADER = 'log_aggregator_collector_leader';

const rendered = new RenderedManifests();
const deployment = (name: string) => rendered.only<IDeployment>('Deployment', name);
const containerOf = (name: string) => podContainers(deployment(name))[0] as IContainer;

interface RuleGroup {
  name: string;
  interval?: string;
  rules: { alert?: string; expr: string; for?: string; annotations?: Record<string, string> }[];
}

/** The real LogErrorSpike rule, expression and annotations, its windows scaled from minutes to seconds. */
async function scaledSpikeRule(): Promise<string> {
  const file = parse(await readFile(RULES, 'utf8')) as { groups: RuleGroup[] };
  const rule = file.groups.flatMap((g) => g.rules).find((r) => r.alert === 'LogErrorSpike');
  if (!rule) throw new Error('LogErrorSpike is not in the rule file');
  const scale = (text: string) =>
    text
      .replaceAll('[5m]', '[20s]')
      .replaceAll('[1h] offset 5m', '[60s] offset 20s')
      .replaceAll('offset 65m', 'offset 80s');
  const scaled = {
    ...rule,
    expr: scale(rule.expr),
    for: '8s',
    annotations: Object.fromEntries(Object.entries(rule.annotations ?? {}).map(([k, v]) => [k, scale(v)])),
  };
  // Every scaled window must have replaced an original one: a changed rule fails here first.
  expect(JSON.stringify(scaled)).not.toMatch(/\[\d+[mh]\]|offset \d+m/);
  expect(rule.for).toBe('2m');
  return stringify({ groups: [{ name: 'scaled', interval: '1s', rules: [scaled] }] });
}

let dir: string;
let stack: LocalStack;
let redis: TestRedis;
let webhook: SlackWebhook;
let alertmanager: RunningServer;
let prometheus: RunningServer;
let api: BackendProcess;
const collectors = new Map<string, BackendProcess>();
let podSeq = 0;

/** Where a process stands in for a cluster address: the stack's emulators, Redis, a free port. */
function loopback(env: Record<string, string>, port: number): Record<string, string> {
  const redisUrl = env.REDIS_URL ? new URL(env.REDIS_URL) : undefined;
  if (redisUrl) {
    redisUrl.hostname = '127.0.0.1';
    redisUrl.port = String(redis.port);
  }
  return {
    ...env,
    HOST: '127.0.0.1',
    PORT: String(port),
    // Outside a cluster there is no in-cluster service account: the API server by URL.
    K8S_API_URL: stack.kube.url,
    GCS_API_ENDPOINT: stack.env.GCS_API_ENDPOINT as string,
    FIRESTORE_EMULATOR_HOST: stack.env.FIRESTORE_EMULATOR_HOST as string,
    METADATA_SERVER_DETECTION: 'none',
    ...(redisUrl ? { REDIS_URL: redisUrl.toString() } : {}),
  };
}

/** A collector pod as the Deployment makes one: its name is the Lease identity. */
async function startCollectorPod(): Promise<string> {
  const name = `log-aggregator-collector-6f7d9c8b4-pod${++podSeq}`;
  const port = await freePort();
  const { values } = rendered.containerEnvironment(
    containerOf('log-aggregator-collector'),
    PLACEHOLDER_SECRETS,
    {
      name,
      namespace: deployment('log-aggregator-collector').metadata?.namespace ?? '',
    },
  );
  collectors.set(name, await startBackendProcess(loopback({ ...values, ...secretValues() }, port)));
  return name;
}

/** The Secret as an operator fills it, and the project id the ConfigMap leaves to fill in. */
function secretValues(): Record<string, string> {
  return { ...PLACEHOLDER_SECRETS, GOOGLE_CLOUD_PROJECT: stack.env.GOOGLE_CLOUD_PROJECT as string };
}

async function metricsOf(name: string) {
  const collector = collectors.get(name);
  if (!collector) throw new Error(`no collector ${name}`);
  return parseMetrics(await collector.metrics());
}

/** Which collector pods say they count now. */
async function leaders(): Promise<string[]> {
  const states = await Promise.all(
    [...collectors].map(async ([name]) => [name, total(await metricsOf(name), LEADER)] as const),
  );
  return states.filter(([, value]) => value === 1).map(([name]) => name);
}

const podCount = async (name: string) => total(await metricsOf(name), ENTRIES, { source: 'pods' });

/** Appends `perSecond` lines a second at `severity` for `seconds`, as the trader logs them. */
async function log(severity: 'INFO' | 'ERROR', perSecond: number, seconds: number): Promise<void> {
  for (let s = 0; s < seconds; s++) {
    appendLines(severity, perSecond);
    await sleep(1000);
  }
}

function appendLines(severity: 'INFO' | 'ERROR', count: number): void {
  const lines = Array.from({ length: count }, (_, i) => ({
    time: formatEpochMs(Date.now() + i),
    text: JSON.stringify({
      severity,
      message: severity === 'ERROR' ? 'order submission failed: broker returned 503' : 'order filled',
    }),
  }));
  stack.kube.appendLog(NS, POD, 'trader', lines);
}

interface PromAlert {
  labels: { alertname: string; source?: string };
  state: string;
  activeAt: string;
}

/** The LogErrorSpike alerts Prometheus has firing: source → when it became active (Prometheus's clock). */
async function promFiring(): Promise<Map<string, number>> {
  const body = (await (await fetch(`${prometheus.url}/api/v1/alerts`)).json()) as {
    data: { alerts: PromAlert[] };
  };
  return new Map(
    body.data.alerts
      .filter((a) => a.labels.alertname === 'LogErrorSpike' && a.state === 'firing')
      .map((a) => [a.labels.source ?? '', Date.parse(a.activeAt)]),
  );
}

interface SlackAttachment {
  title: string;
  title_link: string;
  text: string;
  fallback: string;
  color: string;
  mrkdwn_in?: string[];
}

interface SlackMessage {
  username?: string;
  attachments: SlackAttachment[];
}

const spikePosts = (status: 'FIRING' | 'RESOLVED') =>
  webhook.posts.filter((p) => {
    const title = (p.body as SlackMessage | undefined)?.attachments?.[0]?.title ?? '';
    return title.includes('LogErrorSpike') && title.startsWith(`[${status}`);
  });

/** Logs `perSecond` lines a second until the webhook has one `status` message; how long that took. */
async function logUntilPosted(
  status: 'FIRING' | 'RESOLVED',
  severity: 'INFO' | 'ERROR',
  perSecond: number,
  timeoutMs: number,
): Promise<number> {
  const started = Date.now();
  while (spikePosts(status).length === 0 && Date.now() - started < timeoutMs)
    await log(severity, perSecond, 1);
  expect(spikePosts(status), `a ${status.toLowerCase()} message reached the webhook`).toHaveLength(1);
  return Date.now() - started;
}

/** The `<url|label>` links of a Slack mrkdwn text, by label. */
function slackLinks(text: string): Record<string, URL> {
  const links: Record<string, URL> = {};
  for (const [, url = '', label = ''] of text.matchAll(/<([^|>]+)\|([^>]+)>/g)) links[label] = new URL(url);
  return links;
}

/**
 * Checks one Slack message as Slack would take it, and what it must tell an operator. Its time
 * range starts 15 minutes before the alert fired, which is `for` (8 s) and an evaluation after it
 * became active: both on Prometheus's clock, whatever the test's own clock says.
 */
function checkSpikeMessage(post: { headers: Record<string, unknown>; body: unknown }, activeAtMs: number) {
  const beganBefore = (from: number) => {
    expect(from - (activeAtMs - 15 * 60_000)).toBeGreaterThanOrEqual(0);
    expect(from - (activeAtMs - 15 * 60_000)).toBeLessThan(30_000);
  };
  expect(String(post.headers['content-type'])).toMatch(/^application\/json/);
  const message = post.body as SlackMessage;
  expect(message.attachments).toHaveLength(1);
  const [attachment] = message.attachments as [SlackAttachment];
  for (const field of ['title', 'title_link', 'text', 'fallback', 'color'] as const)
    expect(attachment[field], field).toBeTruthy();
  expect(attachment.mrkdwn_in).toContain('text');
  expect(attachment.title).toContain('(pods)');
  // What spiked, where, how much against the baseline.
  expect(attachment.text).toContain('Error spike in pods');
  expect(attachment.text).toMatch(
    /How much:\* \d+\.\d\d\/s at ERROR or above, against a baseline of \d+\.\d\d\/s/,
  );
  const [, rate = '0', baseline = '0'] =
    /\* (\d+\.\d\d)\/s at ERROR or above, against a baseline of (\d+\.\d\d)\/s/.exec(attachment.text) ?? [];
  expect(Number(rate)).toBeGreaterThan(3 * Number(baseline));
  expect(attachment.text).toContain(`Where:* pods: ${ORIGIN} (`);
  // Links: the dashboard and Explore, on the burst, narrowed to the origin's namespace.
  const links = slackLinks(attachment.text);
  const dashboard = links['Logs dashboard'] as URL;
  expect(dashboard.pathname).toBe('/d/gpt-runner-logs');
  expect(dashboard.searchParams.get('var-source')).toBe('pods');
  expect(dashboard.searchParams.get('var-namespace')).toBe(NS);
  expect(dashboard.searchParams.getAll('var-severity')).toEqual(['ERROR', 'CRITICAL', 'ALERT', 'EMERGENCY']);
  beganBefore(Number(dashboard.searchParams.get('from')));
  expect(new URL(attachment.title_link).pathname).toBe('/d/gpt-runner-logs');
  const explore = links['Explore the burst'] as URL;
  expect(explore.pathname).toBe('/explore');
  const panes = JSON.parse(explore.searchParams.get('panes') ?? '{}') as {
    a: { datasource: string; queries: Record<string, unknown>[]; range: { from: string; to: string } };
  };
  expect(panes.a.datasource).toBe('unified-logs');
  expect(panes.a.queries[0]).toMatchObject({
    queryType: 'logs',
    source: 'pods',
    namespace: NS,
    severities: ['ERROR', 'CRITICAL', 'ALERT', 'EMERGENCY'],
  });
  beganBefore(Number(panes.a.range.from));
  return { attachment, panes };
}

beforeAll(async () => {
  if (missing) return;
  dir = await mkdtemp(join(tmpdir(), 'unified-logs-deployed-'));
  [stack, redis, webhook] = await Promise.all([startLocalStack(), startRedis(), startSlackWebhook()]);
  // The collector's Lease lives in the backend's namespace (the Deployment's own).
  stack.kube.addNamespace(deployment('log-aggregator-collector').metadata?.namespace ?? '');
  stack.kube.addPod({
    namespace: NS,
    name: POD,
    labels: { app: 'trader' },
    containers: [{ name: 'trader', lines: [{ time: formatEpochMs(Date.now() - 60_000), text: 'starting' }] }],
  });

  const apiPort = await freePort();
  const apiEnv = rendered.containerEnvironment(containerOf('log-aggregator'), PLACEHOLDER_SECRETS);
  [api] = await Promise.all([
    startBackendProcess(loopback({ ...apiEnv.values, ...secretValues() }, apiPort)),
    startCollectorPod(),
    startCollectorPod(),
  ]);

  alertmanager = await startAlertmanager(dir, webhook.url);
  await writeFile(join(dir, 'rules.yml'), await scaledSpikeRule());
  const host = (url: string) => new URL(url).host;
  prometheus = await startPrometheus({
    dir,
    interval: '1s',
    rules: join(dir, 'rules.yml'),
    targets: {
      'backend:8080': [host(api.url)],
      // prometheus.yml's collector target stands for the collector pods, as pod discovery finds them.
      'collector:8080': [...collectors.values()].map((c) => host(c.url)),
      'alertmanager:9093': [host(alertmanager.url)],
    },
  });
}, 180_000);

afterAll(async () => {
  if (missing) return;
  await Promise.allSettled([
    prometheus?.process.stop(),
    alertmanager?.process.stop(),
    api?.process.stop(),
    ...[...collectors.values()].map((c) => c.process.stop()),
  ]);
  await Promise.allSettled([stack?.stop(), redis?.close(), webhook?.stop()]);
  await rm(dir, { recursive: true, force: true });
});

describe.skipIf(missing)('the deployed collector role, Prometheus, Alertmanager and Slack', () => {
  it('counts on one collector pod only; the API replica and the standby export no counts', async () => {
    await expect.poll(leaders, { timeout: 30_000, interval: 500 }).toHaveLength(1);
    const [leader] = await leaders();
    expect(stack.kube.lease('gpt-runner-logs', 'log-aggregator-collector')?.spec.holderIdentity).toBe(leader);
    appendLines('INFO', 5);
    await expect.poll(() => podCount(leader as string), { timeout: 15_000 }).toBe(5);
    for (const [name] of collectors) if (name !== leader) expect(await podCount(name)).toBe(0);
    const apiMetrics = parseMetrics(await api.metrics());
    expect(apiMetrics.filter((s) => s.name === ENTRIES)).toEqual([]);
    expect(total(apiMetrics, LEADER)).toBe(0);
  }, 60_000);

  it('posts one Slack message when an error burst fires LogErrorSpike, then one when it resolves', async () => {
    // 85 s of normal traffic: INFO with an occasional error, building the baseline history.
    for (let second = 0; second < 85; second += 5) {
      await log('INFO', 3, 4);
      await log('ERROR', 1, 1);
    }
    expect([...(await promFiring()).keys()]).toEqual([]);
    expect(webhook.posts).toEqual([]);

    // The burst: 10 errors a second until Slack hears of it (group_wait 10 s after firing).
    const firedAfter = await logUntilPosted('FIRING', 'ERROR', 10, 60_000);
    console.log(`[alerting] Slack heard of the spike ${firedAfter} ms after the burst began`);
    const activeAt = (await promFiring()).get('pods');
    expect(activeAt, 'Prometheus has the alert firing for pods').toBeDefined();
    const firing = checkSpikeMessage(spikePosts('FIRING')[0] as never, activeAt as number);
    expect(firing.attachment.color).toBe('danger');
    expect(firing.panes.a.range.to).toBe('now');

    // Back to normal: the 20 s window empties, the alert resolves, the next flush says so.
    const resolvedAfter = await logUntilPosted('RESOLVED', 'INFO', 3, 120_000);
    console.log(`[alerting] Slack heard of the resolution ${resolvedAfter} ms after the burst ended`);
    const resolved = checkSpikeMessage(spikePosts('RESOLVED')[0] as never, activeAt as number);
    expect(resolved.attachment.color).toBe('good');
    expect(resolved.attachment.text).toContain('(resolved)');
    // The range closes 5 minutes after the alert ended, which was after it became active.
    expect(Number(resolved.panes.a.range.to)).toBeGreaterThan((activeAt as number) + 5 * 60_000);
    // One firing and one resolved message, nothing else.
    expect(webhook.posts).toHaveLength(2);
  }, 360_000);

  it('hands over to the standby when the leader dies, and nothing is counted twice', async () => {
    const [leader] = await leaders();
    const standby = [...collectors.keys()].find((name) => name !== leader) as string;
    const counted = await podCount(leader as string);
    expect(counted).toBeGreaterThan(100);
    expect(await podCount(standby)).toBe(0);

    // SIGKILL: no release, the Lease must expire (15 s after the standby last saw it renewed).
    const killed = (collectors.get(leader as string) as BackendProcess).process;
    const killedAt = Date.now();
    killQuietly(killed.pid, 'SIGKILL');
    await killed.exited;
    collectors.delete(leader as string);
    let both = false;
    while (!(await leaders()).includes(standby) && Date.now() - killedAt < 30_000) {
      if ((await leaders()).length > 1) both = true;
      await sleep(250);
    }
    const tookOverMs = Date.now() - killedAt;
    expect(both).toBe(false);
    expect(await leaders()).toEqual([standby]);
    // A lease period (15 s) after the standby saw the last renewal, which preceded the kill by up to
    // a retry (2 s) and reached the standby's next poll up to a retry later; room for a loaded machine.
    expect(tookOverMs).toBeLessThan(15_000 + 2 * 2_000 + 3_000);
    console.log(`[collector] the standby took over ${tookOverMs} ms after the leader was killed`);

    // It counts from the hand-over on: the new lines once, none of what the old leader counted.
    appendLines('ERROR', 7);
    await expect.poll(() => podCount(standby), { timeout: 15_000 }).toBe(7);
    await sleep(2_000);
    expect(await podCount(standby)).toBe(7);
    expect(stack.kube.lease('gpt-runner-logs', 'log-aggregator-collector')?.spec).toMatchObject({
      holderIdentity: standby,
      leaseTransitions: 1,
    });
  }, 90_000);

  it('hands over at once when the leader is drained (SIGTERM releases the Lease)', async () => {
    const [leader] = await leaders();
    // A rollout's new pod joins as a standby first.
    const next = await startCollectorPod();
    await sleep(3_000);
    expect(await leaders()).toEqual([leader]);
    expect(await podCount(next)).toBe(0);

    expect(await podCount(leader as string)).toBeGreaterThan(0);
    const drained = (collectors.get(leader as string) as BackendProcess).process;
    const drainedAt = Date.now();
    killQuietly(drained.pid, 'SIGTERM');
    collectors.delete(leader as string);
    await expect.poll(leaders, { timeout: 5_000, interval: 100 }).toEqual([next]);
    const tookOverMs = Date.now() - drainedAt;
    console.log(`[collector] a drained leader handed over in ${tookOverMs} ms`);
    // Within a retry period of the release, long before the Lease would have expired.
    expect(tookOverMs).toBeLessThan(5_000);
    expect(await drained.exited, 'the drained leader shut down cleanly').toBe(0);
    expect(stack.kube.lease('gpt-runner-logs', 'log-aggregator-collector')?.spec.holderIdentity).toBe(next);

    appendLines('INFO', 4);
    await expect.poll(() => podCount(next), { timeout: 15_000 }).toBe(4);
    await sleep(1_000);
    expect(await podCount(next)).toBe(4);
  }, 90_000);
});
