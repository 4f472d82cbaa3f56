import type { ProblemBody } from '../../backend/src/http/problem.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TOKENS, startTestBackend, type TestBackend } from '../support/backend.js';

let backend: TestBackend;
beforeAll(async () => {
  backend = await startTestBackend();
});
afterAll(() => backend.close());

type Problem = ProblemBody;
const DAY = 86_400_000;

async function problem(
  path: string,
  init: RequestInit = {},
): Promise<{ status: number; body: Problem; headers: Headers }> {
  const response = await fetch(`${backend.url}${path}`, {
    ...init,
    headers: { Authorization: `Bearer ${TOKENS.admin}`, ...(init.headers as Record<string, string>) },
  });
  expect(response.headers.get('content-type')).toContain('application/problem+json');
  const body = (await response.json()) as Problem;
  expect(JSON.stringify(body)).not.toMatch(/at .*\.(ts|js):\d+/); // never a stack trace
  expect(body.title).toBeTruthy();
  expect(body.status).toBe(response.status);
  return { status: response.status, body, headers: response.headers };
}

describe('bad parameters are 400s that name the parameter', () => {
  it.each([
    ['from=yesterday', 'from', /RFC 3339/],
    ['to=2026-13-45T00:00:00Z', 'to', /RFC 3339/],
    ['from=2026-11-29T08:00:00Z&to=2026-11-29T07:00:00Z', 'from', /before to/],
    ['from=2026-11-29T08:00:00Z&to=2026-11-29T08:00:00Z', 'from', /before to/],
    ['source=s3', 'source', /unknown source s3/],
    ['source=gcs,bigquery', 'source', /unknown source bigquery/],
    ['limit=0', 'limit', /1 to 5000/],
    ['limit=-1', 'limit', /1 to 5000/],
    ['limit=5001', 'limit', /1 to 5000/],
    ['limit=99999999999999999999', 'limit', /1 to 5000/],
    ['limit=ten', 'limit', /1 to 5000/],
    ['limit=1.5', 'limit', /1 to 5000/],
    ['search=(unclosed&regex=true', 'search', /invalid regular expression/],
    ['search=(?=x)&regex=true', 'search', /invalid regular expression/],
    ['regex=maybe', 'regex', /true or false/],
    ['label=symbol~AAPL', 'label', /name=value/],
    ['label=pod=~(x', 'label', /invalid regular expression/],
    ['severity=LOUD', 'severity', /unknown severity/],
    ['minSeverity=LOUD', 'minSeverity', /unknown severity/],
    ['direction=sideways', 'direction', /backward or forward/],
    ['cursor=garbage', 'cursor', /malformed/],
    ['namespace=Not_A_Namespace', 'namespace', /namespace/],
    ['from=now-1h&from=now-2h', 'from', /once/],
    ['colour=blue', 'colour', /not a parameter/],
  ])('%s → 400 naming %s', async (query, param, detail) => {
    const { status, body } = await problem(`/logs?${query}`);
    expect(status).toBe(400);
    expect(body.param).toBe(param);
    expect(body.detail).toMatch(detail);
  });

  it('refuses source on a single-source path', async () => {
    const { status, body } = await problem('/logs/gcs?source=pods');
    expect(status).toBe(400);
    expect(body.param).toBe('source');
  });

  it('answers a catastrophic regex quickly instead of hanging', async () => {
    const started = performance.now();
    const response = await backend.get(
      `/logs?search=${encodeURIComponent('(a+)+$')}&regex=true&from=now-1d&limit=50`,
      TOKENS.admin,
    );
    expect(response.status).toBe(200);
    expect(performance.now() - started).toBeLessThan(2_000);
  });
});

describe('cursors', () => {
  async function firstCursor(query: string): Promise<string> {
    const { body } = await backend.json<{ nextCursor: string }>(`/logs?${query}`, TOKENS.admin);
    expect(body.nextCursor).toBeTruthy();
    return body.nextCursor;
  }

  it('refuses a tampered cursor', async () => {
    const query = 'from=now-1d&to=now&limit=5&source=gcs';
    const cursor = await firstCursor(query);
    const [payload = '', signature = ''] = cursor.split('.');
    const forged = Buffer.from(
      Buffer.from(payload, 'base64url')
        .toString()
        .replace(/"k":\["[^"]+"/, '"k":["2099-01-01T00:00:00.000000000Z"'),
    ).toString('base64url');
    const { status, body } = await problem(`/logs?${query}&cursor=${forged}.${signature}`);
    expect(status).toBe(400);
    expect(body.param).toBe('cursor');
    expect(body.detail).toMatch(/signature/);
  });

  it('refuses the cursor of another query', async () => {
    // An absolute window over the demo data, which ends at the backend's own "now".
    const window = `from=${backend.nowMs - 2 * DAY}&to=${backend.nowMs}`;
    const cursor = await firstCursor(`${window}&limit=5`);
    const { status, body } = await problem(`/logs?${window}&limit=5&minSeverity=ERROR&cursor=${cursor}`);
    expect(status).toBe(400);
    expect(body.detail).toMatch(/different query/);
  });
});

describe('routes, methods and bodies', () => {
  it('answers an unknown route with a 404 problem', async () => {
    const { status, body } = await problem('/logs/s3');
    expect(status).toBe(404);
    expect(body.detail).toMatch(/no endpoint at \/logs\/s3/);
  });

  it('answers a wrong method with 405 and Allow', async () => {
    const { status, headers } = await problem('/logs', { method: 'DELETE' });
    expect(status).toBe(405);
    expect(headers.get('allow')).toContain('GET');
  });

  it('refuses an oversized body with 413 where a body is taken', async () => {
    const { status, body } = await problem('/logs/summary', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ search: 'x'.repeat(100_000) }),
    });
    expect(status).toBe(413);
    expect(body.param).toBe('body');
  });

  it('answers a body sent to a route that takes none with 405, without reading it', async () => {
    const { status, headers } = await problem('/logs', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ search: 'x'.repeat(100_000) }),
    });
    expect(status).toBe(405);
    expect(headers.get('allow')).toContain('GET');
  });

  it('names an unknown variable list', async () => {
    const { status, body } = await problem('/meta/tables');
    expect(status).toBe(404);
    expect(body.detail).toMatch(/namespaces/);
  });
});
