import { BackendSrvRequest, FetchResponse, getBackendSrv } from '@grafana/runtime';
import { Observable, lastValueFrom, map, throwError, timeout } from 'rxjs';

import { MetaField, MetaValuesResponse } from '@gpt-runner-logs/contract';

/**
 * Repeated keys are allowed (`label` may appear many times), so params are pairs, not a map.
 * `Name` narrows the keys to one endpoint's parameter names from the contract.
 */
export type QueryParams<Name extends string = string> = Array<[Name, string]>;

/**
 * Paths of the plugin.json routes, each adding its own bearer token on the Grafana server:
 * reads (GET, any Grafana role) carry the viewer token; summaries (POST, Editor or above,
 * because they spend money on the model) carry the analyst token.
 */
export const ROUTES = { read: 'api', summary: 'summary' } as const;

export const DEFAULT_TIMEOUT_SECONDS = 30;

export class RequestTimeoutError extends Error {
  constructor(readonly seconds: number) {
    super(`The Unified Logs backend did not answer within ${seconds} s`);
    this.name = 'RequestTimeoutError';
  }
}

export function toQueryString(params: QueryParams): string {
  const search = new URLSearchParams();
  for (const [key, value] of params) {
    search.append(key, value);
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}

export interface RequestOptions {
  /** Grafana cancels an in-flight request when a new one with the same id starts. */
  requestId?: string;
}

/**
 * Every call goes through Grafana's data-source proxy (`instanceUrl/api/...`), where the
 * route injects the token, so the browser never holds it.
 */
export class UnifiedLogsApi {
  constructor(
    private readonly instanceUrl: string,
    private readonly timeoutSeconds: number = DEFAULT_TIMEOUT_SECONDS
  ) {}

  /** A read through the read route: `instanceUrl/api/logs?…` reaches `backendUrl/logs?…`. */
  url(path: string, params: QueryParams = []): string {
    return `${this.instanceUrl}/${ROUTES.read}${path}${toQueryString(params)}`;
  }

  /** The summary route's URL is the summary endpoint itself, so the route can reach nothing else. */
  summaryUrl(): string {
    return `${this.instanceUrl}/${ROUTES.summary}`;
  }

  get<T>(path: string, params: QueryParams = [], options: RequestOptions = {}): Observable<T> {
    return this.fetch<T>({ url: this.url(path, params), method: 'GET', requestId: options.requestId });
  }

  /** `POST /logs/summary`, through the summary route (the only write the backend has). */
  postSummary<T>(body: unknown, options: RequestOptions = {}): Observable<T> {
    return this.fetch<T>({
      url: this.summaryUrl(),
      method: 'POST',
      data: body,
      headers: { 'Content-Type': 'application/json' },
      requestId: options.requestId,
    });
  }

  getOnce<T>(path: string, params: QueryParams = []): Promise<T> {
    return lastValueFrom(this.get<T>(path, params));
  }

  async metaValues(field: MetaField, params: QueryParams = []): Promise<string[]> {
    const response = await this.getOnce<MetaValuesResponse>(`/meta/${field}`, params);
    return Array.isArray(response?.values) ? response.values : [];
  }

  private fetch<T>(request: BackendSrvRequest): Observable<T> {
    const seconds = this.timeoutSeconds;
    return getBackendSrv()
      .fetch<T>({ ...request, showErrorAlert: false, showSuccessAlert: false })
      .pipe(
        // Unsubscribing on time-out also aborts the HTTP request.
        timeout({ first: seconds * 1000, with: () => throwError(() => new RequestTimeoutError(seconds)) }),
        map((response: FetchResponse<T>) => response.data)
      );
  }
}
