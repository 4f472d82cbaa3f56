import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openaiFailures, startOpenAIServer, type OpenAIServer } from './support/openai-server.js';

const API_KEY = 'sk-test-local-double-0001';

let server: OpenAIServer;
let client: OpenAI;

beforeAll(async () => {
  server = await startOpenAIServer({ apiKey: API_KEY });
  client = new OpenAI({ apiKey: API_KEY, baseURL: server.baseURL, maxRetries: 0 });
});

afterAll(async () => {
  await server.stop();
});

beforeEach(() => {
  server.reset();
  server.setLatency(0);
  server.setReply((request) => `Summary of ${request.messages.length} message(s)`);
});

const summarize = {
  model: 'gpt-4o-mini',
  messages: [{ role: 'user' as const, content: 'Summarize: pod restarted' }],
};

describe('chat completions', () => {
  it('answers a plain completion with a realistic chat.completion', async () => {
    server.setReply(() => 'Two pods restarted after an OOM kill.');
    const completion = await client.chat.completions.create({
      ...summarize,
      messages: [{ role: 'system', content: 'You summarize logs.' }, ...summarize.messages],
    });
    expect(completion.object).toBe('chat.completion');
    expect(completion.id).toMatch(/^chatcmpl-/);
    expect(completion.model).toBe('gpt-4o-mini');
    expect(completion.choices).toHaveLength(1);
    expect(completion.choices[0]?.message).toMatchObject({
      role: 'assistant',
      content: 'Two pods restarted after an OOM kill.',
    });
    expect(completion.choices[0]?.finish_reason).toBe('stop');
    const usage = completion.usage;
    expect(usage?.prompt_tokens).toBeGreaterThan(0);
    expect(usage?.completion_tokens).toBeGreaterThan(0);
    expect(usage?.total_tokens).toBe((usage?.prompt_tokens ?? 0) + (usage?.completion_tokens ?? 0));
  });

  it('streams chunks that assemble into the reply, with usage last when asked', async () => {
    const reply = 'Errors spiked at 09:26 in worker-7; the cause was a full disk.';
    server.setReply(() => reply);
    const stream = await client.chat.completions.create({
      ...summarize,
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    let chunks = 0;
    let usage: OpenAI.CompletionUsage | null | undefined;
    const finishReasons: Array<string | null> = [];
    for await (const chunk of stream) {
      chunks += 1;
      expect(chunk.object).toBe('chat.completion.chunk');
      text += chunk.choices[0]?.delta.content ?? '';
      if (chunk.choices[0]) finishReasons.push(chunk.choices[0].finish_reason);
      if (chunk.usage) usage = chunk.usage;
    }
    expect(text).toBe(reply);
    expect(chunks).toBeGreaterThan(3);
    expect(finishReasons.at(-1)).toBe('stop');
    expect(usage?.completion_tokens).toBeGreaterThan(0);
    expect(usage?.total_tokens).toBe((usage?.prompt_tokens ?? 0) + (usage?.completion_tokens ?? 0));
  });

  it('ends the event stream with data: [DONE] and omits usage unless asked', async () => {
    const response = await fetch(`${server.baseURL}/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ ...summarize, stream: true }),
    });
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const events = (await response.text()).split('\n\n').filter(Boolean);
    expect(events.at(-1)).toBe('data: [DONE]');
    const chunks = events.slice(0, -1).map((event) => JSON.parse(event.replace(/^data: /, '')) as object);
    expect(chunks.every((chunk) => !('usage' in chunk))).toBe(true);
  });

  it('captures what went over the wire', async () => {
    await client.chat.completions.create({ ...summarize, temperature: 0.2, max_completion_tokens: 300 });
    expect(server.requests).toHaveLength(1);
    const [request] = server.requests;
    expect(request?.method).toBe('POST');
    expect(request?.url).toBe('/v1/chat/completions');
    expect(request?.headers.authorization).toBe(`Bearer ${API_KEY}`);
    expect(request?.headers['content-type']).toBe('application/json');
    expect(request?.rawBody).toContain('"Summarize: pod restarted"');
    expect(request?.json).toEqual({ ...summarize, temperature: 0.2, max_completion_tokens: 300 });
  });

  it('hands the parsed request to the reply function', async () => {
    server.setReply((request) => `model=${request.model} last=${String(request.messages.at(-1)?.content)}`);
    const completion = await client.chat.completions.create(summarize);
    expect(completion.choices[0]?.message.content).toBe('model=gpt-4o-mini last=Summarize: pod restarted');
  });

  it('waits the configured latency', async () => {
    server.setLatency(150);
    const started = performance.now();
    await client.chat.completions.create(summarize);
    expect(performance.now() - started).toBeGreaterThanOrEqual(140);
  });
});

describe('models', () => {
  it('lists and retrieves models', async () => {
    const ids: string[] = [];
    for await (const model of client.models.list()) ids.push(model.id);
    expect(ids).toContain('gpt-4o-mini');
    const model = await client.models.retrieve('gpt-4o');
    expect(model).toMatchObject({ id: 'gpt-4o', object: 'model', owned_by: 'system' });
  });

  it('answers an unknown model with NotFoundError model_not_found', async () => {
    const error = await client.models.retrieve('gpt-nonexistent').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.NotFoundError);
    expect((error as InstanceType<typeof OpenAI.NotFoundError>).code).toBe('model_not_found');
  });
});

describe('failures', () => {
  it('surfaces a wrong key as AuthenticationError with the API error shape', async () => {
    const wrong = new OpenAI({ apiKey: 'sk-wrong-key-000000009999', baseURL: server.baseURL, maxRetries: 2 });
    const error = await wrong.chat.completions.create(summarize).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.AuthenticationError);
    const apiError = error as InstanceType<typeof OpenAI.AuthenticationError>;
    expect(apiError.status).toBe(401);
    expect(apiError.code).toBe('invalid_api_key');
    expect(apiError.type).toBe('invalid_request_error');
    expect(apiError.param).toBeNull();
    expect(apiError.message).toContain('sk-*****9999');
    // A 401 is final: the client does not retry it.
    expect(server.requests).toHaveLength(1);
  });

  it('fails the next request as scripted', async () => {
    server.failNext(openaiFailures.invalidApiKey(API_KEY));
    await expect(client.chat.completions.create(summarize)).rejects.toBeInstanceOf(
      OpenAI.AuthenticationError,
    );
    await expect(client.chat.completions.create(summarize)).resolves.toMatchObject({
      object: 'chat.completion',
    });
  });

  it('surfaces a scripted 404 as NotFoundError', async () => {
    server.failNext(openaiFailures.modelNotFound('gpt-4o-mini'));
    const error = await client.chat.completions.create(summarize).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.NotFoundError);
    expect((error as InstanceType<typeof OpenAI.NotFoundError>).code).toBe('model_not_found');
  });

  it('answers a chat request for an unknown model with 404', async () => {
    await expect(client.chat.completions.create({ ...summarize, model: 'gpt-9' })).rejects.toBeInstanceOf(
      OpenAI.NotFoundError,
    );
  });

  it('lets the client retry a 429 after retry-after, then succeed', async () => {
    const retrying = new OpenAI({ apiKey: API_KEY, baseURL: server.baseURL, maxRetries: 2 });
    server.failNext(openaiFailures.rateLimited(0.05), openaiFailures.rateLimited(0.05));
    const completion = await retrying.chat.completions.create(summarize);
    expect(completion.choices[0]?.message.content).toBe('Summary of 1 message(s)');
    expect(server.requests).toHaveLength(3);
    expect(server.requests.map((request) => request.headers['x-stainless-retry-count'])).toEqual([
      '0',
      '1',
      '2',
    ]);
    // Retries resend the same body.
    expect(new Set(server.requests.map((request) => request.rawBody)).size).toBe(1);
  });

  it('lets the client retry 500 and 503', async () => {
    const retrying = new OpenAI({ apiKey: API_KEY, baseURL: server.baseURL, maxRetries: 2 });
    server.failNext(openaiFailures.serverError(500, 10), openaiFailures.serverError(503, 10));
    await expect(retrying.chat.completions.create(summarize)).resolves.toMatchObject({
      object: 'chat.completion',
    });
    expect(server.requests).toHaveLength(3);
  });

  it('gives up after maxRetries with the last error', async () => {
    const retrying = new OpenAI({ apiKey: API_KEY, baseURL: server.baseURL, maxRetries: 1 });
    server.failNext(
      openaiFailures.rateLimited(0.01),
      openaiFailures.rateLimited(0.01),
      openaiFailures.rateLimited(0.01),
    );
    const error = await retrying.chat.completions.create(summarize).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.RateLimitError);
    expect((error as InstanceType<typeof OpenAI.RateLimitError>).headers.get('retry-after')).toBe('0.01');
    expect(server.requests).toHaveLength(2);
  });

  it('answers an unknown path with an OpenAI-shaped 404', async () => {
    const response = await fetch(`${server.baseURL}/nope`, {
      headers: { authorization: `Bearer ${API_KEY}` },
    });
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({
      error: {
        message: 'Invalid URL (GET /v1/nope)',
        type: 'invalid_request_error',
        param: null,
        code: null,
      },
    });
  });
});
