import OpenAI from 'openai';
import { countChatTokens, countTextTokens, type ChatMessage } from '../prompt.js';
import { exploreLinksSection } from './digest-checks.js';
import { SilenceGuard } from './silence-guard.js';
import {
  SummaryFailure,
  type Summarizer,
  type SummaryOutcome,
  type SummaryRequest,
  type Usage,
} from './provider.js';

export interface OpenAISettings {
  apiKey: string;
  /** Any OpenAI-compatible server; the client's default (api.openai.com) when unset. */
  baseURL?: string;
  model: string;
  /** Budget of one upstream attempt; the client retries 429, 5xx and time-outs on top. */
  timeoutMs: number;
  maxRetries: number;
  maxCompletionTokens: number;
}

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
  readonly prompted = true;
  private readonly client: OpenAI;

  constructor(private readonly settings: OpenAISettings) {
    this.model = settings.model;
    this.client = new OpenAI({
      apiKey: settings.apiKey,
      baseURL: settings.baseURL,
      timeout: settings.timeoutMs,
      maxRetries: settings.maxRetries,
    });
  }

  /** The model's answer, then (when the caller is Grafana) the digest's checks as Explore links. */
  async summarize(request: SummaryRequest): Promise<SummaryOutcome> {
    const { summary, usage } = await this.ask(request);
    const { digest, grafana, onDelta } = request;
    // The links come from the digest, never from the model: they read what the digest counted.
    const links = grafana ? exploreLinksSection(digest, grafana) : '';
    if (links) onDelta?.(links);
    return { summary: summary + links, usage };
  }

  /** Only talks to the model: the prompt (and its map step) was planned by the caller. */
  private async ask({ prompt: plan, signal, onDelta }: SummaryRequest): Promise<SummaryOutcome> {
    if (!plan) throw new Error('the OpenAI provider is prompted: plan the prompt before asking it');
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

  /**
   * The raw response is read under the silence guard: the client's time-out ends with the
   * response head, and a body that stalls after it would otherwise hang the summary.
   */
  private async complete(
    messages: ChatMessage[],
    maxTokens: number,
    outer?: AbortSignal,
  ): Promise<Completion> {
    return this.guarded(outer, async (signal, heard) => {
      const response = await this.client.chat.completions
        .create(this.params(messages, maxTokens), { signal })
        .asResponse();
      heard();
      const completion = (await response.json()) as OpenAI.ChatCompletion;
      const text = completion.choices[0]?.message.content ?? '';
      return { text, usage: reportedUsage(completion.usage, messages, text) };
    });
  }

  private async stream(
    messages: ChatMessage[],
    maxTokens: number,
    onDelta: (text: string) => void,
    outer?: AbortSignal,
  ): Promise<Completion> {
    return this.guarded(outer, async (signal, heard) => {
      const stream = await this.client.chat.completions.create(
        { ...this.params(messages, maxTokens), stream: true, stream_options: { include_usage: true } },
        { signal },
      );
      heard();
      let text = '';
      let usage: OpenAI.CompletionUsage | undefined;
      for await (const chunk of stream) {
        heard();
        const piece = chunk.choices[0]?.delta.content;
        if (piece) {
          text += piece;
          onDelta(piece);
        }
        if (chunk.usage) usage = chunk.usage;
      }
      // The client ends the iteration quietly when its signal aborts: a cut answer is no answer.
      if (signal.aborted) throw new OpenAI.APIUserAbortError();
      return { text, usage: reportedUsage(usage, messages, text) };
    });
  }

  /**
   * Runs one call with a silence guard: once `heard()` is first called (the response head
   * arrived), the call fails as a time-out when SUMMARY_TIMEOUT_MS pass without another
   * `heard()`. Before that, the client's own per-attempt time-out and retries apply.
   */
  private async guarded<T>(
    outer: AbortSignal | undefined,
    call: (signal: AbortSignal, heard: () => void) => Promise<T>,
  ): Promise<T> {
    const silence = new SilenceGuard(this.settings.timeoutMs);
    const signal = outer ? AbortSignal.any([outer, silence.signal]) : silence.signal;
    try {
      return await call(signal, () => silence.heard());
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
