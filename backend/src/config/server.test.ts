import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './index.js';

const base = {
  AUTH_TOKENS: JSON.stringify([{ name: 'ops', sha256: 'a'.repeat(64), role: 'admin' }]),
};

const problemsOf = (env: Record<string, string>): string[] => {
  try {
    loadConfig({ ...base, ...env });
    return [];
  } catch (error) {
    return error instanceof ConfigError ? error.problems : [String(error)];
  }
};

describe('server configuration', () => {
  it('stops listening at once by default, and reads the drain period', () => {
    expect(loadConfig(base).shutdownDrainMs).toBe(0);
    expect(loadConfig({ ...base, SHUTDOWN_DRAIN_MS: '5000' }).shutdownDrainMs).toBe(5_000);
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
