/**
 * An OpenAI-compatible provider hanging in the middle of its answer — after the status line,
 * with part of the stream or of the JSON body sent and the connection left open. The summary
 * must end within SUMMARY_TIMEOUT_MS of the silence: a streamed one with an `error` event
 * carrying a 504 problem, a plain one with a 504 problem; never a hang. The backend must
 * also let go of the provider's connection.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { formatEpochMs } from '../../backend/src/model/index.js';
import { TOKENS, startTestBackend, type TestBackend } from '../support/backend.js';
import { waitUntil } from '../support/emulators/process.js';
import { startOpenAIServer, type OpenAIServer } from '../support/openai-server.js';
import { postSummary, readEvents, type Problem } from '../insight/helpers.js';

const API_KEY = 'sk-test-faults-0001';
const SUMMARY_TIMEOUT_MS = 1_000;
/** Room for the digest and a loaded machine on top of the time-out. */
const SLACK_MS = 1_500;
const REPLY = 'Errors spiked at the broker. The broker answered 503 for ten minutes. Check the broker.';

const nowMs = Date.now();
const window = { from: formatEpochMs(nowMs - 3_600_000), to: formatEpochMs(nowMs) };

let openai: OpenAIServer;
let backend: TestBackend;

beforeAll(async () => {
  openai = await startOpenAIServer({ apiKey: API_KEY });
  openai.setReply(() => REPLY);
  backend = await startTestBackend({
    nowMs,
    env: {
      OPENAI_API_KEY: API_KEY,
      OPENAI_BASE_URL: openai.baseURL,
      SUMMARY_TIMEOUT_MS: String(SUMMARY_TIMEOUT_MS),
      SUMMARY_MAX_RETRIES: '2',
      SUMMARY_CACHE_TTL_SECONDS: '0',
    },
  });
});

afterAll(async () => {
  await backend?.close();
  await openai?.stop();
});

beforeEach(() => {
  openai.reset();
  openai.stallStreamsAfter(undefined);
  openai.stallBodiesAfter(undefined);
});

const chatRequests = () => openai.requests.filter((r) => r.url === '/v1/chat/completions');

/** The provider's connections are closed once the backend gives up on them. */
const providerLetGo = () =>
  waitUntil(() => openai.openAnswers() === 0, { what: 'provider connections closed', timeoutMs: 5_000 });

describe('the provider hanging mid-answer', () => {
  it('ends a streamed summary with an error event carrying a 504, within SUMMARY_TIMEOUT_MS', async () => {
    // The role chunk and two words, then silence.
    openai.stallStreamsAfter(3);
    const started = performance.now();
    const response = await postSummary(backend, { ...window, focus: 'stream hang' }, TOKENS.analyst, {
      Accept: 'text/event-stream',
    });
    expect(response.status).toBe(200);
    const events = await readEvents(response);
    const tookMs = performance.now() - started;
    expect(tookMs).toBeLessThan(SUMMARY_TIMEOUT_MS + SLACK_MS);
    expect(tookMs).toBeGreaterThanOrEqual(SUMMARY_TIMEOUT_MS);
    expect(events.map((e) => e.event)).toEqual(['digest', 'delta', 'delta', 'error']);
    const words = events.filter((e) => e.event === 'delta').map((e) => (e.data as { text: string }).text);
    expect(words.join('')).toBe('Errors spiked ');
    const problem = events.at(-1)?.data as Problem;
    expect(problem).toMatchObject({ status: 504, title: 'Gateway Timeout' });
    expect(problem.detail).toBe(
      `The summary provider did not answer within ${SUMMARY_TIMEOUT_MS} ms (SUMMARY_TIMEOUT_MS).`,
    );
    // Deltas already sent cannot be taken back, so a silence mid-stream is not retried.
    expect(chatRequests()).toHaveLength(1);
    await providerLetGo();
  });

  it('answers a plain summary whose provider stalls mid-body with a 504 problem, never a hang', async () => {
    openai.stallBodiesAfter(60);
    const started = performance.now();
    const response = await postSummary(backend, { ...window, focus: 'body hang' });
    const problem = (await response.json()) as Problem;
    const tookMs = performance.now() - started;
    expect(response.status).toBe(504);
    expect(problem.detail).toBe(
      `The summary provider did not answer within ${SUMMARY_TIMEOUT_MS} ms (SUMMARY_TIMEOUT_MS).`,
    );
    // Each attempt is bounded by the time-out; the retries add at most their share and back-off.
    const attempts = chatRequests().length;
    expect(attempts).toBeGreaterThanOrEqual(1);
    expect(attempts).toBeLessThanOrEqual(3);
    expect(tookMs).toBeLessThan(attempts * SUMMARY_TIMEOUT_MS + attempts * SLACK_MS);
    await providerLetGo();
  });

  it('summarizes again once the provider answers whole', async () => {
    const response = await postSummary(backend, { ...window, focus: 'after the hang' }, TOKENS.analyst, {
      Accept: 'text/event-stream',
    });
    const events = await readEvents(response);
    expect(events.at(-1)).toMatchObject({ event: 'done', data: { summary: REPLY, provider: 'openai' } });
  });
});
