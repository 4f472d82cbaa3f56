import { createHash } from 'node:crypto';

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

/**
 * The demo's AUTH_TOKENS: the tokens the caller configured (so roles and source scopes can be
 * tried against the demo), plus the demo's own admin token. A given list that is not a JSON
 * array is refused with the variable's name rather than silently replaced.
 */
export function demoAuthTokens(given: string | undefined, demoToken: string): string {
  const demo = { name: 'demo', sha256: sha256(demoToken), role: 'admin' };
  if (given === undefined || given.trim() === '') return JSON.stringify([demo]);
  let parsed: unknown;
  try {
    parsed = JSON.parse(given);
  } catch {
    throw new Error('AUTH_TOKENS must be a JSON list of {name, sha256, role, sources?}');
  }
  if (!Array.isArray(parsed))
    throw new Error('AUTH_TOKENS must be a JSON list of {name, sha256, role, sources?}');
  const others = parsed.filter((entry: { name?: unknown }) => entry?.name !== demo.name);
  return JSON.stringify([...others, demo]);
}
