import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TOKENS, startTestBackend, type TestBackend } from '../support/backend.js';

let backend: TestBackend;
beforeAll(async () => {
  backend = await startTestBackend();
});
afterAll(() => backend.close());

interface Problem {
  status: number;
  title: string;
  detail: string;
  param?: string;
}

describe('authentication', () => {
  it('asks for a token when none is sent', async () => {
    const response = await backend.get('/logs');
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe('Bearer realm="gpt-runner-logs"');
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    expect(((await response.json()) as Problem).detail).toMatch(/needs an API token/);
  });

  it.each([
    ['Basic dXNlcjpwYXNz', 'invalid_request', /must be "Bearer <token>"/],
    ['Bearer', 'invalid_request', /must be "Bearer <token>"/],
    ['Bearer not-a-real-token', 'invalid_token', /not valid/],
    [`Bearer ${TOKENS.admin}x`, 'invalid_token', /not valid/],
  ])('refuses Authorization %j', async (header, error, detail) => {
    const response = await backend.get('/logs', undefined, { Authorization: header });
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toContain(`error="${error}"`);
    expect(((await response.json()) as Problem).detail).toMatch(detail);
  });

  it.each(['/healthz', '/readyz', '/metrics'])('serves %s without a token', async (path) => {
    expect((await backend.get(path)).status).toBe(200);
  });
});

describe('authorization by source', () => {
  it.each([
    ['admin', '/logs', 200],
    ['viewer', '/logs', 200],
    ['viewer', '/logs/pods', 200],
    ['gcsOnly', '/logs', 200],
    ['gcsOnly', '/logs/gcs', 200],
    ['gcsOnly', '/logs/pods', 403],
    ['gcsOnly', '/logs/firestore', 403],
    ['gcsOnly', '/logs?source=gcs,pods', 403],
    ['gcsOnly', '/meta/whoami', 200],
  ] as const)('%s on %s → %i', async (who, path, status) => {
    const response = await backend.get(path, TOKENS[who]);
    expect(response.status).toBe(status);
    if (status === 403) {
      const problem = (await response.json()) as Problem;
      expect(problem.detail).toMatch(/may not read (pods|firestore)/);
      expect(problem.param).toBe('source');
    }
  });

  it('limits an unqualified /logs to the sources the token may read', async () => {
    const { body } = await backend.json<{ entries: { source: string }[] }>(
      '/logs?from=now-1d&limit=500',
      TOKENS.gcsOnly,
    );
    expect(body.entries.length).toBeGreaterThan(0);
    expect(new Set(body.entries.map((e) => e.source))).toEqual(new Set(['gcs']));
  });

  it('tells a caller who it is', async () => {
    const { body } = await backend.json('/meta/whoami', TOKENS.analyst);
    expect(body).toEqual({
      name: 'ops-analyst',
      role: 'analyst',
      sources: ['gcs', 'firestore', 'pods'],
      canSummarize: true,
    });
    const viewer = await backend.json('/meta/whoami', TOKENS.viewer);
    expect(viewer.body.canSummarize).toBe(false);
  });
});
