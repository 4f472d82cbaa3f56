import { encode } from 'gpt-tokenizer';
import type { ChatCompletionCreateParams } from 'openai/resources/chat/completions';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Digest } from '../../backend/src/insight/digest.js';
import { formatEpochMs } from '../../backend/src/model/index.js';
import { TOKENS, startTestBackend, type TestBackend } from '../support/backend.js';
import { openaiFailures, startOpenAIServer, type OpenAIServer } from '../support/openai-server.js';
import { messagesOfRegex, metricsText, postSummary, readEvents, sample, type Problem } from './helpers.js';

const API_KEY = 'sk-test-summary-double-0001';
const PROMPT_BUDGET = 3_000;
const COMPLETION_BUDGET = 400;
const REPLY = [
  '## What happened',
  'Errors spiked during the broker outage.',
  '## Likely causes',
  'The broker answered 503.',
  '## What to check next',
  'Broker status.',
].join('\n');

interface SummaryBody {
  summary: string;
  provider: string;
  model: string;
  digest: Digest;
  usage: { promptTokens: number; completionTokens: number };
  cached: boolean;
}

const nowMs = Date.now();
// Absolute times: the entries of a window must not move between two calls of a test.
const lastHour = { from: formatEpochMs(nowMs - 3_600_000), to: formatEpochMs(nowMs) };

let openai: OpenAIServer;
let backend: TestBackend;

beforeAll(async () => {
  openai = await startOpenAIServer({ apiKey: API_KEY });
  backend = await startTestBackend({
    nowMs,
    env: {
      OPENAI_API_KEY: API_KEY,
      OPENAI_BASE_URL: openai.baseURL,
      SUMMARY_MAX_PROMPT_TOKENS: String(PROMPT_BUDGET),
      SUMMARY_MAX_COMPLETION_TOKENS: String(COMPLETION_BUDGET),
      SUMMARY_MAX_RETRIES: '2',
      SUMMARY_PRICE_PROMPT_PER_1K: '0.01',
      SUMMARY_PRICE_COMPLETION_PER_1K: '0.03',
    },
  });
});

afterAll(async () => {
  await backend.close();
  await openai.stop();
});

beforeEach(() => {
  openai.reset();
  openai.setLatency(0);
  openai.setReply(() => REPLY);
});

/** Each test asks with its own focus, so no answer comes from an earlier test's cache. */
const ask = (focus: string, extra: Record<string, unknown> = {}) => ({ ...lastHour, focus, ...extra });

const chatRequests = () => openai.requests.filter((r) => r.url === '/v1/chat/completions');
const chatBody = (index: number) => chatRequests()[index]?.json as ChatCompletionCreateParams;
const promptTokens = (request: ChatCompletionCreateParams): number =>
  request.messages.reduce(
    (sum, m) => sum + 4 + encode(String(m.content), { disallowedSpecial: new Set() }).length,
    3,
  );

describe('POST /logs/summary with an OpenAI-compatible provider', () => {
  it('sends a prompt grounded in the digest, with template ids and counts, and answers with the reply', async () => {
    const response = await postSummary(backend, ask('grounding'));
    expect(response.status).toBe(200);
    const body = (await response.json()) as SummaryBody;
    expect(body).toMatchObject({ summary: REPLY, provider: 'openai', model: 'gpt-4o-mini', cached: false });
    expect(body.usage.promptTokens).toBeGreaterThan(0);
    expect(body.usage.completionTokens).toBeGreaterThan(0);

    expect(chatRequests()).toHaveLength(1);
    const sent = chatBody(0);
    expect(sent.model).toBe('gpt-4o-mini');
    expect(sent.max_completion_tokens).toBe(COMPLETION_BUDGET);
    const [system, user] = sent.messages;
    expect(system?.role).toBe('system');
    expect(String(system?.content)).toMatch(/never .*invent/i);
    expect(String(system?.content)).toContain('## What to check next');
    const prompt = String(user?.content);
    const { digest } = body;
    expect(digest.spikes.length).toBeGreaterThan(0);
    expect(prompt).toContain(`"totals":${JSON.stringify(digest.totals)}`);
    expect(prompt).toContain(`"bySource":${JSON.stringify(digest.bySource)}`);
    for (const template of digest.templates.errors.slice(0, 3)) {
      expect(prompt).toContain(`"id":"${template.id}","count":${template.count},"errors":${template.errors}`);
    }
    expect(prompt).toContain(`"peakErrors":${digest.spikes[0]?.peakErrors}`);
    expect(prompt).toContain('The reader asks to focus on: grounding');
    // The burst's cause is one template with its spread: symbols as a variable, 503 on every line.
    const failure = digest.templates.errors.find((t) => t.template.startsWith('order submission failed'));
    const [symbol, status] = failure?.variables ?? [];
    const top = symbol?.top[0];
    expect(prompt).toContain(
      `"vars":[{"name":"symbol","distinct":${symbol?.distinct},"top":[["${top?.value}",${top?.count}]`,
    );
    expect(prompt).toContain(`{"distinct":1,"top":[["503",${status?.lines}]]}]`);
    expect(String(system?.content)).toMatch(/never once per value/);
  });

  it('keeps every prompt within SUMMARY_MAX_PROMPT_TOKENS, counted with the real tokenizer', async () => {
    const response = await postSummary(backend, ask('budget', { from: formatEpochMs(nowMs - 86_400_000) }));
    expect(response.status).toBe(200);
    const body = (await response.json()) as SummaryBody;
    expect(body.digest.input.entries).toBe(5_000);
    expect(body.digest.input.truncated).toBe(true);
    expect(chatRequests().length).toBeGreaterThanOrEqual(1);
    for (let i = 0; i < chatRequests().length; i += 1) {
      expect(promptTokens(chatBody(i))).toBeLessThanOrEqual(PROMPT_BUDGET);
    }
  });

  it('retries a 429 after retry-after, then answers', async () => {
    openai.failNext(openaiFailures.rateLimited(0.05));
    const response = await postSummary(backend, ask('rate limited once'));
    expect(response.status).toBe(200);
    expect(((await response.json()) as SummaryBody).summary).toBe(REPLY);
    expect(chatRequests()).toHaveLength(2);
    expect(chatRequests().map((r) => r.headers['x-stainless-retry-count'])).toEqual(['0', '1']);
    expect(new Set(chatRequests().map((r) => r.rawBody)).size).toBe(1);
  });

  it('retries 500 and 503 with back-off, then answers', async () => {
    openai.failNext(openaiFailures.serverError(500, 10), openaiFailures.serverError(503, 10));
    const response = await postSummary(backend, ask('server errors'));
    expect(response.status).toBe(200);
    expect(chatRequests()).toHaveLength(3);
  });

  it('answers 503 with Retry-After when the provider still rate-limits after the retries', async () => {
    openai.failNext(...Array.from({ length: 3 }, () => openaiFailures.rateLimited(0.02)));
    const response = await postSummary(backend, ask('always rate limited'));
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('1');
    expect(((await response.json()) as Problem).detail).toMatch(/rate-limiting .* after 2 retries/);
    expect(chatRequests()).toHaveLength(3);
  });

  it('turns a wrong key (401) into a 502 problem that names the setting, without retrying', async () => {
    openai.failNext(openaiFailures.invalidApiKey('sk-wrong-key-000000009999'));
    const response = await postSummary(backend, ask('wrong key'));
    expect(response.status).toBe(502);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    const problem = (await response.json()) as Problem;
    expect(problem.title).toBe('Bad Gateway');
    expect(problem.detail).toMatch(/refused the configured API key \(HTTP 401 invalid_api_key\)/);
    expect(problem.detail).toContain('Check OPENAI_API_KEY');
    expect(chatRequests()).toHaveLength(1);
  });

  it('streams the summary as server-sent events: digest, deltas, done', async () => {
    const response = await postSummary(backend, ask('streaming'), TOKENS.admin, {
      Accept: 'text/event-stream',
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const events = await readEvents(response);
    expect(events[0]?.event).toBe('digest');
    expect((events[0]?.data as Digest).totals.entries).toBeGreaterThan(0);
    const deltas = events.filter((e) => e.event === 'delta').map((e) => (e.data as { text: string }).text);
    expect(deltas.length).toBeGreaterThan(3);
    expect(deltas.join('')).toBe(REPLY);
    const done = events.at(-1);
    expect(done?.event).toBe('done');
    expect(done?.data).toMatchObject({
      provider: 'openai',
      model: 'gpt-4o-mini',
      cached: false,
      summary: REPLY,
    });
    expect((done?.data as SummaryBody).usage.completionTokens).toBeGreaterThan(0);
    expect(chatBody(0)).toMatchObject({ stream: true, stream_options: { include_usage: true } });
  });

  it('reports a provider failure during a stream as an error event', async () => {
    openai.failNext(openaiFailures.invalidApiKey());
    const response = await postSummary(backend, ask('stream failure'), TOKENS.analyst, {
      Accept: 'text/event-stream',
    });
    const events = await readEvents(response);
    expect(events.map((e) => e.event)).toEqual(['digest', 'error']);
    expect(events[1]?.data).toMatchObject({ status: 502, title: 'Bad Gateway' });
  });

  it('finishes and caches a streamed summary whose client left early', async () => {
    openai.setLatency(300);
    const controller = new AbortController();
    const response = await fetch(`${backend.url}/logs/summary`, {
      method: 'POST',
      signal: controller.signal,
      headers: {
        Authorization: `Bearer ${TOKENS.analyst}`,
        'Content-Type': 'application/json',
        Accept: 'text/event-stream',
      },
      body: JSON.stringify(ask('client left')),
    });
    await response.body?.getReader().read();
    controller.abort();
    await new Promise((resolve) => setTimeout(resolve, 800));
    const again = (await (await postSummary(backend, ask('client left'))).json()) as SummaryBody;
    expect(again).toMatchObject({ cached: true, summary: REPLY });
    expect(chatRequests()).toHaveLength(1);
  });

  it('answers a repeated request from the cache without asking the provider again', async () => {
    const first = (await (await postSummary(backend, ask('cached'))).json()) as SummaryBody;
    expect(first.cached).toBe(false);
    expect(chatRequests()).toHaveLength(1);
    const second = (await (await postSummary(backend, ask('cached'))).json()) as SummaryBody;
    expect(second.cached).toBe(true);
    expect(second.summary).toBe(first.summary);
    expect(second.digest).toEqual(first.digest);
    // A stream of a cached summary arrives in one piece.
    const streamed = await readEvents(
      await postSummary(backend, ask('cached'), TOKENS.analyst, { Accept: 'text/event-stream' }),
    );
    expect(streamed.map((e) => e.event)).toEqual(['digest', 'delta', 'done']);
    expect(streamed[2]?.data).toMatchObject({ cached: true });
    expect(chatRequests()).toHaveLength(1);
  });

  it('exports token usage, cost, latency, failures and cache lookups', async () => {
    await postSummary(backend, ask('metrics'));
    const text = await metricsText(backend);
    expect(
      sample(text, 'log_aggregator_summary_tokens_total', { kind: 'prompt', provider: 'openai' }),
    ).toBeGreaterThan(0);
    expect(
      sample(text, 'log_aggregator_summary_tokens_total', { kind: 'completion', provider: 'openai' }),
    ).toBeGreaterThan(0);
    expect(sample(text, 'log_aggregator_summary_cost_usd_total')).toBeGreaterThan(0);
    expect(
      sample(text, 'log_aggregator_summary_duration_seconds_count', { provider: 'openai', outcome: 'ok' }),
    ).toBeGreaterThan(0);
    expect(
      sample(text, 'log_aggregator_summary_duration_seconds_count', {
        provider: 'openai',
        outcome: 'cached',
      }),
    ).toBeGreaterThan(0);
    expect(sample(text, 'log_aggregator_summary_failures_total', { reason: 'auth' })).toBeGreaterThan(0);
    expect(sample(text, 'log_aggregator_summary_failures_total', { reason: 'rate_limit' })).toBeGreaterThan(
      0,
    );
    expect(sample(text, 'log_aggregator_summary_cache_requests_total', { result: 'hit' })).toBeGreaterThan(0);
  });
});

describe('Explore links after a summary written by the model', () => {
  const GRAFANA = { grafanaUrl: 'https://grafana.example/sub', datasourceUid: 'unified-logs' };

  interface Pane {
    datasource: string;
    queries: { datasource: { type: string; uid: string }; search?: string; regex?: boolean }[];
    range: { from: string; to: string };
  }

  /** The Markdown links of a text that follow the model's reply. */
  const linksAfterReply = (summary: string): string[] => {
    expect(summary.startsWith(REPLY)).toBe(true);
    return [...summary.slice(REPLY.length).matchAll(/\]\((https:[^)\s]+)\)/g)].map((m) => m[1] as string);
  };

  const paneOf = (link: string): Pane => {
    expect(link.startsWith(`${GRAFANA.grafanaUrl}/explore?schemaVersion=1&panes=`)).toBe(true);
    const panes = JSON.parse(new URL(link).searchParams.get('panes') ?? '{}') as Record<string, Pane>;
    return Object.values(panes)[0] as Pane;
  };

  /** Each link opens this data source over the digest's window, which holds the burst. */
  const expectLinksIntoGrafana = (links: string[], digest: Digest): void => {
    expect(links.length).toBeGreaterThan(0);
    const [spike] = digest.spikes;
    expect(spike).toBeDefined();
    for (const link of links) {
      const pane = paneOf(link);
      expect(pane.datasource).toBe(GRAFANA.datasourceUid);
      expect(pane.queries[0]?.datasource).toEqual({
        type: 'gptrunner-unifiedlogs-datasource',
        uid: GRAFANA.datasourceUid,
      });
      expect(pane.range).toEqual({ from: String(Date.parse(lastHour.from)), to: String(nowMs) });
      expect(Number(pane.range.from)).toBeLessThanOrEqual(Date.parse(spike?.start ?? ''));
      expect(Number(pane.range.to)).toBeGreaterThanOrEqual(Date.parse(spike?.end ?? ''));
    }
  };

  /** The first link's query, run on the backend, reads exactly the leading error template's lines. */
  const expectFirstLinkReadsLeadingTemplate = async (links: string[], digest: Digest): Promise<void> => {
    const query = paneOf(links[0] as string).queries[0];
    expect(query?.regex).toBe(true);
    const messages = await messagesOfRegex(backend, lastHour, query?.search ?? '');
    expect(messages.length).toBe(digest.templates.errors[0]?.count);
  };

  it('ends the JSON answer with the digest’s checks as links into the caller’s Explore', async () => {
    const response = await postSummary(backend, ask('explore links', GRAFANA));
    expect(response.status).toBe(200);
    const body = (await response.json()) as SummaryBody;
    const links = linksAfterReply(body.summary);
    expectLinksIntoGrafana(links, body.digest);
    await expectFirstLinkReadsLeadingTemplate(links, body.digest);
    expect(body.summary).toContain(`of \`${body.digest.templates.errors[0]?.id}\`](`);
    expect(body.summary).not.toContain('`/logs?');
  });

  it('streams the links as a last delta before done', async () => {
    const response = await postSummary(backend, ask('explore links streamed', GRAFANA), TOKENS.analyst, {
      Accept: 'text/event-stream',
    });
    const events = await readEvents(response);
    const done = events.at(-1);
    expect(done?.event).toBe('done');
    const last = events.at(-2);
    expect(last?.event).toBe('delta');
    const lastText = (last?.data as { text: string }).text;
    expect(lastText).toMatch(/^\n\nOpen in Grafana Explore:/);
    const summary = (done?.data as SummaryBody).summary;
    const deltas = events.filter((e) => e.event === 'delta').map((e) => (e.data as { text: string }).text);
    expect(deltas.join('')).toBe(summary);
    expect(summary.endsWith(lastText)).toBe(true);
    expect(events[0]?.event).toBe('digest');
    expectLinksIntoGrafana(linksAfterReply(summary), events[0]?.data as Digest);
  });

  it('adds no links when the caller is not Grafana', async () => {
    const body = (await (await postSummary(backend, ask('no grafana'))).json()) as SummaryBody;
    expect(body.summary).toBe(REPLY);
    expect(body.summary).not.toContain('/explore?');
  });

  it('tells the model to write no links of its own', async () => {
    await postSummary(backend, ask('no model links', GRAFANA));
    expect(String(chatBody(0).messages[0]?.content)).toMatch(/Write no links or URLs/);
    expect(String(chatBody(0).messages[1]?.content)).not.toContain('grafana.example');
  });
});

describe('provider misconfiguration and time-outs', () => {
  it('turns an unknown model into a 502 problem that names the model and the setting', async () => {
    const other = await startTestBackend({
      nowMs,
      env: { OPENAI_API_KEY: API_KEY, OPENAI_BASE_URL: openai.baseURL, OPENAI_MODEL: 'gpt-9-ultra' },
    });
    try {
      const response = await postSummary(other, lastHour);
      expect(response.status).toBe(502);
      const problem = (await response.json()) as Problem;
      expect(problem.detail).toMatch(/does not know the model "gpt-9-ultra" \(HTTP 404 model_not_found\)/);
      expect(problem.detail).toContain('Set OPENAI_MODEL');
      expect(chatRequests()).toHaveLength(1);
    } finally {
      await other.close();
    }
  });

  it('turns a provider that does not answer in time into a 504 problem', async () => {
    const slow = await startTestBackend({
      nowMs,
      env: {
        OPENAI_API_KEY: API_KEY,
        OPENAI_BASE_URL: openai.baseURL,
        SUMMARY_TIMEOUT_MS: '300',
        SUMMARY_MAX_RETRIES: '0',
      },
    });
    openai.setLatency(1_000);
    try {
      const started = performance.now();
      const response = await postSummary(slow, lastHour);
      expect(response.status).toBe(504);
      expect(performance.now() - started).toBeLessThan(950);
      expect(((await response.json()) as Problem).detail).toMatch(/did not answer within 300 ms/);
    } finally {
      await slow.close();
    }
  });
});
