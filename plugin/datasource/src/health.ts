import { lastValueFrom } from 'rxjs';

import { UnifiedLogsApi } from './api';
import { describeError, isUnreachable } from './errors';
import { CacheReadiness, ReadyResponse, SourceReadiness, WhoAmIResponse } from '@gpt-runner-logs/contract';

export interface HealthResult {
  status: 'success' | 'warning' | 'error';
  message: string;
  details?: { message?: string; verboseMessage?: string };
}

function describeSource(name: string, health: SourceReadiness): string {
  const state = health.up ? 'up' : `down${health.detail ? ` (${health.detail})` : ''}`;
  const latency = health.up && health.latencyMs !== undefined ? `, ${health.latencyMs} ms` : '';
  return `${name}: ${state}${latency}`;
}

/** A cache that is down makes the backend degraded without any source being down, so it is named. */
function describeCache(cache: CacheReadiness | undefined): string[] {
  if (!cache || cache.up) {
    return [];
  }
  return [`cache (${cache.kind}): down${cache.detail ? ` (${cache.detail})` : ''}`];
}

function describeReadiness(ready: ReadyResponse): string {
  const sources = Object.entries(ready.sources ?? {}).flatMap(([name, health]) =>
    health ? [describeSource(name, health)] : []
  );
  return [...sources, ...describeCache(ready.cache)].join('; ');
}

/** /readyz answers 503 with the same body while degraded, so its body is read either way. */
async function readReadiness(api: UnifiedLogsApi): Promise<ReadyResponse> {
  try {
    return await lastValueFrom(api.get<ReadyResponse>('/readyz'));
  } catch (error) {
    const data = (error as { data?: unknown }).data;
    if (data && typeof data === 'object' && 'sources' in data) {
      return data as ReadyResponse;
    }
    throw error;
  }
}

function failure(error: unknown, step: string): HealthResult {
  const described = describeError(error);
  if (isUnreachable(described.status) && described.status !== undefined) {
    return {
      status: 'error',
      message: 'Cannot reach the Unified Logs backend. Check the backend URL and that the service is running.',
      details: { message: described.detail },
    };
  }
  if (described.status === 401) {
    return {
      status: 'error',
      message: 'The backend rejected the API token (401 Unauthorized). Enter a valid token and save again.',
      details: { message: described.detail },
    };
  }
  if (described.status === 403) {
    return {
      status: 'error',
      message: 'The API token is valid but not allowed to use this backend (403 Forbidden).',
      details: { message: described.detail },
    };
  }
  return { status: 'error', message: `${step} failed: ${described.detail}` };
}

/** Readiness first (no token needed), then the token's identity: each failure says which. */
export async function checkHealth(api: UnifiedLogsApi): Promise<HealthResult> {
  let ready: ReadyResponse;
  try {
    ready = await readReadiness(api);
  } catch (error) {
    return failure(error, 'Readiness check');
  }
  let who: WhoAmIResponse;
  try {
    who = await api.getOnce<WhoAmIResponse>('/meta/whoami');
  } catch (error) {
    return failure(error, 'Token check');
  }
  const readiness = describeReadiness(ready);
  const identity = `Token "${who.name}" has role ${who.role}, reads ${who.sources.join(', ') || 'no sources'}${
    who.canSummarize ? ' and may request summaries' : ''
  }.`;
  if (ready.status !== 'ok') {
    return {
      status: 'warning',
      message: `Backend is ${ready.status}. ${identity}`,
      details: { message: readiness },
    };
  }
  return { status: 'success', message: `Backend is ready (${readiness}). ${identity}` };
}
