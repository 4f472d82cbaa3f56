import { BackendSrvRequest, FetchError, getBackendSrv } from '@grafana/runtime';
import { TailStreamEvent } from '@gpt-runner-logs/contract';
import { EventSourceMessage, createParser } from 'eventsource-parser';
import { Observable, Subscription } from 'rxjs';

/** What a reconnect waits at first (the server's `retry:` replaces it) and at most after failures. */
export const DEFAULT_RETRY_MS = 1_000;
const MAX_RETRY_MS = 30_000;

/** Statuses after which trying again later can succeed: busy, or the backend unreachable for now. */
const RETRYABLE = new Set([429, 502, 503, 504]);

export interface TailStreamOptions {
  /** The proxy URL of `/logs/tail` with the query's filters. */
  url: string;
  /** Resume after this event id (a previous stream's last). */
  cursor?: string;
  /** Wait before reconnecting after a stream ended, until the server's `retry:` says otherwise. */
  retryMs?: number;
}

const EVENT_NAMES = new Set(['open', 'entries', 'gap', 'end']);

function toEvent(message: EventSourceMessage): TailStreamEvent | undefined {
  if (!message.event || !EVENT_NAMES.has(message.event)) {
    return undefined;
  }
  try {
    return { event: message.event, id: message.id, data: JSON.parse(message.data) } as TailStreamEvent;
  } catch {
    return undefined;
  }
}

/** A non-2xx answer as Grafana's `FetchError`, its problem body parsed, for the usual error text. */
function fetchError(status: number, statusText: string, body: string, config: BackendSrvRequest): FetchError {
  let data: unknown = body;
  try {
    data = JSON.parse(body);
  } catch {
    // Not JSON (a proxy's page): kept as text.
  }
  return { status, statusText, data, config };
}

function retryAfterMs(headers: Headers | undefined): number | undefined {
  const seconds = Number(headers?.get('Retry-After'));
  return Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : undefined;
}

/**
 * The events of `GET /logs/tail`, read through Grafana's `BackendSrv.chunked` (so through
 * the data-source proxy route, which adds the token) and parsed with `eventsource-parser`.
 * The stream does not end: when the server ends a response (it does so before the proxy's
 * time-out) or the connection breaks, it reconnects with the last event id as `Last-Event-ID`,
 * so nothing is missed and nothing repeats; a busy or unreachable backend is retried with
 * back-off (honouring `Retry-After`); any other refusal (a bad filter, a forbidden source)
 * is an error. Unsubscribing aborts the request.
 */
export function tailEvents(options: TailStreamOptions): Observable<TailStreamEvent> {
  return new Observable<TailStreamEvent>((subscriber) => {
    let lastId = options.cursor;
    let retryMs = options.retryMs ?? DEFAULT_RETRY_MS;
    let failures = 0;
    let request: Subscription | undefined;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let closed = false;

    const again = (waitMs: number) => {
      if (closed) {
        return;
      }
      timer = setTimeout(connect, waitMs);
    };
    const backoff = () => Math.min(MAX_RETRY_MS, retryMs * 2 ** Math.min(failures, 10));

    function connect() {
      const config: BackendSrvRequest = {
        url: options.url,
        method: 'GET',
        headers: { Accept: 'text/event-stream', ...(lastId ? { 'Last-Event-ID': lastId } : {}) },
        showErrorAlert: false,
        showSuccessAlert: false,
      };
      const parser = createParser({
        onEvent: (message) => {
          if (message.id) {
            lastId = message.id;
          }
          const event = toEvent(message);
          if (event) {
            subscriber.next(event);
          }
        },
        onRetry: (ms) => {
          retryMs = ms;
        },
      });
      const decoder = new TextDecoder();
      let status = 0;
      let statusText = '';
      let headers: Headers | undefined;
      let refusal = '';
      request = getBackendSrv()
        .chunked(config)
        .subscribe({
          next: (response) => {
            status = response.status;
            statusText = response.statusText;
            headers = response.headers;
            if (!response.data) {
              return;
            }
            const text = decoder.decode(response.data, { stream: true });
            if (response.ok) {
              failures = 0;
              parser.feed(text);
            } else {
              refusal += text;
            }
          },
          error: () => {
            failures += 1;
            again(backoff());
          },
          complete: () => {
            if (status >= 200 && status < 300) {
              again(retryMs);
              return;
            }
            if (RETRYABLE.has(status) || status === 0) {
              failures += 1;
              again(retryAfterMs(headers) ?? backoff());
              return;
            }
            subscriber.error(fetchError(status, statusText, refusal, config));
          },
        });
    }

    connect();
    return () => {
      closed = true;
      clearTimeout(timer);
      request?.unsubscribe();
    };
  });
}
