/**
 * provisioning/alertmanager/ checked with Alertmanager's own `amtool`: the configuration loads,
 * every alert of the rule file routes to Slack (critical ones through the critical route), and
 * the Slack message renders for an error spike in each source, naming it, its origins and its
 * rate against the baseline, with links narrowed to the origin (a namespace, a prefix or a
 * collection). tests/alerting/deployed-stack.e2e.test.ts delivers one for real. CI installs
 * amtool with Debian's `prometheus-alertmanager` (.ci/run).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { PROVISIONING } from './support.js';

const DIR = path.join(PROVISIONING, 'alertmanager');
const TEMPLATES = path.join(DIR, 'templates');

const version = spawnSync('amtool', ['--version'], { encoding: 'utf8' });
const missing = version.error !== undefined || version.status !== 0;
if (missing)
  console.warn(
    'skipped: amtool is not installed (Debian package `prometheus-alertmanager`); the Alertmanager files are unchecked',
  );

const scratch = mkdtempSync(path.join(tmpdir(), 'alertmanager-check-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function amtool(args: string[]): { status: number | null; output: string } {
  const run = spawnSync('amtool', args, { encoding: 'utf8' });
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

interface Config {
  templates: string[];
  route: { receiver: string; group_by: string[]; routes?: { matchers: string[] }[] };
  receivers: { name: string; slack_configs?: Record<string, unknown>[] }[];
}

const config = parse(readFileSync(path.join(DIR, 'alertmanager.yml'), 'utf8')) as Config;

/** alertmanager.yml with its template glob and webhook file moved here, where amtool can read them. */
function localConfig(): string {
  const copy = structuredClone(config);
  copy.templates = copy.templates.map((glob) => glob.replace('/etc/alertmanager/templates', TEMPLATES));
  for (const slack of copy.receivers.flatMap((r) => r.slack_configs ?? []))
    slack.api_url_file = path.join(scratch, 'webhook');
  writeFileSync(path.join(scratch, 'webhook'), 'http://127.0.0.1:9/slack');
  writeFileSync(path.join(scratch, 'alertmanager.yml'), stringify(copy));
  return path.join(scratch, 'alertmanager.yml');
}

interface AlertRule {
  alert?: string;
  labels?: Record<string, string>;
}

/** Every alert of the Prometheus rule file, with the labels it sends. */
const alertRules = (
  parse(readFileSync(path.join(PROVISIONING, 'prometheus/rules/log-aggregator.rules.yml'), 'utf8')) as {
    groups: { rules: AlertRule[] }[];
  }
).groups
  .flatMap((g) => g.rules)
  .flatMap((r): { name: string; labels: Record<string, string> }[] =>
    r.alert ? [{ name: r.alert, labels: { ...r.labels, alertname: r.alert } }] : [],
  );

/** Renders `text` with the repository's templates over one alert, as Alertmanager sends it to Slack. */
function render(
  text: string,
  alert: { status: string; labels: Record<string, string>; annotations: Record<string, string> },
) {
  const startsAt = '2026-11-30T10:00:00Z';
  const data = {
    receiver: 'slack',
    status: alert.status,
    alerts: [
      {
        ...alert,
        startsAt,
        endsAt: alert.status === 'resolved' ? '2026-11-30T10:12:00Z' : '0001-01-01T00:00:00Z',
        generatorURL: 'http://prometheus:9090/graph',
        fingerprint: '0123456789abcdef',
      },
    ],
    groupLabels: { alertname: alert.labels.alertname, source: alert.labels.source },
    commonLabels: alert.labels,
    commonAnnotations: alert.annotations,
    externalURL: 'http://alertmanager:9093',
  };
  const file = path.join(scratch, `data-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, JSON.stringify(data));
  const run = amtool([
    'template',
    'render',
    `--template.glob=${TEMPLATES}/*.tmpl`,
    `--template.data=${file}`,
    `--template.text=${text}`,
  ]);
  expect(run.status, run.output).toBe(0);
  return { output: run.output, startsAtMs: Date.parse(startsAt) };
}

const spike = (source: string, origin: string) => ({
  status: 'firing',
  labels: { alertname: 'LogErrorSpike', source, severity: 'critical', service: 'log-aggregator' },
  annotations: {
    summary: `Error spike in ${source}`,
    description: `${source} logs 1.10 entries/s at ERROR or above: over 0.1/s and over three times the previous hour.`,
    rate: '1.10',
    baseline: '0.07',
    origins: `${origin} (1.00/s), other (0.10/s)`,
    top_origin: origin,
  },
});

const links = (text: string): Record<string, URL> =>
  Object.fromEntries(
    [...text.matchAll(/<([^|>]+)\|([^>]+)>/g)].map(([, url = '', label = '']) => [label, new URL(url)]),
  );

describe.skipIf(missing)('Alertmanager configuration', () => {
  it('loads, with its templates and the Slack receiver (amtool check-config)', () => {
    const { status, output } = amtool(['check-config', localConfig()]);
    expect(status, output).toBe(0);
    expect(output).toContain('SUCCESS');
    expect(output).toMatch(/1 templates/);
  });

  it('finds the alerts of the rule file to route', () => {
    expect(alertRules.map((r) => r.name)).toContain('LogErrorSpike');
  });

  it.each(alertRules.map(({ name, labels }) => [name, labels] as const))(
    'routes %s to Slack, through the critical route when it is critical (amtool config routes test)',
    (_name, labels) => {
      const pairs = Object.entries(labels).map(([name, value]) => `${name}=${value}`);
      const { status, output } = amtool([
        'config',
        'routes',
        'test',
        `--config.file=${localConfig()}`,
        '--verify.receivers=slack',
        '--tree',
        ...pairs,
      ]);
      expect(status, output).toBe(0);
      const critical = output.includes('{severity="critical"}  receiver: slack');
      expect(critical, output).toBe(labels.severity === 'critical');
    },
  );

  it('groups per rule and source as Grafana does, sends resolved alerts, and keeps the webhook out of the file', () => {
    expect(config.route.group_by).toEqual(['alertname', 'source']);
    const slack = config.receivers.flatMap((r) => r.slack_configs ?? []);
    expect(slack).toHaveLength(1);
    expect(slack[0]).toMatchObject({
      send_resolved: true,
      api_url_file: expect.stringMatching(/^\//) as unknown,
    });
    expect(slack[0]).not.toHaveProperty('api_url');
  });

  it.each([
    ['pods', 'gpt-runner/trader', 'var-namespace', 'gpt-runner', 'namespace'],
    ['gcs', 'trades/', 'var-prefix', 'trades/', 'prefixes'],
    ['firestore', 'gpt_runner_trades', 'var-collection', 'gpt_runner_trades', 'collections'],
  ])(
    'says what spiked in %s, where (%s), how much, and links to the burst',
    (source, origin, variable, value, field) => {
      const alert = spike(source, origin);
      const title = render('{{ template "unifiedlogs.slack.title" . }}', alert).output.trim();
      expect(title).toBe(`[FIRING 1] LogErrorSpike (${source})`);
      const { output: text, startsAtMs } = render('{{ template "unifiedlogs.slack.text" . }}', alert);
      expect(text).toContain(`*Error spike in ${source}*`);
      expect(text).toContain('1.10/s at ERROR or above, against a baseline of 0.07/s');
      expect(text).toContain(`*Where:* ${source}: ${origin} (1.00/s), other (0.10/s)`);
      const dashboard = links(text)['Logs dashboard'] as URL;
      expect(dashboard.pathname).toBe('/d/gpt-runner-logs');
      expect(dashboard.searchParams.get('var-source')).toBe(source);
      expect(dashboard.searchParams.get(variable)).toBe(value);
      expect(Number(dashboard.searchParams.get('from'))).toBe(startsAtMs - 15 * 60_000);
      expect(dashboard.searchParams.get('to')).toBe('now');
      const explore = links(text)['Explore the burst'] as URL;
      const panes = JSON.parse(explore.searchParams.get('panes') ?? '') as {
        a: { queries: Record<string, unknown>[]; range: Record<string, string> };
      };
      expect(panes.a.queries[0]).toMatchObject({ source, [field]: value, queryType: 'logs' });
      expect(panes.a.range).toEqual({ from: String(startsAtMs - 15 * 60_000), to: 'now' });
    },
  );

  it('closes the window at the end of a resolved burst', () => {
    const alert = { ...spike('pods', 'gpt-runner/trader'), status: 'resolved' };
    const { output: text } = render('{{ template "unifiedlogs.slack.text" . }}', alert);
    expect(text).toContain('(resolved)');
    const explore = links(text)['Explore the burst'] as URL;
    const panes = JSON.parse(explore.searchParams.get('panes') ?? '') as {
      a: { range: Record<string, string> };
    };
    expect(panes.a.range.to).toBe(String(Date.parse('2026-11-30T10:17:00Z')));
  });

  it('still renders for an alert without figures or source (latency, summaries)', () => {
    const { output } = render('{{ template "unifiedlogs.slack.text" . }}', {
      status: 'firing',
      labels: { alertname: 'LogAggregatorLatencyHigh', severity: 'warning' },
      annotations: { summary: 'Query latency p95 above the 2 s objective', description: 'p95 is 3s.' },
    });
    expect(output).not.toContain('How much');
    expect(output).not.toContain('Where');
    const explore = links(output)['Explore the burst'] as URL;
    const panes = JSON.parse(explore.searchParams.get('panes') ?? '') as {
      a: { queries: { source: string }[] };
    };
    expect(panes.a.queries[0]?.source).toBe('all');
  });
});
