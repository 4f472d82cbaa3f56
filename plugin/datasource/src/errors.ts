import { DataQueryError } from '@grafana/data';
import { isFetchError } from '@grafana/runtime';
import { ProblemBody } from '@gpt-runner-logs/contract';

import { RequestTimeoutError } from './api';

/** Proxies in between (Grafana's, an ingress) answer with bodies of their own, so only some fields may be there. */
type Problem = Partial<ProblemBody>;

function asProblem(data: unknown): Problem | undefined {
  if (!data || typeof data !== 'object') {
    return undefined;
  }
  const candidate = data as Record<string, unknown>;
  if (typeof candidate.detail === 'string' || typeof candidate.title === 'string') {
    return candidate as Problem;
  }
  return undefined;
}

/** Grafana's proxy answers 502 (or the browser 0) when the backend cannot be reached at all. */
export function isUnreachable(status: number | undefined): boolean {
  return status === undefined || status === 0 || status === 502 || status === 504;
}

export interface DescribedError {
  status?: number;
  title: string;
  detail: string;
  param?: string;
}

/** Turns anything a request may throw into words an operator can act on. */
export function describeError(error: unknown): DescribedError {
  if (error instanceof RequestTimeoutError) {
    return { title: 'Request timed out', detail: error.message };
  }
  if (isFetchError(error)) {
    const problem = asProblem(error.data);
    const status = problem?.status ?? error.status;
    if (problem?.detail || problem?.title) {
      return {
        status,
        title: problem.title ?? error.statusText ?? 'Request failed',
        detail: problem.detail ?? problem.title ?? '',
        param: problem.param,
      };
    }
    return { status, title: error.statusText || 'Request failed', detail: fallbackDetail(status, error.data) };
  }
  if (error instanceof Error) {
    return { title: 'Request failed', detail: error.message };
  }
  return { title: 'Request failed', detail: String(error) };
}

/** Grafana's proxy refusing a plugin.json route whose `reqRole` is above the user's role. */
const ROUTE_ACCESS_DENIED = 'plugin proxy route access denied';

function fallbackDetail(status: number | undefined, data: unknown): string {
  const message = data && typeof data === 'object' ? (data as { message?: unknown }).message : undefined;
  if (status === 403 && message === ROUTE_ACCESS_DENIED) {
    return 'Summaries need the Editor or Admin role in Grafana: they are paid for per use.';
  }
  if (isUnreachable(status)) {
    return 'The Unified Logs backend cannot be reached: check the backend URL in the data source settings.';
  }
  if (status === 401) {
    return 'The backend rejected the API token (401): set a valid token in the data source settings.';
  }
  if (status === 403) {
    return 'The API token is not allowed to do this (403).';
  }
  return typeof message === 'string' ? message : `HTTP ${status ?? 'error'}`;
}

/** The backend's details for bad input already start with the parameter (`search: …`). */
function withParam(detail: string, param: string | undefined): string {
  if (!param || detail.includes(`${param}:`)) {
    return detail;
  }
  return `${detail} (parameter: ${param})`;
}

/** A DataQueryError whose message is the backend's `detail`, so panels show the real cause. */
export function toDataQueryError(error: unknown, refId?: string): DataQueryError {
  const described = describeError(error);
  const message = withParam(described.detail, described.param);
  return {
    refId,
    message,
    status: described.status,
    data: { message: described.title, error: described.detail },
  };
}
