import type { LogEntry } from '@gpt-runner-logs/contract';
import { createParser } from 'eventsource-parser';

/** One server-sent event of `/logs/tail`, its data parsed. */
export interface TailEvent {
  event: string;
  id?: string;
  data: Record<string, unknown>;
  /** `performance.now()` when it was parsed. */
  at: number;
}

/** A live tail read with `fetch` and the `eventsource-parser` package, as a client would. */
export interface TailClient {
  status: number;
  headers: Headers;
  events: TailEvent[];
  comments: string[];
  /** Every entry received, in order. */
  entries(): LogEntry[];
  /** The id of the last event received: what a reconnect sends as `Last-Event-ID`. */
  lastId(): string | undefined;
  /** Waits for the first event (from now on, or already received) that satisfies `match`. */
  waitFor(match: (event: TailEvent) => boolean, timeoutMs?: number): Promise<TailEvent>;
  /** Resolves when the server ended the response. */
  closed: Promise<void>;
  close(): void;
}

export interface OpenTailOptions {
  token: string;
  query?: string;
  lastEventId?: string;
}

/** Opens `GET /logs/tail`; a non-200 answer is returned as it came, for its problem body. */
export async function openTail(
  base: string,
  { token, query = '', lastEventId }: OpenTailOptions,
): Promise<TailClient> {
  const controller = new AbortController();
  const response = await fetch(`${base}/logs/tail${query ? `?${query}` : ''}`, {
    headers: {
      Authorization: `Bearer ${token}`,
      Accept: 'text/event-stream',
      ...(lastEventId ? { 'Last-Event-ID': lastEventId } : {}),
    },
    signal: controller.signal,
  });
  const events: TailEvent[] = [];
  const comments: string[] = [];
  const waiters = new Set<() => void>();
  const notify = (): void => {
    for (const waiter of [...waiters]) waiter();
  };
  const parser = createParser({
    onEvent: ({ event, id, data }) => {
      events.push({
        event: event ?? 'message',
        id,
        data: JSON.parse(data) as Record<string, unknown>,
        at: performance.now(),
      });
      notify();
    },
    onComment: (comment) => {
      comments.push(comment);
      notify();
    },
  });
  let ended = false;
  const closed = (async () => {
    if (response.status !== 200 || !response.body) return;
    const decoder = new TextDecoder();
    try {
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>)
        parser.feed(decoder.decode(chunk, { stream: true }));
    } catch {
      // Aborted by close(): the test is done with it.
    }
  })().finally(() => {
    ended = true;
    notify();
  });

  return {
    status: response.status,
    headers: response.headers,
    events,
    comments,
    entries: () => events.flatMap((e) => (e.event === 'entries' ? (e.data.entries as LogEntry[]) : [])),
    lastId: () => events.filter((e) => e.id !== undefined).at(-1)?.id,
    waitFor(match, timeoutMs = 10_000) {
      return new Promise((resolve, reject) => {
        const check = (): void => {
          const found = events.find(match);
          if (found) {
            done();
            resolve(found);
          } else if (ended) {
            done();
            reject(new Error(`the stream ended without the event awaited (${events.length} events)`));
          }
        };
        const timer = setTimeout(() => {
          done();
          reject(new Error(`no such event within ${timeoutMs} ms (${events.length} events)`));
        }, timeoutMs);
        const done = (): void => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      });
    },
    closed,
    close: () => controller.abort(),
  };
}
