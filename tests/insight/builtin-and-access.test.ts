import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Digest } from '../../backend/src/insight/digest.js';
import type { PatternTemplate } from '../../backend/src/insight/patterns/index.js';
import { formatEpochMs } from '../../backend/src/model/index.js';
import { TOKENS, startTestBackend, type TestBackend } from '../support/backend.js';
import { metricsText, postSummary, readEvents, sample, type Problem } from './helpers.js';

interface SummaryBody {
  summary: string;
  provider: string;
  model: string;
  digest: Digest;
  usage: { promptTokens: number; completionTokens: number };
  cached: boolean;
}

interface PatternsBody {
  templates: PatternTemplate[];
  stats: { entries: number; distinct: number; truncated: boolean; partial: boolean; tookMs: number };
}

const nowMs = Date.now();
const lastHour = { from: formatEpochMs(nowMs - 3_600_000), to: formatEpochMs(nowMs) };

let backend: TestBackend;
beforeAll(async () => {
  // No OPENAI_API_KEY: the built-in summary answers, as in the demo.
  backend = await startTestBackend({ nowMs });
});
afterAll(() => backend.close());

describe('the built-in summary (no OPENAI_API_KEY)', () => {
  it('writes a useful summary from the digest that names the error burst and its templates', async () => {
    const response = await postSummary(backend, lastHour);
    expect(response.status).toBe(200);
    const body = (await response.json()) as SummaryBody;
    expect(body).toMatchObject({
      provider: 'builtin',
      model: 'builtin-digest',
      usage: { promptTokens: 0, completionTokens: 0 },
      cached: false,
    });
    const { summary, digest } = body;
    expect(summary).toMatch(/^## What happened\n/);
    expect(summary).toContain('## Likely causes');
    expect(summary).toContain('## What to check next');
    expect(digest.spikes.length).toBeGreaterThan(0);
    expect(summary).toContain('**Error burst**');
    expect(summary).toContain(`**${digest.totals.errors} errors**`);
    expect(summary).toContain(`\`${digest.templates.errors[0]?.id}\``);
    expect(summary).toMatch(/broker returned/);
    // The burst lies 25 to 40 minutes before the end of the data.
    const burst = digest.spikes.map((s) => Date.parse(s.start));
    expect(burst.some((t) => t >= nowMs - 42 * 60_000 && t <= nowMs - 25 * 60_000)).toBe(true);
  });

  it('answers the same request from the cache', async () => {
    const again = (await (await postSummary(backend, lastHour)).json()) as SummaryBody;
    expect(again.cached).toBe(true);
  });

  it('streams as server-sent events too', async () => {
    const response = await postSummary(backend, { ...lastHour, focus: 'stream' }, TOKENS.admin, {
      Accept: 'text/event-stream',
    });
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const events = await readEvents(response);
    expect(events[0]?.event).toBe('digest');
    const text = events
      .filter((e) => e.event === 'delta')
      .map((e) => (e.data as { text: string }).text)
      .join('');
    const done = events.at(-1)?.data as SummaryBody;
    expect(events.at(-1)?.event).toBe('done');
    expect(text).toBe(done.summary);
    expect(done.provider).toBe('builtin');
  });

  it('accepts the listing parameters as JSON, lists included', async () => {
    const response = await postSummary(backend, {
      ...lastHour,
      source: ['pods'],
      severity: ['ERROR', 'CRITICAL'],
      label: ['app=trader'],
      regex: false,
      maxEntries: 50,
      limit: 10,
    });
    expect(response.status).toBe(200);
    const { digest } = (await response.json()) as SummaryBody;
    expect(Object.keys(digest.bySource)).toEqual(['pods']);
    expect(digest.totals.errors).toBe(digest.totals.entries);
    expect(digest.input.entries).toBeLessThanOrEqual(50);
  });

  it('counts summaries in /metrics', async () => {
    const text = await metricsText(backend);
    expect(
      sample(text, 'log_aggregator_summary_duration_seconds_count', { provider: 'builtin', outcome: 'ok' }),
    ).toBeGreaterThan(0);
    expect(
      sample(text, 'log_aggregator_summary_duration_seconds_count', {
        provider: 'builtin',
        outcome: 'cached',
      }),
    ).toBeGreaterThan(0);
    expect(sample(text, 'log_aggregator_summary_cost_usd_total')).toBe(0);
  });
});

describe('who may summarize', () => {
  it.each([
    ['viewer', 403],
    ['gcsOnly', 403],
    ['analyst', 200],
    ['admin', 200],
  ] as const)('%s → %i', async (who, status) => {
    const response = await postSummary(backend, { ...lastHour, maxEntries: 10 }, TOKENS[who]);
    expect(response.status).toBe(status);
    if (status === 403) {
      const problem = (await response.json()) as Problem;
      expect(problem.detail).toMatch(/analyst or admin role/);
    }
  });

  it('asks for a token', async () => {
    const response = await fetch(`${backend.url}/logs/summary`, { method: 'POST' });
    expect(response.status).toBe(401);
  });
});

describe('bad summary requests', () => {
  it.each([
    [{ maxEntries: 0 }, 'maxEntries', /1 to 50000/],
    [{ maxEntries: 50_001 }, 'maxEntries', /1 to 50000/],
    [{ maxEntries: 'lots' }, 'maxEntries', /1 to 50000/],
    [{ focus: 'x'.repeat(1001) }, 'focus', /at most 1000/],
    [{ cursor: 'abc.def' }, 'cursor', /whole query/],
    [{ colour: 'blue' }, 'colour', /not a parameter/],
    [{ source: ['s3'] }, 'source', /unknown source/],
    [{ from: 'yesterday' }, 'from', /RFC 3339/],
    [{ grafanaUrl: 'javascript:alert(1)', datasourceUid: 'u' }, 'grafanaUrl', /http\(s\) URL/],
    [{ grafanaUrl: 'https://grafana.example' }, 'grafanaUrl', /send both or neither/],
    [{ datasourceUid: 'unified-logs' }, 'datasourceUid', /send both or neither/],
    [{ grafanaUrl: 'https://grafana.example', datasourceUid: '../x' }, 'datasourceUid', /data source uid/],
  ])('%j → 400 naming %s', async (body, param, detail) => {
    const response = await postSummary(backend, body);
    expect(response.status).toBe(400);
    const problem = (await response.json()) as Problem;
    expect(problem.param).toBe(param);
    expect(problem.detail).toMatch(detail);
  });

  it('refuses a body that is not a JSON object', async () => {
    expect((await postSummary(backend, '[1,2]')).status).toBe(400);
    const text = await fetch(`${backend.url}/logs/summary`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${TOKENS.analyst}`, 'Content-Type': 'text/plain' },
      body: 'summarize please',
    });
    expect(text.status).toBe(415);
  });

  it('answers GET /logs/summary with 405', async () => {
    const response = await backend.get('/logs/summary', TOKENS.analyst);
    expect(response.status).toBe(405);
  });
});

describe('GET /logs/patterns', () => {
  it('returns the templates of a query with counts and examples, most frequent first', async () => {
    const query = `from=${encodeURIComponent(lastHour.from)}&to=${encodeURIComponent(lastHour.to)}`;
    const { status, body } = await backend.json<PatternsBody>(`/logs/patterns?${query}`, TOKENS.viewer);
    expect(status).toBe(200);
    expect(body.stats).toMatchObject({ truncated: false, partial: false });
    expect(body.stats.distinct).toBe(body.templates.length);
    const counts = body.templates.map((t) => t.count);
    expect(counts).toEqual([...counts].sort((a, b) => b - a));
    expect(counts.reduce((a, b) => a + b, 0)).toBe(body.stats.entries);
    for (const template of body.templates) {
      expect(template.id).toMatch(/^p[0-9a-f]{8}/);
      expect(template.examples.length).toBeGreaterThan(0);
    }
    expect(
      body.templates.some((t) => t.template.includes('broker returned') && (t.severities.ERROR ?? 0) > 0),
    ).toBe(true);
  });

  it('gives a template the same id as the summary digest does', async () => {
    const query = `from=${encodeURIComponent(lastHour.from)}&to=${encodeURIComponent(lastHour.to)}`;
    const patterns = await backend.json<PatternsBody>(`/logs/patterns?${query}`, TOKENS.admin);
    const summary = (await (await postSummary(backend, lastHour)).json()) as SummaryBody;
    const ids = new Set(patterns.body.templates.map((t) => t.id));
    for (const template of summary.digest.templates.errors) expect(ids.has(template.id)).toBe(true);
  });

  it('reads up to maxEntries and says when it stopped early', async () => {
    const { body } = await backend.json<PatternsBody>(
      '/logs/patterns?from=now-1d&maxEntries=300',
      TOKENS.viewer,
    );
    expect(body.stats).toMatchObject({ entries: 300, truncated: true });
  });

  it('never shows the key the demo journal leaks', async () => {
    const { body } = await backend.json<PatternsBody>(
      '/logs/patterns?from=now-6h&search=OPENAI_API_KEY',
      TOKENS.viewer,
    );
    expect(body.stats.entries).toBeGreaterThan(0);
    const text = JSON.stringify(body);
    expect(text).not.toMatch(/sk-proj-demo[0-9a-f]/);
    expect(text).toContain('[REDACTED:');
  });

  it('keeps the source rules of /logs', async () => {
    const response = await backend.get('/logs/patterns?source=pods', TOKENS.gcsOnly);
    expect(response.status).toBe(403);
    const bad = await backend.get('/logs/patterns?maxEntries=-5', TOKENS.viewer);
    expect(bad.status).toBe(400);
  });
});
