import { ConfigError, loadConfig } from './index.js';

/** The least environment the backend starts with: one token. */
export const BASE_ENV = {
  AUTH_TOKENS: JSON.stringify([{ name: 'ops', sha256: 'a'.repeat(64), role: 'admin' }]),
};

/** The problems `loadConfig` reports for the base environment plus `env`; none when it starts. */
export function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig({ ...BASE_ENV, ...env });
    return [];
  } catch (error) {
    return error instanceof ConfigError ? error.problems : [String(error)];
  }
}
