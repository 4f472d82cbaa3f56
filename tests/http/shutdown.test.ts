import { request, type IncomingHttpHeaders } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import type { LogSource, SourceRequest, SourceResult } from '../../backend/src/query/log-source.js';
import { TOKENS, startTestBackend, type TestBackend } from '../support/backend.js';

/**
 * The graceful shutdown on a real server: Kubernetes keeps probing `/readyz` after SIGTERM, so
 * it must answer 503 during the drain rather than refuse the connection.
 */

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
  /** Whether the server closed the connection after the response. */
  closed: Promise<boolean>;
}

/** One request on a fresh keep-alive connection, with what the server did to the connection. */
function get(url: string, path: string, token?: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}${path}`, {
      // A connection of its own, never one pooled from an earlier request.
      agent: false,
      headers: { Connection: 'keep-alive', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
    });
    req.on('error', reject);
    req.on('response', (res) => {
      const socket = res.socket;
      const closed = new Promise<boolean>((done) => {
        const timer = setTimeout(() => {
          socket.destroy();
          done(false);
        }, 1_000);
        socket.once('close', () => {
          clearTimeout(timer);
          done(true);
        });
      });
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body, closed }));
    });
    req.end();
  });
}

/** A source whose listings wait until released: a request kept in flight. */
function slowSource(): { source: LogSource; started: Promise<void>; release: () => void } {
  let markStarted!: () => void;
  const started = new Promise<void>((resolve) => (markStarted = resolve));
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  const source: LogSource = {
    name: 'gcs',
    async query(_request: SourceRequest): Promise<SourceResult> {
      markStarted();
      await released;
      return { entries: [], stats: { scanned: 0 }, warnings: [] };
    },
    listValues: async () => undefined,
    health: async () => ({ up: true, detail: 'ok' }),
    contextScope: () => undefined,
  };
  return { source, started, release };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('shutdown', () => {
  let backend: TestBackend | undefined;
  afterEach(async () => {
    await backend?.close();
    backend = undefined;
  });

  it('answers 503 on /readyz during the drain, closes each connection, and finishes the request in flight', async () => {
    const slow = slowSource();
    backend = await startTestBackend({
      sources: [slow.source],
      env: { SHUTDOWN_DRAIN_MS: '800', SHUTDOWN_TIMEOUT_MS: '10000' },
    });
    const { url } = backend;
    expect((await get(url, '/readyz')).status).toBe(200);

    const inFlight = get(url, '/logs?from=now-1h&limit=10', TOKENS.viewer);
    await slow.started;
    const shutdown = backend.server.shutdown();

    const ready = await get(url, '/readyz');
    expect(ready.status).toBe(503);
    expect(JSON.parse(ready.body)).toMatchObject({ status: 'shutting_down' });
    expect(ready.headers.connection).toBe('close');
    expect(await ready.closed).toBe(true);

    const alive = await get(url, '/healthz');
    expect(alive.status).toBe(200);
    expect(alive.headers.connection).toBe('close');
    expect(await alive.closed).toBe(true);

    // After the drain: no new connection, while the request in flight still runs.
    await sleep(1_000);
    await expect(get(url, '/readyz')).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    slow.release();
    const answer = await inFlight;
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body)).toHaveProperty('entries');
    await shutdown;
  });

  it('stops listening at once without a drain period', async () => {
    backend = await startTestBackend({ env: { SHUTDOWN_DRAIN_MS: '0' } });
    const { url } = backend;
    const started = Date.now();
    await backend.server.shutdown();
    expect(Date.now() - started).toBeLessThan(1_000);
    await expect(get(url, '/readyz')).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });
});
