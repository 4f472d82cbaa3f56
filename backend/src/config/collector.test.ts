import { hostname } from 'node:os';
import { describe, expect, it } from 'vitest';
import { BASE_ENV, problemsOf } from './env.fixture.js';
import { loadConfig } from './index.js';

describe('collector configuration', () => {
  it('counts alone without a Lease name, and is off by default', () => {
    const { collector } = loadConfig(BASE_ENV);
    expect(collector.enabled).toBe(false);
    expect(collector.lease).toBeUndefined();
  });

  it("reads the Lease, with client-go's timing and the host name as identity by default", () => {
    const { collector } = loadConfig({
      ...BASE_ENV,
      COLLECTOR_ENABLED: 'true',
      COLLECTOR_LEASE_NAME: 'log-aggregator-collector',
      COLLECTOR_LEASE_NAMESPACE: 'gpt-runner-logs',
    });
    expect(collector.lease).toEqual({
      name: 'log-aggregator-collector',
      namespace: 'gpt-runner-logs',
      identity: hostname(),
      durationMs: 15_000,
      renewDeadlineMs: 10_000,
      retryMs: 2_000,
    });
  });

  it.each([
    [
      { COLLECTOR_LEASE_NAME: 'collector' },
      'COLLECTOR_LEASE_NAMESPACE: is required with COLLECTOR_LEASE_NAME',
    ],
    [
      { COLLECTOR_LEASE_NAME: 'Collector_1', COLLECTOR_LEASE_NAMESPACE: 'ns' },
      'COLLECTOR_LEASE_NAME: must be a Kubernetes object name',
    ],
    [{ COLLECTOR_LEASE_NAMESPACE: 'a.b' }, 'COLLECTOR_LEASE_NAMESPACE: must be a Kubernetes namespace name'],
    [
      { COLLECTOR_LEASE_DURATION_SECONDS: '10' },
      'COLLECTOR_LEASE_RENEW_DEADLINE_SECONDS: must be below COLLECTOR_LEASE_DURATION_SECONDS (10)',
    ],
    [
      { COLLECTOR_LEASE_RENEW_DEADLINE_SECONDS: '2' },
      'COLLECTOR_LEASE_RETRY_SECONDS: must be below COLLECTOR_LEASE_RENEW_DEADLINE_SECONDS (2)',
    ],
    [{ COLLECTOR_LEASE_SECONDS: '15' }, 'COLLECTOR_LEASE_SECONDS: is not a setting of this service'],
    [{ COLLECTOR_LEASE_NAMESPCE: 'ns' }, 'did you mean COLLECTOR_LEASE_NAMESPACE?'],
  ])('refuses %j', (env, problem) => {
    expect(problemsOf(env).join('\n')).toContain(problem);
  });
});
