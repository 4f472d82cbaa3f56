/**
 * Two backends sharing one real redis-server serve the live tail as replicas do: whichever
 * replica a viewer reaches, it sees what is written; only one of them follows the sources
 * (one log stream per container in all); a cursor issued by one resumes on the other without
 * gap or duplicate; and when the follower goes away, the other takes over.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describe } from 'vitest';
import { startLocalStack, type LocalStack } from '../../local/stack.js';
import { TOKENS, startTestBackend, type TestBackend } from '../support/backend.js';
import { skipBecause } from '../support/emulators/skip.js';
import { eventually, scrape, total } from '../support/metrics.js';
import { redisServerMissing, startRedis, type TestRedis } from '../support/redis.js';
import { openTail, type TailClient } from '../support/tail-client.js';
import { FOLLOW_FAST, seedBeforeNow, withMarker, type SeededStack } from '../support/tail-stack.js';

const skip = skipBecause(
  redisServerMissing(),
  'two backends sharing the live tail through a real redis-server',
);

describe.skipIf(skip)('live tail across replicas sharing Redis', () => {
  let stack: LocalStack;
  let redis: TestRedis;
  let a: TestBackend;
  let b: TestBackend;
  let containers: number;
  let write: SeededStack['write'];
  let env: Record<string, string>;
  const clients: TailClient[] = [];

  const tail = async (backend: TestBackend, lastEventId?: string): Promise<TailClient> => {
    const client = await openTail(backend.url, { token: TOKENS.viewer, query: 'source=pods', lastEventId });
    clients.push(client);
    expect(client.status).toBe(200);
    return client;
  };

  const following = async (backend: TestBackend): Promise<number> =>
    total(await scrape(backend), 'log_aggregator_tail_upstream_streams', { source: 'pods' });

  beforeAll(async () => {
    [stack, redis] = await Promise.all([startLocalStack(), startRedis()]);
    ({ containers, write } = await seedBeforeNow(stack));
    env = {
      ...stack.env,
      ...FOLLOW_FAST,
      CACHE_BACKEND: 'redis',
      REDIS_URL: redis.url,
      REDIS_KEY_PREFIX: 'tail-replicas:',
      TAIL_MAX_STREAM_SECONDS: '60',
    };
    [a, b] = await Promise.all([
      startTestBackend({ sourcesFromEnv: true, env }),
      startTestBackend({ sourcesFromEnv: true, env }),
    ]);
  });

  afterAll(async () => {
    for (const client of clients) client.close();
    await Promise.allSettled([a?.close(), b?.close()]);
    await Promise.allSettled([redis?.close(), stack?.stop()]);
  });

  it('serves a line to viewers of both replicas while only one follows upstream', async () => {
    const onA = await tail(a);
    const onB = await tail(b);
    await eventually(() => expect(stack.kube.openStreams().logs).toBe(containers), 15_000);
    const texts = write('shared', 3);
    for (const viewer of [onA, onB]) {
      await eventually(() => expect(withMarker(viewer, 'shared')).toHaveLength(3));
      expect(withMarker(viewer, 'shared').map((e) => e.message)).toEqual(texts);
    }
    // One stream per container in all, not one per replica.
    expect(stack.kube.openStreams().logs).toBe(containers);
    expect((await following(a)) + (await following(b))).toBe(containers);
    // The same event ids on both: they are the Redis stream's.
    expect(onA.lastId()).toBe(onB.lastId());
  }, 30_000);

  it('resumes a cursor of one replica on the other with no gap and no duplicate', async () => {
    const keeper = await tail(a);
    const first = await tail(a);
    write('before-switch', 2);
    await eventually(() => expect(withMarker(first, 'before-switch')).toHaveLength(2));
    const cursor = first.lastId() as string;
    first.close();
    const missed = write('during-switch', 3);
    await eventually(() => expect(withMarker(keeper, 'during-switch')).toHaveLength(3));
    const resumed = await tail(b, cursor);
    await eventually(() => expect(withMarker(resumed, 'during-switch')).toHaveLength(3));
    expect(withMarker(resumed, 'during-switch').map((e) => e.message)).toEqual(missed);
    expect(withMarker(resumed, 'before-switch')).toHaveLength(0);
    expect(resumed.events.some((e) => e.event === 'gap')).toBe(false);
  });

  it('resumes on a replica that started after the cursor was issued, from what the stream holds', async () => {
    const viewer = await tail(a);
    write('old-lines', 2);
    await eventually(() => expect(withMarker(viewer, 'old-lines')).toHaveLength(2));
    const cursor = viewer.lastId() as string;
    const missed = write('late-lines', 3);
    await eventually(() => expect(withMarker(viewer, 'late-lines')).toHaveLength(3));
    const late = await startTestBackend({ sourcesFromEnv: true, env });
    try {
      const resumed = await openTail(late.url, {
        token: TOKENS.viewer,
        query: 'source=pods',
        lastEventId: cursor,
      });
      await eventually(() => expect(withMarker(resumed, 'late-lines')).toHaveLength(3));
      expect(withMarker(resumed, 'late-lines').map((e) => e.message)).toEqual(missed);
      expect(withMarker(resumed, 'old-lines')).toHaveLength(0);
      expect(resumed.events.some((e) => e.event === 'gap')).toBe(false);
      resumed.close();
    } finally {
      await late.close();
    }
  });

  it('hands following over to the other replica when the follower shuts down', async () => {
    const followers = async () => [await following(a), await following(b)];
    const [onA] = await eventually(async () => {
      const counts = await followers();
      expect([...counts].sort()).toEqual([0, containers]);
      return counts;
    });
    const leader = onA === containers ? a : b;
    const other = leader === a ? b : a;
    const viewer = await tail(other);
    await leader.close();
    await eventually(async () => expect(await following(other)).toBe(containers), 20_000);
    await eventually(() => expect(stack.kube.openStreams().logs).toBe(containers), 20_000);
    const texts = write('after-handover', 2);
    await eventually(() => expect(withMarker(viewer, 'after-handover').map((e) => e.message)).toEqual(texts));
  }, 40_000);
});
