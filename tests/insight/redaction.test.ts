import { generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  formatEpochMs,
  type LogEntry,
  type Severity,
  type SourceName,
} from '../../backend/src/model/index.js';
import { MemorySource } from '../../local/demo-data/memory-source.js';
import { TOKENS, startTestBackend, type TestBackend } from '../support/backend.js';
import { startOpenAIServer, type OpenAIServer } from '../support/openai-server.js';
import { postSummary } from './helpers.js';
import { ALNUM, UPPER_DIGITS, URLSAFE, base64url, fake } from '../../backend/src/insight/secrets.fixture.js';

// Every credential is generated at run time, so the repository holds nothing a scanner
// (or a reader) could take for a live key.

const secrets = {
  openaiKey: `sk-proj-${fake(URLSAFE, 64, 1)}`,
  googleKey: `AIza${fake(URLSAFE, 35, 2)}`,
  oauthToken: `ya29.${fake(URLSAFE, 80, 3)}`,
  awsKey: `AKIA${fake(UPPER_DIGITS, 16, 4)}`,
  slackToken: `xoxb-${fake('0123456789', 12, 5)}-${fake('0123456789', 13, 6)}-${fake(ALNUM, 24, 7)}`,
  jwt: [
    base64url({ alg: 'RS256', typ: 'JWT' }),
    base64url({ sub: 'runner', exp: 1767225600 }),
    fake(URLSAFE, 86, 8),
  ].join('.'),
  bearer: fake(URLSAFE, 40, 9),
  dbPassword: `Tr0ub4dor${fake(ALNUM, 10, 10)}`,
  apiPassword: `hunter2${fake(ALNUM, 8, 11)}`,
  brokerSecret: fake(ALNUM, 32, 12),
};

const pem = generateKeyPairSync('ec', { namedCurve: 'prime256v1' })
  .privateKey.export({ type: 'sec1', format: 'pem' })
  .toString();
const pemLines = pem.split('\n').filter((line) => line && !line.startsWith('-----'));

const WORDS = ['ledger', 'quote', 'risk', 'margin', 'fill', 'route', 'hedge', 'clear', 'settle', 'price'];
/**
 * Many distinct failing integrations, each leaking its own key: more templates than one
 * prompt holds. Each name spells its pair of words twice, so no word varies alone as a
 * variable would, and every integration stays a statement of its own.
 */
const integrations = WORDS.flatMap((a, i) =>
  WORDS.slice(0, 4).map((b, j) => ({ name: `${a} ${b} ${a}-${b}`, key: fake(ALNUM, 32, 100 + i * 10 + j) })),
);

/** What must never leave the backend, in any spelling the wire could carry. */
const corpus = [...Object.values(secrets), ...pemLines, ...integrations.map((i) => i.key)];

const nowMs = Date.now();
let serial = 0;
function entry(
  source: SourceName,
  minutesAgo: number,
  severity: Severity,
  message: string,
  payload?: unknown,
): LogEntry {
  serial += 1;
  return {
    id: `${source}-${serial}`,
    timestamp: formatEpochMs(nowMs - minutesAgo * 60_000 - serial),
    source,
    severity,
    message,
    labels: { pod: 'trader-7d9f8c6b5-x2kqp', container: 'trader' },
    ...(payload === undefined ? {} : { payload }),
  };
}

/** Ordinary traffic with secrets leaking into errors and warnings, as they do. */
function leakyEntries(): LogEntry[] {
  const leaks: [Severity, string, unknown?][] = [
    ['WARNING', `runner: OPENAI_API_KEY=${secrets.openaiKey} loaded from env`],
    [
      'ERROR',
      `maps geocode failed: https://maps.googleapis.com/maps/api?key=${secrets.googleKey} returned 403`,
    ],
    ['ERROR', `gcs upload failed with token ${secrets.oauthToken}`],
    ['ERROR', `boto: InvalidClientTokenId for access key ${secrets.awsKey}`],
    ['ERROR', `slack notify failed token=${secrets.slackToken}`],
    ['ERROR', `POST /v2/orders 401 Authorization: Bearer ${secrets.jwt}`],
    ['ERROR', `retrying with header authorization: Bearer ${secrets.bearer}`],
    ['ERROR', `db connect failed: postgres://runner:${secrets.dbPassword}@10.0.0.7:5432/trades`],
    ['ERROR', `login rejected {"user":"svc","password":"${secrets.apiPassword}"}`],
    ['ERROR', `broker_secret: "${secrets.brokerSecret}" rejected by broker`],
    ['CRITICAL', `loaded service account private key ${pem.replaceAll('\n', '\\n')}`],
    [
      'ERROR',
      'payment config invalid',
      { apiKey: secrets.googleKey, nested: { password: secrets.dbPassword } },
    ],
  ];
  const entries: LogEntry[] = [];
  for (let i = 0; i < 200; i += 1) {
    entries.push(entry('pods', 55 - (i % 50), 'INFO', `order filled qty ${i} latency_ms ${i % 37}`));
  }
  integrations.forEach(({ name, key }, i) => {
    entries.push(
      entry('pods', 20 - (i % 10), 'ERROR', `${name} client rejected: api_key=${key} is not valid`),
    );
  });
  leaks.forEach(([severity, message, payload], i) => {
    for (let copy = 0; copy < 3; copy += 1)
      entries.push(entry('pods', 30 - i - copy, severity, message, payload));
  });
  return entries;
}

const window = { from: formatEpochMs(nowMs - 3_600_000), to: formatEpochMs(nowMs + 1) };
const query = `from=${encodeURIComponent(window.from)}&to=${encodeURIComponent(window.to)}`;

function leaked(text: string): string[] {
  return corpus.filter(
    (secret) => text.includes(secret) || text.includes(JSON.stringify(secret).slice(1, -1)),
  );
}

describe('secrets never reach the provider', () => {
  let openai: OpenAIServer;
  let backend: TestBackend;

  beforeAll(async () => {
    openai = await startOpenAIServer();
    backend = await startTestBackend({
      nowMs,
      sources: [new MemorySource('pods', leakyEntries())],
      // A small budget also sends templates through the map step.
      env: {
        OPENAI_API_KEY: 'sk-test-redaction-0001',
        OPENAI_BASE_URL: openai.baseURL,
        SUMMARY_MAX_PROMPT_TOKENS: '1500',
      },
    });
  });
  afterAll(async () => {
    await backend.close();
    await openai.stop();
  });

  it('checks a corpus the entries really contain', async () => {
    const raw = await backend.json<{ entries: LogEntry[] }>(`/logs?${query}&limit=1000`, TOKENS.admin);
    const text = JSON.stringify(raw.body.entries);
    expect(leaked(text)).toEqual(corpus);
  });

  it('sends no secret of the corpus in any captured request body, focus included', async () => {
    const focus = `why does login fail with password=${secrets.apiPassword}?`;
    const plain = await postSummary(backend, { ...window, focus });
    expect(plain.status).toBe(200);
    const streamed = await postSummary(backend, { ...window, focus: `${focus} (stream)` }, TOKENS.analyst, {
      Accept: 'text/event-stream',
    });
    await streamed.text();
    expect(openai.requests.length).toBeGreaterThanOrEqual(2);
    for (const request of openai.requests) {
      expect(leaked(request.rawBody)).toEqual([]);
      expect(request.rawBody).toContain('[REDACTED:');
    }
    // The budget is small enough that rarer error templates went through a map step.
    expect(openai.requests.length).toBeGreaterThan(2);
    const sent = openai.requests.map((r) => r.rawBody).join('\n');
    for (const marker of ['password', 'secret', 'bearer_token', 'aws_access_key', 'google_oauth_token']) {
      expect(sent).toContain(`[REDACTED:${marker}]`);
    }
    expect(leaked(JSON.stringify(await plain.json()))).toEqual([]);
  });

  it('shows redacted examples in patterns', async () => {
    const response = await backend.json<{ templates: { examples: string[] }[] }>(
      `/logs/patterns?${query}`,
      TOKENS.viewer,
    );
    expect(response.status).toBe(200);
    expect(leaked(JSON.stringify(response.body))).toEqual([]);
    expect(JSON.stringify(response.body)).toContain('[REDACTED:openai_key]');
  });
});

describe('REDACT_RESPONSES', () => {
  let backend: TestBackend;
  beforeAll(async () => {
    backend = await startTestBackend({
      nowMs,
      sources: [new MemorySource('pods', leakyEntries())],
      env: { REDACT_RESPONSES: 'true' },
    });
  });
  afterAll(() => backend.close());

  it('redacts messages, payloads and labels of /logs entries', async () => {
    const { status, body } = await backend.json<{ entries: LogEntry[] }>(
      `/logs?${query}&limit=1000`,
      TOKENS.viewer,
    );
    expect(status).toBe(200);
    expect(body.entries).toHaveLength(236 + integrations.length);
    expect(leaked(JSON.stringify(body))).toEqual([]);
    const config = body.entries.find((e) => e.message === 'payment config invalid');
    expect(config?.payload).toEqual({
      apiKey: '[REDACTED:api_key]',
      nested: { password: '[REDACTED:password]' },
    });
    // What is not a secret stays.
    expect(body.entries.some((e) => e.message === 'order filled qty 7 latency_ms 7')).toBe(true);
  });

  it('also redacts the per-source route', async () => {
    const { body } = await backend.json<{ entries: LogEntry[] }>(
      `/logs/pods?${query}&limit=1000`,
      TOKENS.viewer,
    );
    expect(leaked(JSON.stringify(body))).toEqual([]);
  });
});
