import OpenAI from 'openai';
import type { SummaryConfig } from '../config.js';
import { writeBuiltinSummary } from './builtin-summary.js';
import type { Digest } from './digest.js';
import { countChatTokens, countTextTokens, type ChatMessage, type PromptPlan } from './prompt.js';

export type ProviderName = 'openai' | 'builtin';

export interface Usage {
  promptTokens: number;
  completionTokens: number;
}

export interface SummaryRequest {
  digest: Digest;
  /** The prompt, planned on demand: the built-in provider never needs one. */
  plan: () => PromptPlan;
  focus?: string;
  signal?: AbortSignal;
  /** When given, the summary is streamed: called with each piece as it is generated. */
  onDelta?: (text: string) => void;
}

export interface SummaryOutcome {
  summary: string;
  usage: Usage;
}

/** What every provider offers: a markdown summary of a digest, optionally streamed. */
export interface Summarizer {
  readonly provider: ProviderName;
  readonly model: string;
  summarize(request: SummaryRequest): Promise<SummaryOutcome>;
}

/** Why the provider could not answer. */
export type FailureReason =
  | 'auth'
  | 'model'
  | 'endpoint'
  | 'rate_limit'
  | 'upstream'
  | 'timeout'
  | 'connection'
  | 'bad_request'
  | 'aborted';

/**
 * 502 when the provider refused what this server sent (key, model, endpoint, request) or
 * failed on its side after retries, 503 when it still rate-limits after retries (or the
 * summary was cancelled), 504 when it did not answer in time.
 */
const STATUS: Record<FailureReason, number> = {
  auth: 502,
  model: 502,
  endpoint: 502,
  bad_request: 502,
  upstream: 502,
  connection: 502,
  rate_limit: 503,
  timeout: 504,
  aborted: 503,
};

/**
 * A provider failure, carrying its HTTP status as Koa's errors do. Its message is exposed
 * although the status is 5xx: it is written for the operator (which setting to check) and
 * holds nothing but the provider's own one-line answer.
 */
export class SummaryFailure extends Error {
  readonly status: number;
  readonly expose = true;
  readonly headers: Record<string, string>;

  constructor(
    readonly reason: FailureReason,
    message: string,
    readonly upstreamStatus?: number,
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.status = STATUS[reason];
    this.headers = retryAfterSeconds ? { 'Retry-After': String(retryAfterSeconds) } : {};
  }
}

// ---------------------------------------------------------------------------------------------

/** The summary without a model: written from the digest, free, and what the demo shows. */
export class BuiltinSummarizer implements Summarizer {
  readonly provider = 'builtin';
  readonly model = 'builtin-digest';

  async summarize({ digest, focus, onDelta }: SummaryRequest): Promise<SummaryOutcome> {
    const summary = writeBuiltinSummary(digest, focus);
    // Streamed line by line, so a client sees the same event sequence with or without a key.
    if (onDelta) for (const piece of summary.match(/[^\n]*\n*/g) ?? []) if (piece) onDelta(piece);
    return { summary, usage: { promptTokens: 0, completionTokens: 0 } };
  }
}

// ---------------------------------------------------------------------------------------------

export type OpenAISettings = Pick<
  SummaryConfig,
  'apiKey' | 'baseURL' | 'model' | 'timeoutMs' | 'maxRetries' | 'maxCompletionTokens'
>;

interface Completion {
  text: string;
  usage: Usage;
}

/** Reasoning models accept only the default temperature. */
const fixedTemperature = (model: string): boolean => /^(o\d|gpt-5)/.test(model);

/**
 * Chat completions through the official client. The client retries 408, 409, 429, 5xx and
 * time-outs itself with exponential back-off (honouring `retry-after`), each attempt bounded
 * by the timeout; a stream is also abandoned when it stays silent for that long.
 */
export class OpenAISummarizer implements Summarizer {
  readonly provider = 'openai';
  readonly model: string;
  private readonly client: OpenAI;

  constructor(private readonly settings: OpenAISettings & { apiKey: string }) {
    this.model = settings.model;
    this.client = new OpenAI({
      apiKey: settings.apiKey,
      baseURL: settings.baseURL,
      timeout: settings.timeoutMs,
      maxRetries: settings.maxRetries,
    });
  }

  async summarize({ plan: planPrompt, signal, onDelta }: SummaryRequest): Promise<SummaryOutcome> {
    const plan = planPrompt();
    const usage: Usage = { promptTokens: 0, completionTokens: 0 };
    const add = (more: Usage): void => {
      usage.promptTokens += more.promptTokens;
      usage.completionTokens += more.completionTokens;
    };
    try {
      const notes: string[] = [];
      for (const messages of plan.map) {
        const note = await this.complete(messages, plan.mapCompletionTokens, signal);
        add(note.usage);
        notes.push(note.text);
      }
      const messages = plan.map.length > 0 ? plan.reduce(notes) : plan.messages;
      const limit = this.settings.maxCompletionTokens;
      const final = onDelta
        ? await this.stream(messages, limit, onDelta, signal)
        : await this.complete(messages, limit, signal);
      add(final.usage);
      return { summary: final.text.trim(), usage };
    } catch (error) {
      throw this.classify(error);
    }
  }

  private params(messages: ChatMessage[], maxTokens: number) {
    return {
      model: this.model,
      messages,
      max_completion_tokens: maxTokens,
      ...(fixedTemperature(this.model) ? {} : { temperature: 0.2 }),
    };
  }

  private async complete(
    messages: ChatMessage[],
    maxTokens: number,
    signal?: AbortSignal,
  ): Promise<Completion> {
    const completion = await this.client.chat.completions.create(this.params(messages, maxTokens), {
      signal,
    });
    const text = completion.choices[0]?.message.content ?? '';
    return { text, usage: reportedUsage(completion.usage, messages, text) };
  }

  private async stream(
    messages: ChatMessage[],
    maxTokens: number,
    onDelta: (text: string) => void,
    outer?: AbortSignal,
  ): Promise<Completion> {
    const silence = new SilenceGuard(this.settings.timeoutMs);
    const signal = outer ? AbortSignal.any([outer, silence.signal]) : silence.signal;
    try {
      const stream = await this.client.chat.completions.create(
        { ...this.params(messages, maxTokens), stream: true, stream_options: { include_usage: true } },
        { signal },
      );
      silence.heard();
      let text = '';
      let usage: OpenAI.CompletionUsage | undefined;
      for await (const chunk of stream) {
        silence.heard();
        const piece = chunk.choices[0]?.delta.content;
        if (piece) {
          text += piece;
          onDelta(piece);
        }
        if (chunk.usage) usage = chunk.usage;
      }
      return { text, usage: reportedUsage(usage, messages, text) };
    } catch (error) {
      if (silence.fired) throw new SummaryFailure('timeout', this.timeoutDetail());
      throw error;
    } finally {
      silence.stop();
    }
  }

  private timeoutDetail(): string {
    return `The summary provider did not answer within ${this.settings.timeoutMs} ms (SUMMARY_TIMEOUT_MS).`;
  }

  private classify(error: unknown): unknown {
    if (error instanceof SummaryFailure) return error;
    if (error instanceof OpenAI.APIConnectionTimeoutError)
      return new SummaryFailure('timeout', this.timeoutDetail());
    if (error instanceof OpenAI.APIUserAbortError)
      return new SummaryFailure('aborted', 'The summary was cancelled.');
    if (error instanceof OpenAI.APIConnectionError) {
      return new SummaryFailure(
        'connection',
        `The summary provider at ${this.where()} could not be reached: ${error.message}`,
      );
    }
    if (error instanceof OpenAI.APIError) return this.classifyStatus(error);
    return error;
  }

  private classifyStatus(error: InstanceType<typeof OpenAI.APIError>): SummaryFailure {
    const status = error.status ?? 0;
    const said = upstreamMessage(error);
    if (status === 401 || status === 403) {
      return new SummaryFailure(
        'auth',
        `The summary provider refused the configured API key (HTTP ${status}${codeOf(error)}): ${said} Check OPENAI_API_KEY.`,
        status,
      );
    }
    if (status === 404) {
      const isModel = error.code === 'model_not_found' || said.includes(this.model);
      return isModel
        ? new SummaryFailure(
            'model',
            `The summary provider does not know the model "${this.model}" (HTTP 404${codeOf(error)}): ${said} Set OPENAI_MODEL to a model it serves.`,
            status,
          )
        : new SummaryFailure(
            'endpoint',
            `The summary provider at ${this.where()} has no chat completions endpoint (HTTP 404): ${said} Check OPENAI_BASE_URL.`,
            status,
          );
    }
    if (status === 429) {
      const retryAfter = Number(error.headers?.get('retry-after'));
      return new SummaryFailure(
        'rate_limit',
        `The summary provider is rate-limiting this server, also after ${this.settings.maxRetries} retries: ${said}`,
        status,
        Number.isFinite(retryAfter) && retryAfter > 0 ? Math.ceil(retryAfter) : undefined,
      );
    }
    if (status >= 500) {
      return new SummaryFailure(
        'upstream',
        `The summary provider failed (HTTP ${status}), also after ${this.settings.maxRetries} retries: ${said}`,
        status,
      );
    }
    return new SummaryFailure(
      'bad_request',
      `The summary provider refused the request (HTTP ${status}${codeOf(error)}): ${said}`,
      status,
    );
  }

  private where(): string {
    return this.settings.baseURL ?? 'api.openai.com';
  }
}

/** Servers that report no usage are counted with the tokenizer, so metrics and costs stay meaningful. */
function reportedUsage(
  usage: OpenAI.CompletionUsage | null | undefined,
  messages: ChatMessage[],
  text: string,
): Usage {
  if (usage) return { promptTokens: usage.prompt_tokens, completionTokens: usage.completion_tokens };
  return { promptTokens: countChatTokens(messages), completionTokens: countTextTokens(text) };
}

function upstreamMessage(error: InstanceType<typeof OpenAI.APIError>): string {
  const body = error.error as { message?: unknown } | undefined;
  const message = typeof body?.message === 'string' ? body.message : error.message;
  const line = message.split('\n')[0] ?? '';
  const clipped = line.length > 300 ? `${line.slice(0, 299)}…` : line;
  return /[.!?]$/.test(clipped) ? clipped : `${clipped}.`;
}

const codeOf = (error: InstanceType<typeof OpenAI.APIError>): string =>
  typeof error.code === 'string' && error.code ? ` ${error.code}` : '';

/**
 * Aborts a stream that stays silent for `ms`: the client's time-out ends with the response
 * headers, after which a stalled body would hang. Armed by the first `heard()`, so the
 * client's retries and back-off before the stream opens are not cut short.
 */
class SilenceGuard {
  private readonly controller = new AbortController();
  private timer: NodeJS.Timeout | undefined;
  fired = false;

  constructor(private readonly ms: number) {}

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  heard(): void {
    clearTimeout(this.timer);
    this.timer = this.arm();
  }

  stop(): void {
    clearTimeout(this.timer);
  }

  private arm(): NodeJS.Timeout {
    return setTimeout(() => {
      this.fired = true;
      this.controller.abort();
    }, this.ms);
  }
}

/** The OpenAI provider when a key is configured, else the built-in one. */
export function createSummarizer(config: SummaryConfig): Summarizer {
  if (!config.apiKey) return new BuiltinSummarizer();
  return new OpenAISummarizer({ ...config, apiKey: config.apiKey });
}
