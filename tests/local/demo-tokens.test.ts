import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../backend/src/config/index.js';
import { demoAuthTokens } from '../../local/demo-tokens.js';

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');
const tokensOf = (authTokens: string) =>
  loadConfig({ AUTH_TOKENS: authTokens }).tokens.map(({ name, role, sources }) => ({ name, role, sources }));

describe("the demo's tokens", () => {
  it('are the demo admin alone when none are given', () => {
    expect(tokensOf(demoAuthTokens(undefined, 'demo-x'))).toEqual([
      { name: 'demo', role: 'admin', sources: ['gcs', 'firestore', 'pods'] },
    ]);
  });

  it('keep the tokens given, roles and source scopes included, beside the demo admin', () => {
    const given = JSON.stringify([
      { name: 'grafana', sha256: sha256('viewer-token'), role: 'viewer', sources: ['gcs'] },
    ]);
    const parsed = JSON.parse(demoAuthTokens(given, 'demo-x')) as { name: string; sha256: string }[];
    expect(tokensOf(JSON.stringify(parsed))).toEqual([
      { name: 'grafana', role: 'viewer', sources: ['gcs'] },
      { name: 'demo', role: 'admin', sources: ['gcs', 'firestore', 'pods'] },
    ]);
    expect(parsed.find((t) => t.name === 'demo')?.sha256).toBe(sha256('demo-x'));
  });

  it('refuse a list that is not JSON, naming AUTH_TOKENS', () => {
    expect(() => demoAuthTokens('grafana=abc', 'demo-x')).toThrow(/AUTH_TOKENS/);
    expect(() => demoAuthTokens('{"name":"x"}', 'demo-x')).toThrow(/AUTH_TOKENS/);
  });
});
