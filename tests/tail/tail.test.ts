/**
 * `GET /logs/tail` against the local stack (Firestore and GCS emulators, the Kubernetes API
 * double) through the real backend and its real followers: entries arrive in time order with
 * resumable ids, a reconnect resumes without gap or duplicate, a cursor older than what is kept
 * says so, scope and subscriber bounds apply, heartbeats flow, streams end themselves, and
 * however many watch, one log stream per container is held upstream.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALNUM, fake } from '../../backend/src/insight/secrets.fixture.js';
import { formatEpochMs } from '../../backend/src/model/index.js';
import { startLocalStack, type LocalStack } from '../../local/stack.js';
import { TOKENS, startTestBackend, type TestBackend } from '../support/backend.js';
import { eventually, scrape, sleep, total } from '../support/metrics.js';
import { openTail, type TailClient } from '../support/tail-client.js';
import { FOLLOW_FAST, seedBeforeNow, withMarker, type SeededStack } from '../support/tail-stack.js';

let stack: LocalStack;
let backend: TestBackend;
let containers: number;
let write: SeededStack['write'];
const open: TailClient[] = [];

/** A tail this suite closes at the end whatever happens. */
async function tail(query = '', token: string = TOKENS.viewer, lastEventId?: string): Promise<TailClient> {
  const client = await openTail(backend.url, { token, query, lastEventId });
  open.push(client);
  return client;
}

const waitForCount = (client: TailClient, marker: string, count: number): Promise<void> =>
  eventually(() => expect(withMarker(client, marker)).toHaveLength(count));

const upstream = async (target: TestBackend = backend): Promise<number> =>
  total(await scrape(target), 'log_aggregator_tail_upstream_streams', { source: 'pods' });

const closeAll = (): void => {
  for (const client of open.splice(0)) client.close();
};

beforeAll(async () => {
  stack = await startLocalStack();
  ({ containers, write } = await seedBeforeNow(stack));
  backend = await startTestBackend({
    sourcesFromEnv: true,
    env: {
      ...stack.env,
      ...FOLLOW_FAST,
      TAIL_HEARTBEAT_SECONDS: '1',
      TAIL_MAX_STREAM_SECONDS: '60',
      TAIL_BUFFER_ENTRIES: '20',
      TAIL_MAX_SUBSCRIBERS_PER_TOKEN: '6',
      TAIL_MAX_SUBSCRIBERS: '9',
    },
  });
});

afterAll(async () => {
  closeAll();
  await backend?.close();
  await stack?.stop();
});

describe('live tail', () => {
  it('holds one log stream per container however many watch, from the first viewer until after the last', async () => {
    expect(stack.kube.openStreams().logs).toBe(0);
    const viewers = await Promise.all(Array.from({ length: 6 }, () => tail()));
    for (const viewer of viewers) expect(viewer.status).toBe(200);
    await eventually(async () => {
      expect(stack.kube.openStreams().logs).toBe(containers);
      expect(await upstream()).toBe(containers);
    });
    const texts = write('fan-out', 3);
    for (const viewer of viewers) await waitForCount(viewer, 'fan-out', 3);
    // Still one stream per container, not one per viewer.
    expect(stack.kube.openStreams().logs).toBe(containers);
    for (const viewer of viewers) expect(withMarker(viewer, 'fan-out').map((e) => e.message)).toEqual(texts);
    closeAll();
    await eventually(() => expect(stack.kube.openStreams().logs).toBe(0), 15_000);
    expect(await upstream()).toBe(0);
  }, 40_000);

  it('sends entries oldest first, each event with an id, after an open event', async () => {
    const viewer = await tail('source=pods');
    expect(viewer.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const opened = await viewer.waitFor((e) => e.event === 'open');
    expect(opened.id).toMatch(/^\d+-\d+$/);
    await eventually(() => expect(stack.kube.openStreams().logs).toBe(containers));
    write('ordered', 5);
    await waitForCount(viewer, 'ordered', 5);
    const stamps = withMarker(viewer, 'ordered').map((e) => e.timestamp);
    expect(stamps).toEqual([...stamps].sort());
    const ids = viewer.events.map((e) => e.id);
    expect(ids.every((id) => id !== undefined && /^\d+-\d+$/.test(id))).toBe(true);
    closeAll();
  });

  it('resumes after a reconnect with Last-Event-ID or cursor= with no gap and no duplicate', async () => {
    // A second viewer keeps the followers running while the first is away.
    const keeper = await tail();
    const first = await tail('source=pods');
    await eventually(() => expect(stack.kube.openStreams().logs).toBe(containers));
    write('before-drop', 3);
    await waitForCount(first, 'before-drop', 3);
    const cursor = first.lastId() as string;
    first.close();
    const missed = write('while-away', 4);
    await waitForCount(keeper, 'while-away', 4);

    for (const resumed of [
      await tail('source=pods', TOKENS.viewer, cursor),
      await tail(`source=pods&cursor=${cursor}`),
    ]) {
      await waitForCount(resumed, 'while-away', 4);
      expect(withMarker(resumed, 'while-away').map((e) => e.message)).toEqual(missed);
      expect(withMarker(resumed, 'before-drop')).toHaveLength(0);
      expect(resumed.events.some((e) => e.event === 'gap')).toBe(false);
      expect(resumed.events[0]).toMatchObject({ event: 'open', id: cursor });
    }
    closeAll();
  });

  it('says so when the cursor is older than what is kept, and resumes from the oldest kept', async () => {
    const keeper = await tail();
    const early = await tail();
    const start = (await early.waitFor((e) => e.event === 'open')).id as string;
    early.close();
    await eventually(() => expect(stack.kube.openStreams().logs).toBe(containers));
    write('dropped', 3);
    await waitForCount(keeper, 'dropped', 3);
    await sleep(400);
    // Over TAIL_BUFFER_ENTRIES (20): the batch above is dropped from the buffer.
    const kept = write('kept', 25);
    await waitForCount(keeper, 'kept', 25);

    const late = await tail('', TOKENS.viewer, start);
    const gap = await late.waitFor((e) => e.event === 'gap');
    expect(gap.data.detail).toMatch(/no longer kept/);
    await waitForCount(late, 'kept', 25);
    // Lines written together share a time; among equals the order is the listing's (by id).
    expect(
      withMarker(late, 'kept')
        .map((e) => e.message)
        .sort(),
    ).toEqual([...kept].sort());
    expect(withMarker(late, 'dropped')).toHaveLength(0);
    closeAll();
  });

  it('applies the filters and the token’s source scope', async () => {
    expect((await tail('source=pods', TOKENS.gcsOnly)).status).toBe(403);
    const errors = await tail('source=pods&minSeverity=ERROR&search=filtered');
    const scoped = await tail('', TOKENS.gcsOnly);
    const everything = await tail('search=filtered');
    await eventually(() => expect(stack.kube.openStreams().logs).toBe(containers));
    write('filtered', 2, 'INFO');
    write('filtered', 2, 'ERROR');
    write('unrelated', 2, 'ERROR');
    const now = Date.now();
    const hour = formatEpochMs(now).slice(0, 13).replace('T', '/').replaceAll('-', '/');
    await stack.storage
      .bucket(stack.bucketName)
      .file(`trades/${hour}/tail-filtered.jsonl`)
      .save(
        `${JSON.stringify({ timestamp: formatEpochMs(now), level: 'ERROR', message: 'settlement filtered' })}\n`,
        {
          resumable: false,
        },
      );
    await waitForCount(everything, 'filtered', 5);
    await eventually(() =>
      expect(scoped.entries().some((e) => e.message.includes('settlement filtered'))).toBe(true),
    );
    await waitForCount(errors, 'filtered', 2);
    expect(withMarker(errors, 'filtered').every((e) => e.severity === 'ERROR' && e.source === 'pods')).toBe(
      true,
    );
    expect(errors.entries().some((e) => e.message.includes('unrelated'))).toBe(false);
    expect(scoped.entries().every((e) => e.source === 'gcs')).toBe(true);
    closeAll();
  }, 30_000);

  it('refuses what it cannot serve by name', async () => {
    for (const [query, param] of [
      ['from=now-1h', 'from'],
      ['limit=5', 'limit'],
      ['cursor=yesterday', 'cursor'],
      ['selector=app%3Dtrader', 'selector'],
      ['source=ledger', 'source'],
    ]) {
      const response = await backend.get(`/logs/tail?${query}`, TOKENS.viewer);
      expect(response.status, query).toBe(400);
      expect(((await response.json()) as { param: string }).param, query).toBe(param);
    }
    const response = await backend.get('/logs/tail?cursor=1-0', TOKENS.viewer, {
      'Last-Event-ID': 'not-an-id',
    });
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(((await response.json()) as { param: string }).param).toBe('Last-Event-ID');
    expect((await backend.get('/logs/tail')).status).toBe(401);
  });

  it('answers 429 with Retry-After past the bound per token and per process', async () => {
    const mine = await Promise.all(Array.from({ length: 6 }, () => tail('', TOKENS.analyst)));
    expect(mine.map((c) => c.status)).toEqual([200, 200, 200, 200, 200, 200]);
    const refused = await backend.get('/logs/tail', TOKENS.analyst);
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(((await refused.json()) as { detail: string }).detail).toMatch(/this token/);
    // Other tokens still get in, up to the process's bound (9).
    const others = await Promise.all(Array.from({ length: 3 }, () => tail('', TOKENS.admin)));
    expect(others.map((c) => c.status)).toEqual([200, 200, 200]);
    const full = await backend.get('/logs/tail', TOKENS.viewer);
    expect(full.status).toBe(429);
    expect(((await full.json()) as { detail: string }).detail).toMatch(/this server/);
    expect(total(await scrape(backend), 'log_aggregator_tail_rejected_total')).toBeGreaterThanOrEqual(2);
    // A place freed is a place taken again.
    mine[0]?.close();
    await eventually(async () => expect((await tail('', TOKENS.viewer)).status).toBe(200));
    closeAll();
    await eventually(async () =>
      expect(total(await scrape(backend), 'log_aggregator_tail_subscribers')).toBe(0),
    );
  });

  it('sends heartbeat comments while nothing arrives', async () => {
    const idle = await tail('search=nothing-will-ever-match-this');
    await sleep(2_500);
    expect(idle.comments.filter((c) => c.includes('keep-alive')).length).toBeGreaterThanOrEqual(2);
    expect(idle.entries()).toHaveLength(0);
    closeAll();
  });
});

describe('a tail that ends itself', () => {
  let short: TestBackend;
  beforeAll(async () => {
    short = await startTestBackend({
      sourcesFromEnv: true,
      env: { ...stack.env, ...FOLLOW_FAST, TAIL_MAX_STREAM_SECONDS: '2', TAIL_HEARTBEAT_SECONDS: '1' },
    });
  });
  afterAll(async () => short?.close());

  it('ends before the proxy would, with an end event whose id resumes the next stream', async () => {
    const started = performance.now();
    const client = await openTail(short.url, { token: TOKENS.viewer });
    await client.closed;
    const tookMs = performance.now() - started;
    expect(tookMs).toBeGreaterThan(1_800);
    expect(tookMs).toBeLessThan(4_000);
    const end = client.events.at(-1);
    expect(end).toMatchObject({ event: 'end', data: { reason: 'max-duration' } });
    const next = await openTail(short.url, { token: TOKENS.viewer, lastEventId: end?.id });
    expect(next.events[0] ?? (await next.waitFor((e) => e.event === 'open'))).toMatchObject({ id: end?.id });
    next.close();
  });

  it('ends every stream with a resumable end event at shutdown instead of holding the drain', async () => {
    const leaving = await startTestBackend({ sourcesFromEnv: true, env: { ...stack.env, ...FOLLOW_FAST } });
    const clients = await Promise.all(
      Array.from({ length: 3 }, () => openTail(leaving.url, { token: TOKENS.viewer })),
    );
    for (const client of clients) await client.waitFor((e) => e.event === 'open');
    const started = performance.now();
    await leaving.close();
    expect(performance.now() - started).toBeLessThan(3_000);
    for (const client of clients) {
      await client.closed;
      expect(client.events.at(-1)).toMatchObject({ event: 'end', data: { reason: 'shutdown' } });
      expect(client.events.at(-1)?.id).toMatch(/^\d+-\d+$/);
    }
  });

  it('redacts what it sends when REDACT_RESPONSES is on, as /logs does', async () => {
    const redacting = await startTestBackend({ env: { REDACT_RESPONSES: 'true' } });
    try {
      const client = await openTail(redacting.url, { token: TOKENS.viewer });
      await client.waitFor((e) => e.event === 'open');
      const password = `pw-${fake(ALNUM, 16, 7)}`;
      // Published as a collector would: the in-memory demo sources have nothing to follow.
      redacting.server.app.tail.publish([
        {
          id: 'leak-1',
          timestamp: formatEpochMs(Date.now()),
          source: 'pods',
          severity: 'ERROR',
          message: `payment config invalid password=${password}`,
          labels: { pod: 'trader-0' },
          payload: { nested: { password } },
        },
      ]);
      const event = await client.waitFor((e) => e.event === 'entries');
      expect(JSON.stringify(event.data)).not.toContain(password);
      expect(JSON.stringify(event.data)).toContain('[REDACTED:password]');
      client.close();
    } finally {
      await redacting.close();
    }
  });

  it('lets go of a client that stops reading, instead of buffering for it without bound', async () => {
    const flooded = await startTestBackend();
    const { request } = await import('node:http');
    try {
      const response = await new Promise<import('node:http').IncomingMessage>((resolve, reject) =>
        request(
          `${flooded.url}/logs/tail`,
          { headers: { Authorization: `Bearer ${TOKENS.viewer}` } },
          resolve,
        )
          .on('error', reject)
          .end(),
      );
      expect(response.statusCode).toBe(200);
      // Never read: the socket's buffers fill, then the server's.
      response.pause();
      const subscribers = async (): Promise<number> =>
        total(await scrape(flooded), 'log_aggregator_tail_subscribers');
      expect(await subscribers()).toBe(1);
      const line = 'x'.repeat(1_000);
      for (let batch = 0; batch < 40; batch++) {
        flooded.server.app.tail.publish(
          Array.from({ length: 500 }, (_, i) => ({
            id: `flood-${batch}-${i}`,
            timestamp: formatEpochMs(Date.now()),
            source: 'pods' as const,
            severity: 'INFO' as const,
            message: line,
            labels: {},
          })),
        );
        await sleep(10);
      }
      await eventually(async () => expect(await subscribers()).toBe(0));
      response.destroy();
    } finally {
      await flooded.close();
    }
  });

  it('defaults to ending before Grafana’s 30 s data-proxy time-out', async () => {
    const { loadConfig } = await import('../../backend/src/config/index.js');
    const { TOKEN_CONFIG } = await import('../support/backend.js');
    expect(loadConfig({ AUTH_TOKENS: TOKEN_CONFIG }).tail.maxStreamMs).toBeLessThan(30_000);
  });
});
