/**
 * An OpenAI-compatible HTTP server for tests: it speaks the wire protocol the `openai` client
 * uses for chat completions and models, so the client runs unmodified against it. It listens
 * on 127.0.0.1 only, captures every request as it arrived, and can be told to fail, slow
 * down, or answer with a chosen text.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type {
  ChatCompletion,
  ChatCompletionChunk,
  ChatCompletionCreateParams,
  ChatCompletionMessageParam,
} from 'openai/resources/chat/completions';
import type { CompletionUsage } from 'openai/resources/completions';
import type { Model } from 'openai/resources/models';

/** One request exactly as it reached the server. */
export interface CapturedRequest {
  method: string;
  /** Path and query, e.g. `/v1/chat/completions`. */
  url: string;
  /** Lower-cased header names, as node reports them (`authorization`, `x-stainless-retry-count`). */
  headers: IncomingHttpHeaders;
  /** The body as sent, before any parsing. */
  rawBody: string;
  /** The body parsed as JSON; undefined when empty or not JSON. */
  json: unknown;
}

/** OpenAI's error body: `{ error: { message, type, param, code } }`. */
export interface OpenAIErrorBody {
  error: { message: string; type: string; param: string | null; code: string | null };
}

/** A scripted failure: the next request gets this status and body instead of an answer. */
export interface ScriptedFailure {
  status: number;
  body: OpenAIErrorBody;
  /** Extra response headers, e.g. `retry-after`. */
  headers?: Record<string, string>;
}

/** Ready-made failures with the bodies and headers the real API sends. */
export const openaiFailures = {
  invalidApiKey(key = 'sk-test'): ScriptedFailure {
    return errorFailure(
      401,
      `Incorrect API key provided: ${maskKey(key)}. You can find your API key at https://platform.openai.com/account/api-keys.`,
      'invalid_request_error',
      'invalid_api_key',
    );
  },
  modelNotFound(model: string): ScriptedFailure {
    return errorFailure(
      404,
      `The model \`${model}\` does not exist or you do not have access to it.`,
      'invalid_request_error',
      'model_not_found',
    );
  },
  /** `retryAfterSeconds` may be fractional so tests need not wait whole seconds. */
  rateLimited(retryAfterSeconds = 1): ScriptedFailure {
    return {
      ...errorFailure(
        429,
        'Rate limit reached for gpt-4o-mini in organization org-test on requests per min (RPM): Limit 3, Used 3, Requested 1. Please try again in 20s.',
        'requests',
        'rate_limit_exceeded',
      ),
      headers: {
        'retry-after': String(retryAfterSeconds),
        'x-ratelimit-limit-requests': '3',
        'x-ratelimit-remaining-requests': '0',
        'x-ratelimit-reset-requests': `${retryAfterSeconds}s`,
      },
    };
  },
  /** 500 or 503; `retryAfterMs` (a header the client honours) keeps retry tests fast. */
  serverError(status: 500 | 502 | 503 = 500, retryAfterMs?: number): ScriptedFailure {
    const message =
      status === 503
        ? 'The engine is currently overloaded, please try again later.'
        : 'The server had an error while processing your request. Sorry about that!';
    const failure = errorFailure(status, message, 'server_error', null);
    return retryAfterMs === undefined
      ? failure
      : { ...failure, headers: { 'retry-after-ms': String(retryAfterMs) } };
  },
} as const;

function errorFailure(
  status: number,
  message: string,
  type: string,
  code: string | null,
  param: string | null = null,
): ScriptedFailure {
  return { status, body: { error: { message, type, param, code } } };
}

/** The API echoes only the end of a wrong key. */
const maskKey = (key: string): string =>
  key.length <= 8 ? '*'.repeat(key.length) : `${key.slice(0, 3)}*****${key.slice(-4)}`;

/** Produces the assistant's text for a chat request. */
export type ReplyFunction = (
  request: ChatCompletionCreateParams,
  captured: CapturedRequest,
) => string | Promise<string>;

export interface OpenAIServerOptions {
  /** When set, any other bearer key gets the real 401 (otherwise every key is accepted). */
  apiKey?: string;
  /** Models listed by `/v1/models` and accepted by chat completions; others get 404. */
  models?: readonly string[];
  reply?: ReplyFunction;
  /** Delay before each response, in milliseconds. */
  latencyMs?: number;
}

export interface OpenAIServer {
  /** Pass to `new OpenAI({ baseURL })`. */
  baseURL: string;
  /** Every request received, oldest first; live, never copied. */
  requests: CapturedRequest[];
  /** Queues failures: each of the next requests consumes one, in order. */
  failNext(...failures: ScriptedFailure[]): void;
  setReply(reply: ReplyFunction): void;
  setLatency(ms: number): void;
  /**
   * Streamed answers send this many chunks and then fall silent, the connection left open
   * (a provider hanging mid-stream); `undefined` streams them whole again.
   */
  stallStreamsAfter(chunks: number | undefined): void;
  /**
   * Non-streamed answers send their head and this many bytes of their JSON body, then fall
   * silent, the connection left open; `undefined` sends them whole again.
   */
  stallBodiesAfter(bytes: number | undefined): void;
  /** Answers (streamed or not) whose connection is still open. */
  openAnswers(): number;
  /** Forgets captured requests and queued failures; keeps reply and latency. */
  reset(): void;
  stop(): Promise<void>;
}

export const DEFAULT_MODELS = ['gpt-4o-mini', 'gpt-4o', 'gpt-4.1-mini', 'gpt-4.1'] as const;

/** The default reply: a short "summary" that shows what the server was given. */
export const echoSummary: ReplyFunction = (request) => {
  const last = [...request.messages].reverse().find((message) => message.role === 'user');
  const text = last ? messageText(last) : '';
  const excerpt = text.length > 120 ? `${text.slice(0, 117)}...` : text;
  return `Summary of ${request.messages.length} message(s): ${excerpt}`;
};

function messageText(message: ChatCompletionMessageParam): string {
  const content = message.content;
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content.map((part) => ('text' in part && typeof part.text === 'string' ? part.text : '')).join('');
}

/** Roughly four characters a token, like the API's own rule of thumb; never zero. */
const countTokens = (text: string): number => Math.max(1, Math.ceil(text.length / 4));

function usageFor(request: ChatCompletionCreateParams, reply: string): CompletionUsage {
  // Each message costs a few tokens of framing on top of its text, as with the real API.
  const prompt = request.messages.reduce((sum, message) => sum + 4 + countTokens(messageText(message)), 3);
  const completion = countTokens(reply);
  return {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: prompt + completion,
    prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
    completion_tokens_details: {
      reasoning_tokens: 0,
      audio_tokens: 0,
      accepted_prediction_tokens: 0,
      rejected_prediction_tokens: 0,
    },
  };
}

const newId = (prefix: string): string => `${prefix}${randomBytes(12).toString('base64url')}`;
const nowSeconds = (): number => Math.floor(Date.now() / 1000);
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

function parseJson(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function sendJson(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    'x-request-id': newId('req_'),
    'openai-processing-ms': '42',
    ...headers,
  });
  response.end(text);
}

/** A 200 whose Content-Length promises the whole body, of which only `bytes` are sent. */
function sendJsonStalled(response: ServerResponse, body: unknown, bytes: number): void {
  const text = Buffer.from(JSON.stringify(body));
  response.writeHead(200, {
    'content-type': 'application/json',
    'content-length': text.length,
    'x-request-id': newId('req_'),
  });
  response.write(text.subarray(0, bytes));
}

function sendError(
  response: ServerResponse,
  status: number,
  message: string,
  param: string | null = null,
): void {
  sendJson(response, status, errorFailure(status, message, 'invalid_request_error', null, param).body);
}

function isChatRequest(body: unknown): body is ChatCompletionCreateParams {
  if (typeof body !== 'object' || body === null) return false;
  const candidate = body as { model?: unknown; messages?: unknown };
  return typeof candidate.model === 'string' && Array.isArray(candidate.messages);
}

function completionBody(request: ChatCompletionCreateParams, reply: string): ChatCompletion {
  return {
    id: newId('chatcmpl-'),
    object: 'chat.completion',
    created: nowSeconds(),
    model: request.model,
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content: reply, refusal: null, annotations: [] },
        logprobs: null,
        finish_reason: 'stop',
      },
    ],
    usage: usageFor(request, reply),
    service_tier: 'default',
    system_fingerprint: 'fp_test_double',
  };
}

/** The reply cut the way the API streams it: a word (with its trailing space) per chunk. */
const streamPieces = (reply: string): string[] => reply.match(/\s*\S+\s*/g) ?? [];

function streamChunks(request: ChatCompletionCreateParams, reply: string): ChatCompletionChunk[] {
  const base = { id: newId('chatcmpl-'), object: 'chat.completion.chunk' as const, created: nowSeconds() };
  const withUsage = request.stream === true && request.stream_options?.include_usage === true;
  // With include_usage every chunk carries `usage: null` and one extra chunk, with no
  // choices, carries the totals.
  const chunk = (choices: ChatCompletionChunk['choices']): ChatCompletionChunk => ({
    ...base,
    model: request.model,
    service_tier: 'default',
    system_fingerprint: 'fp_test_double',
    choices,
    ...(withUsage ? { usage: null } : {}),
  });
  const chunks = [
    chunk([
      {
        index: 0,
        delta: { role: 'assistant', content: '', refusal: null },
        logprobs: null,
        finish_reason: null,
      },
    ]),
    ...streamPieces(reply).map((piece) =>
      chunk([{ index: 0, delta: { content: piece }, logprobs: null, finish_reason: null }]),
    ),
    chunk([{ index: 0, delta: {}, logprobs: null, finish_reason: 'stop' }]),
  ];
  if (withUsage) chunks.push({ ...chunk([]), usage: usageFor(request, reply) });
  return chunks;
}

/** Streams the chunks; with `stallAfter`, only that many, then silence on an open connection. */
function sendStream(
  response: ServerResponse,
  chunks: readonly ChatCompletionChunk[],
  stallAfter: number | undefined,
): void {
  response.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    connection: 'keep-alive',
    'x-request-id': newId('req_'),
  });
  for (const chunk of chunks.slice(0, stallAfter)) response.write(`data: ${JSON.stringify(chunk)}\n\n`);
  if (stallAfter === undefined) response.end('data: [DONE]\n\n');
}

function modelBody(id: string): Model {
  return { id, object: 'model', created: 1_715_367_049, owned_by: 'system' };
}

export async function startOpenAIServer(options: OpenAIServerOptions = {}): Promise<OpenAIServer> {
  const models = options.models ?? DEFAULT_MODELS;
  const requests: CapturedRequest[] = [];
  const failures: ScriptedFailure[] = [];
  let reply: ReplyFunction = options.reply ?? echoSummary;
  let latencyMs = options.latencyMs ?? 0;
  let stallAfter: number | undefined;
  let stallBodyAfter: number | undefined;
  const answering = new Set<ServerResponse>();

  const handleChat = async (response: ServerResponse, captured: CapturedRequest): Promise<void> => {
    const body = captured.json;
    if (!isChatRequest(body)) {
      const message = "We could not parse the JSON body of your request, or it lacks 'model' or 'messages'.";
      sendError(response, 400, message, 'messages');
      return;
    }
    if (!models.includes(body.model)) {
      const failure = openaiFailures.modelNotFound(body.model);
      sendJson(response, failure.status, failure.body);
      return;
    }
    const text = await reply(body, captured);
    answering.add(response);
    response.once('close', () => answering.delete(response));
    if (body.stream === true) {
      sendStream(response, streamChunks(body, text), stallAfter);
      return;
    }
    if (stallBodyAfter === undefined) sendJson(response, 200, completionBody(body, text));
    else sendJsonStalled(response, completionBody(body, text), stallBodyAfter);
  };

  const route = async (response: ServerResponse, captured: CapturedRequest): Promise<void> => {
    const path = captured.url.split('?')[0] ?? '';
    if (captured.method === 'POST' && path === '/v1/chat/completions') return handleChat(response, captured);
    if (captured.method === 'GET' && path === '/v1/models') {
      sendJson(response, 200, { object: 'list', data: models.map(modelBody) });
      return;
    }
    const modelId = /^\/v1\/models\/([^/]+)$/.exec(path)?.[1];
    if (captured.method === 'GET' && modelId !== undefined) {
      const id = decodeURIComponent(modelId);
      if (models.includes(id)) sendJson(response, 200, modelBody(id));
      else sendJson(response, 404, openaiFailures.modelNotFound(id).body);
      return;
    }
    sendError(response, 404, `Invalid URL (${captured.method} ${path})`);
  };

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const rawBody = await readBody(request);
    const captured: CapturedRequest = {
      method: request.method ?? 'GET',
      url: request.url ?? '/',
      headers: request.headers,
      rawBody,
      json: parseJson(rawBody),
    };
    requests.push(captured);
    if (latencyMs > 0) await sleep(latencyMs);
    const failure = failures.shift();
    if (failure) {
      sendJson(response, failure.status, failure.body, failure.headers);
      return;
    }
    if (options.apiKey !== undefined && captured.headers.authorization !== `Bearer ${options.apiKey}`) {
      const bearer = /^Bearer (.*)$/.exec(captured.headers.authorization ?? '')?.[1] ?? '';
      const rejected = openaiFailures.invalidApiKey(bearer);
      sendJson(response, rejected.status, rejected.body);
      return;
    }
    await route(response, captured);
  };

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      // A reply function that throws is a test bug: answer like the API's own 500.
      if (!response.headersSent) {
        const failure = openaiFailures.serverError(500);
        sendJson(response, failure.status, { error: { ...failure.body.error, message: String(error) } });
      } else {
        response.destroy();
      }
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    requests,
    failNext: (...next) => void failures.push(...next),
    setReply: (next) => void (reply = next),
    setLatency: (ms) => void (latencyMs = ms),
    stallStreamsAfter: (chunks) => void (stallAfter = chunks),
    stallBodiesAfter: (bytes) => void (stallBodyAfter = bytes),
    openAnswers: () => answering.size,
    reset: () => {
      requests.length = 0;
      failures.length = 0;
    },
    stop: () =>
      new Promise<void>((resolve, reject) => {
        // The client keeps connections alive; close them or close() waits for their timeout.
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
