/**
 * A Firestore query ordered by a field leaves out every document without it: the source must
 * notice documents lacking the configured time field and say so, in `/readyz` and on listings.
 */
import { Firestore, Timestamp } from '@google-cloud/firestore';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { firestoreSource } from '../../backend/src/app/create-sources.js';
import { loadConfig } from '../../backend/src/config/index.js';
import type { FirestoreSource } from '../../backend/src/sources/firestore/firestore-source.js';
import { TOKENS, TOKEN_CONFIG, startTestBackend, type TestBackend } from '../support/backend.js';
import { startFirestoreEmulator, type FirestoreEmulator } from '../support/emulators/firestore.js';
import type { Page } from '../support/source-suite.js';

// No metadata server next to the emulator: the Google client must not look for one.
process.env.METADATA_SERVER_DETECTION ??= 'none';

const HOUR = 3_600_000;
let emulator: FirestoreEmulator;
let db: Firestore;
const nowMs = Date.now();

beforeAll(async () => {
  emulator = await startFirestoreEmulator();
  db = new Firestore(emulator.clientSettings());
  // Reflections written with `created_at`, trades with `timestamp`, as GPT Runner+ writes them.
  for (let i = 0; i < 3; i++) {
    await db
      .collection('reflections')
      .doc(`r${i}`)
      .set({
        created_at: Timestamp.fromMillis(nowMs - (i + 1) * HOUR),
        level: 'INFO',
        message: `reflection ${i}`,
      });
    await db
      .collection('trades')
      .doc(`t${i}`)
      .set({ timestamp: Timestamp.fromMillis(nowMs - (i + 1) * HOUR), level: 'INFO', message: `trade ${i}` });
  }
}, 120_000);

afterAll(async () => {
  await db?.terminate();
  await emulator?.stop();
});

let backend: TestBackend | undefined;
afterEach(async () => {
  await backend?.close();
  backend = undefined;
});

function sourceFor(env: Record<string, string>): FirestoreSource {
  const config = loadConfig({
    AUTH_TOKENS: TOKEN_CONFIG,
    GOOGLE_CLOUD_PROJECT: emulator.projectId,
    FIRESTORE_EMULATOR_HOST: emulator.host,
    FIRESTORE_COLLECTIONS: 'trades,reflections',
    FIRESTORE_TIME_FIELD: 'timestamp',
    ...env,
  });
  return firestoreSource(config);
}

async function listing(b: TestBackend): Promise<Page> {
  const from = new Date(nowMs - 24 * HOUR).toISOString();
  const to = new Date(nowMs + 60_000).toISOString();
  const { status, body } = await b.json<Page>(`/logs?from=${from}&to=${to}&limit=100`, TOKENS.viewer);
  expect(status).toBe(200);
  return body;
}

describe('documents without the configured time field', () => {
  it('are counted and named, in /readyz and on listings of their collection', async () => {
    const source = sourceFor({});
    expect(await source.timeGaps()).toEqual([
      { collection: 'reflections', timeField: 'timestamp', missing: 3, total: 3, candidates: ['created_at'] },
    ]);

    backend = await startTestBackend({ sources: [source] });
    const ready = await backend.json<{ sources: Record<string, { up: boolean; detail: string }> }>('/readyz');
    expect(ready.status).toBe(200);
    const detail = ready.body.sources.firestore?.detail ?? '';
    expect(detail).toContain('collection reflections: 3 of 3 documents lack the time field timestamp');
    expect(detail).toContain('they have created_at');
    expect(detail).not.toContain('collection trades:');

    const page = await listing(backend);
    expect(page.entries.map((e) => e.labels.collection)).toEqual(['trades', 'trades', 'trades']);
    const messages = page.warnings.filter((w) => w.source === 'firestore').map((w) => w.message);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toContain('collection reflections: 3 of 3 documents lack the time field timestamp');
    expect(messages[0]).toContain('created_at');
  });

  it('raise no warning when each collection names its own time field', async () => {
    const source = sourceFor({ FIRESTORE_TIME_FIELDS: '{"reflections":"created_at"}' });
    expect(await source.timeGaps()).toEqual([]);

    backend = await startTestBackend({ sources: [source] });
    const ready = await backend.json<{ sources: Record<string, { up: boolean; detail: string }> }>('/readyz');
    expect(ready.body.sources.firestore?.detail).toBe('collection trades readable');
    const page = await listing(backend);
    expect(page.warnings).toEqual([]);
    expect(page.entries).toHaveLength(6);
  });

  it('counts documents holding the time field as another type as left out too', async () => {
    const source = sourceFor({ FIRESTORE_TIME_TYPE: 'string', FIRESTORE_COLLECTIONS: 'trades' });
    const [gap] = await source.timeGaps();
    expect(gap).toMatchObject({ collection: 'trades', missing: 3, total: 3 });
    await source.close();
  });
});
