import { describe, expect, it } from 'vitest';
import { BASE_ENV, problemsOf } from './env.fixture.js';
import { loadConfig } from './index.js';

describe('server configuration', () => {
  it('stops listening at once by default, and reads the drain period', () => {
    expect(loadConfig(BASE_ENV).shutdownDrainMs).toBe(0);
    expect(loadConfig({ ...BASE_ENV, SHUTDOWN_DRAIN_MS: '5000' }).shutdownDrainMs).toBe(5_000);
  });

  it.each([
    [{ SHUTDOWN_DRAIN_MS: '11000' }, 'SHUTDOWN_DRAIN_MS: must not exceed SHUTDOWN_TIMEOUT_MS (10000)'],
    [
      { SHUTDOWN_DRAIN_MS: '3000', SHUTDOWN_TIMEOUT_MS: '2000' },
      'SHUTDOWN_DRAIN_MS: must not exceed SHUTDOWN_TIMEOUT_MS (2000)',
    ],
    [{ SHUTDOWN_DRAIN_MS: '-1' }, 'SHUTDOWN_DRAIN_MS'],
  ])('refuses %j', (env, problem) => {
    expect(problemsOf(env).join('\n')).toContain(problem);
  });
});
