/**
 * The Firestore emulators, driven through the real @google-cloud/firestore client:
 * Google's emulator when its JAR and Java are present, and the npm fallback always.
 */
import { AggregateField, Firestore, Timestamp } from '@google-cloud/firestore';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  findGoogleRuntime,
  startFirestoreEmulator,
  unsupportedReason,
  type FirestoreEmulator,
  type FirestoreEmulatorKind,
} from '../support/emulators/firestore.js';
import { skipBecause } from '../support/emulators/skip.js';

// Without this the auth library probes a metadata server, which does not exist here.
process.env.METADATA_SERVER_DETECTION = 'none';

const googleRuntime = findGoogleRuntime();
const googleMissing = typeof googleRuntime === 'string' ? googleRuntime : undefined;

const BASE = Date.parse('2026-11-29T07:00:00Z');

interface LogDoc {
  severity: 'INFO' | 'WARN' | 'ERROR';
  message: string;
  time: Timestamp;
  seq: number;
}

function entry(seq: number, severity: LogDoc['severity']): LogDoc {
  return {
    severity,
    message: `message ${seq}`,
    time: Timestamp.fromMillis(BASE + seq * 1_000),
    seq,
  };
}

async function seed(db: Firestore, collection: string, docs: LogDoc[]): Promise<void> {
  const batch = db.batch();
  for (const doc of docs) batch.set(db.collection(collection).doc(`e${doc.seq}`), doc);
  await batch.commit();
}

const severities: LogDoc['severity'][] = ['INFO', 'WARN', 'ERROR', 'INFO', 'ERROR', 'INFO'];
const sample = severities.map((severity, seq) => entry(seq, severity));

describe.each<[FirestoreEmulatorKind, string | undefined]>([
  ['google', googleMissing],
  ['fallback', undefined],
])('Firestore emulator (%s)', (kind, missing) => {
  let emulator: FirestoreEmulator;
  let db: Firestore;

  beforeAll(async () => {
    if (missing !== undefined) return;
    emulator = await startFirestoreEmulator({ kind, projectId: `logs-${kind}` });
    console.info(`Firestore emulator (${kind}) ready in ${emulator.startupMs} ms`);
    db = new Firestore(emulator.clientSettings());
  });

  afterAll(async () => {
    await db?.terminate();
    await emulator?.stop();
  });

  beforeEach(async () => {
    if (missing !== undefined) return;
    await emulator.reset();
    await seed(db, 'logs', sample);
  });

  const onlyIf = (feature?: 'startAfter' | 'collectionGroup'): boolean =>
    skipBecause(
      missing ?? (feature === undefined ? undefined : unsupportedReason(kind, feature)),
      `Firestore ${kind}${feature ? ` ${feature}` : ''}`,
    );

  it.skipIf(onlyIf())('reports where it listens', () => {
    expect(emulator.kind).toBe(kind);
    expect(emulator.host).toMatch(/^127\.0\.0\.1:\d+$/);
  });

  it.skipIf(onlyIf())('orders and limits', async () => {
    const snapshot = await db.collection('logs').orderBy('time', 'desc').limit(2).get();
    expect(snapshot.docs.map((d) => d.get('seq'))).toEqual([5, 4]);
  });

  it.skipIf(onlyIf())('filters on severity and a time range', async () => {
    const snapshot = await db
      .collection('logs')
      .where('severity', '==', 'ERROR')
      .where('time', '>=', Timestamp.fromMillis(BASE + 3_000))
      .orderBy('time')
      .get();
    expect(snapshot.docs.map((d) => d.get('seq'))).toEqual([4]);
  });

  it.skipIf(onlyIf('startAfter'))('pages with startAfter cursors', async () => {
    const first = await db.collection('logs').orderBy('seq').limit(2).get();
    const last = first.docs[first.docs.length - 1];
    const second = await db.collection('logs').orderBy('seq').startAfter(last).limit(2).get();
    expect(second.docs.map((d) => d.get('seq'))).toEqual([2, 3]);
  });

  it.skipIf(onlyIf('collectionGroup'))('queries collection groups', async () => {
    await db.doc('pods/web-1/lines/a').set(entry(10, 'ERROR'));
    await db.doc('pods/web-2/lines/b').set(entry(11, 'INFO'));
    const snapshot = await db.collectionGroup('lines').orderBy('seq').get();
    expect(snapshot.docs.map((d) => d.ref.path)).toEqual(['pods/web-1/lines/a', 'pods/web-2/lines/b']);
  });

  it.skipIf(onlyIf())('counts, sums and averages', async () => {
    const count = await db.collection('logs').where('severity', '==', 'INFO').count().get();
    expect(count.data().count).toBe(3);
    const stats = await db
      .collection('logs')
      .aggregate({ total: AggregateField.sum('seq'), mean: AggregateField.average('seq') })
      .get();
    expect(stats.data()).toEqual({ total: 15, mean: 2.5 });
  });

  it.skipIf(onlyIf())('reset deletes every document', async () => {
    await db.doc('other/x').set({ a: 1 });
    await emulator.reset();
    expect((await db.collection('logs').get()).size).toBe(0);
    expect((await db.collection('other').get()).size).toBe(0);
  });
});

describe('Firestore fallback gaps', () => {
  // Pins the documented gaps: if the package closes them, this fails and the skips
  // above can go.
  it('still ignores startAfter and finds nothing in collection groups', async () => {
    const emulator = await startFirestoreEmulator({ kind: 'fallback' });
    const db = new Firestore(emulator.clientSettings());
    try {
      await seed(db, 'logs', sample);
      const page = await db.collection('logs').orderBy('seq').startAfter(2).get();
      expect(page.docs.map((d) => d.get('seq'))).toEqual([0, 1, 2, 3, 4, 5]);
      await db.doc('pods/web-1/lines/a').set(entry(10, 'ERROR'));
      expect((await db.collectionGroup('lines').get()).size).toBe(0);
      expect(emulator.limitations).toContain('startAfter');
      expect(emulator.fallbackReason).toBe('requested explicitly');
    } finally {
      await db.terminate();
      await emulator.stop();
    }
  });
});
