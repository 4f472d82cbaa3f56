import type { PatternsResponse, SummaryResponse } from '@gpt-runner-logs/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatEpochMs } from '../../backend/src/model/index.js';
import { TOKENS, startTestBackend, type TestBackend } from '../support/backend.js';
import { messagesOfRegex, postSummary } from './helpers.js';

/**
 * The demo's error burst read as an operator reads it: one cause (the broker answering 503
 * to every order, whatever the symbol), named once with the spread of its values, in the
 * patterns, the digest and the built-in summary, with links into the caller's Grafana.
 */

const nowMs = Date.now();
const lastHour = { from: formatEpochMs(nowMs - 3_600_000), to: formatEpochMs(nowMs) };
const GRAFANA = { grafanaUrl: 'https://grafana.example/sub', datasourceUid: 'unified-logs' };

let backend: TestBackend;
let summary: SummaryResponse;
beforeAll(async () => {
  backend = await startTestBackend({ nowMs });
  const response = await postSummary(backend, { ...lastHour, ...GRAFANA });
  expect(response.status).toBe(200);
  summary = (await response.json()) as SummaryResponse;
});
afterAll(() => backend.close());

const isOrderFailure = (template: string): boolean => template.startsWith('order submission failed for');

describe('the demo burst in the digest', () => {
  it('has one template for the failed orders, naming the broker, and it leads the error templates', () => {
    const { errors } = summary.digest.templates;
    const failures = errors.filter((t) => isOrderFailure(t.template));
    expect(failures.map((t) => t.template)).toEqual(['order submission failed for <*>: broker returned <*>']);
    expect(errors[0]?.id).toBe(failures[0]?.id);
  });

  it('carries the spread of its variables: many symbols, one status', () => {
    const failure = summary.digest.templates.errors[0];
    const [symbol, status] = failure?.variables ?? [];
    expect(symbol?.name).toBe('symbol');
    expect(symbol?.distinct).toBeGreaterThan(3);
    expect(symbol?.top.reduce((n, v) => n + v.count, 0)).toBeLessThanOrEqual(failure?.count ?? 0);
    expect(status).toMatchObject({
      distinct: 1,
      lines: failure?.count,
      top: [{ value: '503', count: failure?.count }],
    });
  });
});

describe('the demo burst in the built-in summary', () => {
  const section = (title: string): string =>
    summary.summary.split(/^## /m).find((part) => part.startsWith(title)) ?? '';

  it('names the cause once, with the status written in and the symbols as its spread', () => {
    const causes = section('Likely causes');
    const failure = summary.digest.templates.errors[0];
    expect(causes.match(/order submission failed for/g)).toHaveLength(1);
    expect(causes).toContain(
      `**${failure?.errors} errors**: \`order submission failed for <*>: broker returned 503\``,
    );
    expect(causes).toMatch(/across \d+ symbols \([A-Z]+ \d+, [A-Z]+ \d+/);
    expect(causes).not.toMatch(/symbol [A-Z]+ \(\d+\)/);
  });

  it('states the burst against the rest of the window, never as a multiple of zero', () => {
    const happened = section('What happened');
    expect(happened).toMatch(/\*\*Error burst\*\* from \d\d:\d\d to \d\d:\d\d UTC: \d+ errors/);
    expect(happened).not.toMatch(/median of 0|× a median/);
    const [spike] = summary.digest.spikes;
    expect(spike?.baseline).toBeDefined();
    expect(happened).toMatch(
      /while the rest of the window had no errors|against \d+ errors? in the other \d+ buckets of the window|× the [\d.]+ per bucket of the rest of the window/,
    );
  });

  it('links its checks into the caller’s Grafana Explore, and the first link reads exactly the cause’s lines', async () => {
    const links = [...section('What to check next').matchAll(/\]\((https:[^)\s]+)\)/g)].map(
      (m) => m[1] as string,
    );
    expect(links.length).toBeGreaterThan(0);
    for (const link of links)
      expect(link.startsWith(`${GRAFANA.grafanaUrl}/explore?schemaVersion=1&panes=`)).toBe(true);
    const panes = JSON.parse(new URL(links[0] as string).searchParams.get('panes') ?? '{}') as Record<
      string,
      { datasource: string; queries: { datasource: { uid: string }; search: string; regex: boolean }[] }
    >;
    const [pane] = Object.values(panes);
    expect(pane?.datasource).toBe(GRAFANA.datasourceUid);
    const query = pane?.queries[0];
    expect(query?.datasource.uid).toBe(GRAFANA.datasourceUid);
    expect(query?.regex).toBe(true);

    const messages = await messagesOfRegex(backend, lastHour, query?.search ?? '');
    expect(messages.length).toBe(summary.digest.templates.errors[0]?.count);
    for (const message of messages) expect(isOrderFailure(message)).toBe(true);
  });

  it('keeps backend paths as code when the caller is not Grafana', async () => {
    const plain = (await (await postSummary(backend, lastHour)).json()) as SummaryResponse;
    expect(plain.summary).not.toContain('](');
    expect(plain.summary).toMatch(/`\/logs\?search=/);
  });
});

describe('the demo burst in /logs/patterns', () => {
  it('gives the template its variables and a volume on the buckets of the range', async () => {
    const params = new URLSearchParams({ ...lastHour, minSeverity: 'ERROR' });
    const { status, body } = await backend.json<PatternsResponse>(`/logs/patterns?${params}`, TOKENS.viewer);
    expect(status).toBe(200);
    const failures = body.templates.filter((t) => isOrderFailure(t.template));
    expect(failures).toHaveLength(1);
    const [failure] = failures;
    expect(failure?.variables?.map((v) => v.name)).toEqual(['symbol', undefined]);
    expect(body.buckets?.count).toBe(failure?.volume?.length);
    expect(failure?.volume?.reduce((n, c) => n + c, 0)).toBe(failure?.count);
    // The burst is 25 to 40 minutes before the end: its buckets hold every line.
    const start = body.buckets?.start ?? 0;
    const step = body.buckets?.stepMs ?? 1;
    failure?.volume?.forEach((count, i) => {
      const bucketEnd = start + (i + 1) * step;
      if (count > 0) expect(bucketEnd).toBeGreaterThan(nowMs - 41 * 60_000);
    });
  });
});
