import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../backend/src/config/index.js';
import { createLogger } from '../../backend/src/logger.js';
import { MemorySource } from '../../local/demo-data/memory-source.js';
import { startServer, type RunningServer } from '../../backend/src/server.js';
import { TOKENS, TOKEN_CONFIG } from '../support/backend.js';

const lines: Record<string, unknown>[] = [];
const sink = new Writable({
  write(chunk: Buffer, _encoding, done) {
    for (const line of chunk.toString().split('\n').filter(Boolean))
      lines.push(JSON.parse(line) as Record<string, unknown>);
    done();
  },
});

let server: RunningServer;
beforeAll(async () => {
  const config = loadConfig({ HOST: '127.0.0.1', PORT: '0', AUTH_TOKENS: TOKEN_CONFIG });
  server = await startServer({
    config,
    sources: [new MemorySource('pods', [])],
    logger: createLogger('info', sink),
  });
});
afterAll(() => server.shutdown());

describe('request logs', () => {
  it('writes one JSON line per request with id, route, status, duration and who asked', async () => {
    await fetch(`${server.url}/logs/pods?limit=3`, {
      headers: {
        Authorization: `Bearer ${TOKENS.viewer}`,
        'X-Grafana-User': 'alice@ops',
        'X-Request-Id': 'req-77',
      },
    });
    await fetch(`${server.url}/logs/pods?limit=0`, { headers: { Authorization: `Bearer ${TOKENS.viewer}` } });
    const requests = lines.filter((l) => l.message === 'request');
    expect(requests[0]).toMatchObject({
      requestId: 'req-77',
      method: 'GET',
      route: '/logs/pods',
      path: '/logs/pods',
      status: 200,
      user: 'alice@ops',
      principal: 'grafana',
      severity: 'INFO',
      service: 'log-aggregator',
    });
    expect(typeof requests[0]?.durationMs).toBe('number');
    expect(requests[1]).toMatchObject({ status: 400, route: '/logs/pods' });
    expect(requests[1]?.user).toBeUndefined();
  });
});
