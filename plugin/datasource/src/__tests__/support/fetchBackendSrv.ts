import { BackendSrv, BackendSrvRequest, FetchError, FetchResponse } from '@grafana/runtime';
import { Observable, lastValueFrom } from 'rxjs';

/**
 * Stands in for Grafana's data-source proxy: requests under `prefix` go to `target`, with
 * the headers the plugin.json route would add on the Grafana server (the bearer token).
 */
export interface ProxyRoute {
  prefix: string;
  target: string;
  headers?: Record<string, string>;
}

/** Where a request goes and with which headers, or the answer the proxy gives itself. */
export type Forwarded = { url: string; headers: Record<string, string> };
export type Refused = { status: number; statusText: string; body: unknown };
export type Forward = (url: string, method: string) => Forwarded | Refused;

function resolve(url: string, routes: ProxyRoute[]): Forwarded {
  const route = routes.find((candidate) => url.startsWith(candidate.prefix));
  if (!route) {
    return { url, headers: {} };
  }
  return { url: route.target.replace(/\/$/, '') + url.slice(route.prefix.length), headers: route.headers ?? {} };
}

async function parseBody(response: Response, responseType: BackendSrvRequest['responseType']): Promise<unknown> {
  const text = await response.text();
  if (responseType === 'text') {
    return text;
  }
  // Like Grafana, any body that parses as JSON is JSON (problem+json included).
  try {
    return text === '' ? undefined : JSON.parse(text);
  } catch {
    return text;
  }
}

function toFetchResponse<T>(response: Response, data: T, config: BackendSrvRequest): FetchResponse<T> {
  return {
    data,
    status: response.status,
    statusText: response.statusText,
    ok: response.ok,
    headers: response.headers,
    redirected: response.redirected,
    type: response.type,
    url: response.url,
    config,
  };
}

/** The FetchError Grafana's proxy answers with when it refuses a request itself. */
function refusal(refused: Refused, config: BackendSrvRequest): FetchError {
  return { status: refused.status, statusText: refused.statusText, data: refused.body, config };
}

function bodyOf(options: BackendSrvRequest): string | undefined {
  if (options.data === undefined) {
    return undefined;
  }
  return typeof options.data === 'string' ? options.data : JSON.stringify(options.data);
}

/**
 * A BackendSrv on the Fetch API, close to Grafana's own: JSON bodies, FetchError-shaped
 * rejections for non-2xx answers (status 502 when nothing answers, as Grafana's proxy
 * does), and cancellation on unsubscribe.
 */
export function createFetchBackendSrv(routes: ProxyRoute[] | Forward = []): BackendSrv {
  const forward: Forward = typeof routes === 'function' ? routes : (url) => resolve(url, routes);
  const fetchObservable = <T>(options: BackendSrvRequest): Observable<FetchResponse<T>> =>
    new Observable<FetchResponse<T>>((subscriber) => {
      const controller = new AbortController();
      const target = forward(options.url, options.method ?? 'GET');
      if ('status' in target) {
        subscriber.error(refusal(target, options));
        return undefined;
      }
      const headers: Record<string, string> = { Accept: 'application/json', ...options.headers, ...target.headers };
      fetch(target.url, { method: options.method ?? 'GET', headers, body: bodyOf(options), signal: controller.signal })
        .then(async (response) => {
          const data = (await parseBody(response, options.responseType)) as T;
          if (!response.ok) {
            const error: FetchError<T> = {
              status: response.status,
              statusText: response.statusText,
              data,
              config: options,
            };
            subscriber.error(error);
            return;
          }
          subscriber.next(toFetchResponse(response, data, options));
          subscriber.complete();
        })
        .catch((cause: unknown) => {
          if (controller.signal.aborted) {
            return;
          }
          const error: FetchError = {
            status: 502,
            statusText: 'Bad Gateway',
            data: { message: String(cause) },
            config: options,
          };
          subscriber.error(error);
        });
      return () => controller.abort();
    });

  /**
   * As Grafana's `chunked`: one response per body chunk (`data` the bytes, headers on each),
   * whatever the status (the caller reads it), completing with the body; aborts on unsubscribe.
   */
  const chunked = (options: BackendSrvRequest): Observable<FetchResponse<Uint8Array | undefined>> =>
    new Observable<FetchResponse<Uint8Array | undefined>>((subscriber) => {
      const controller = new AbortController();
      const target = forward(options.url, options.method ?? 'GET');
      if ('status' in target) {
        // Refused by the emulated proxy (a route's reqRole): the stream never reaches the backend.
        subscriber.error(refusal(target, options));
        return undefined;
      }
      const headers: Record<string, string> = { ...options.headers, ...target.headers };
      fetch(target.url, { method: options.method ?? 'GET', headers, signal: controller.signal })
        .then(async (response) => {
          subscriber.next(toFetchResponse(response, undefined, options));
          if (response.body) {
            for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
              subscriber.next(toFetchResponse(response, chunk, options));
            }
          }
          subscriber.complete();
        })
        .catch((cause: unknown) => {
          if (!controller.signal.aborted) {
            subscriber.error(cause);
          }
        });
      return () => controller.abort();
    });

  const request = async <T>(options: BackendSrvRequest): Promise<T> =>
    (await lastValueFrom(fetchObservable<T>(options))).data;

  const srv: Partial<BackendSrv> = {
    fetch: fetchObservable,
    chunked,
    get: <T>(url: string) => request<T>({ url, method: 'GET' }),
    post: <T>(url: string, data?: unknown) => request<T>({ url, method: 'POST', data }),
    put: <T>(url: string, data?: unknown) => request<T>({ url, method: 'PUT', data }),
    patch: <T>(url: string, data?: unknown) => request<T>({ url, method: 'PATCH', data }),
    delete: <T>(url: string, data?: unknown) => request<T>({ url, method: 'DELETE', data }),
  };
  return srv as BackendSrv;
}
