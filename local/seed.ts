import { Timestamp, type Firestore } from '@google-cloud/firestore';
import type { Bucket } from '@google-cloud/storage';
import pLimit from 'p-limit';
import { gzipSync } from 'node:zlib';
import type { DemoDataset, DemoObject } from './demo-data/dataset.js';
import type { KubernetesDouble } from '../tests/support/emulators/kubernetes.js';

/**
 * Writes a generated data set where GPT Runner+ writes it: objects into the GCS emulator,
 * documents into the Firestore emulator, pods and their logs into the Kubernetes API double.
 * The demo, the source suites and the benchmark all seed through here.
 */
export const DEMO_FIRESTORE_TIME_FIELDS = {
  gpt_runner_trades: 'timestamp',
  gpt_runner_reflections: 'created_at',
};
export const DEMO_FIRESTORE_SEVERITY_FIELDS = { gpt_runner_trades: 'level', gpt_runner_reflections: 'level' };

/**
 * How the seeded data is laid out, as the backend's environment says it. The GKE ConfigMap and
 * docker-compose.yml must describe production's data the same way (tests/deploy/parity.test.ts).
 */
export const DEMO_DATA_LAYOUT_ENV: Record<string, string> = {
  FIRESTORE_TIME_FIELDS: JSON.stringify(DEMO_FIRESTORE_TIME_FIELDS),
  FIRESTORE_SEVERITY_FIELDS: JSON.stringify(DEMO_FIRESTORE_SEVERITY_FIELDS),
};

interface Upload {
  body: Buffer;
  contentType: string;
  contentEncoding?: string;
}

/**
 * Every format the readers must handle: one JSON record, a pretty-printed JSON array, JSON
 * Lines, gzip JSON Lines (half of them also marked `Content-Encoding: gzip`), plain text.
 */
export function encodeObject(object: DemoObject, index: number): Upload {
  switch (object.format) {
    case 'json':
      return { body: Buffer.from(JSON.stringify(object.records[0] ?? {})), contentType: 'application/json' };
    case 'json-array':
      return { body: Buffer.from(JSON.stringify(object.records, null, 2)), contentType: 'application/json' };
    case 'jsonl':
      return { body: jsonLines(object), contentType: 'application/x-ndjson' };
    case 'jsonl-gzip':
      return {
        body: gzipSync(jsonLines(object)),
        contentType: 'application/x-ndjson',
        ...(index % 2 === 0 ? { contentEncoding: 'gzip' } : {}),
      };
    case 'text':
      return { body: Buffer.from(`${object.lines.join('\n')}\n`), contentType: 'text/plain' };
  }
}

const jsonLines = (object: DemoObject): Buffer =>
  Buffer.from(object.records.map((record) => JSON.stringify(record)).join('\n') + '\n');

export async function seedGcs(bucket: Bucket, dataset: DemoDataset, concurrency = 16): Promise<void> {
  const limit = pLimit(concurrency);
  await Promise.all(
    dataset.objects.map((object, index) =>
      limit(async () => {
        const upload = encodeObject(object, index);
        await bucket.file(object.name).save(upload.body, {
          resumable: false,
          contentType: upload.contentType,
          ...(upload.contentEncoding ? { metadata: { contentEncoding: upload.contentEncoding } } : {}),
        });
      }),
    ),
  );
}

/** Time fields become Firestore Timestamps, as the Python writers store them. */
function toStored(data: Record<string, unknown>, timeField: string): Record<string, unknown> {
  const time = data[timeField];
  if (typeof time !== 'string') return data;
  const ms = Date.parse(time);
  return { ...data, [timeField]: Timestamp.fromMillis(ms) };
}

export async function seedFirestore(db: Firestore, dataset: DemoDataset): Promise<void> {
  const BATCH = 400;
  const timeFields: Record<string, string> = DEMO_FIRESTORE_TIME_FIELDS;
  for (let start = 0; start < dataset.documents.length; start += BATCH) {
    const batch = db.batch();
    for (const doc of dataset.documents.slice(start, start + BATCH)) {
      const stored = toStored(doc.data, timeFields[doc.collection] ?? 'timestamp');
      batch.set(db.collection(doc.collection).doc(doc.id), stored);
    }
    await batch.commit();
  }
}

type DemoPod = DemoDataset['pods'][number];
type DemoContainer = DemoPod['containers'][number];

const earliest = (times: string[]): string | undefined =>
  times.length === 0 ? undefined : times.reduce((a, b) => (a < b ? a : b));

/** The earliest line of any instance of the pod's containers. */
const firstLineTime = (pod: DemoPod): string | undefined =>
  earliest(pod.containers.flatMap((c) => [...c.lines, ...(c.previous ?? [])].map((line) => line.time)));

/** A restarted container's current instance started with its own first line, after the previous one ended. */
const restartedAt = (container: DemoContainer): string | undefined =>
  container.previous ? earliest(container.lines.map((line) => line.time)) : undefined;

export function seedPods(kube: KubernetesDouble, dataset: DemoDataset): void {
  for (const pod of dataset.pods) {
    kube.addPod({
      namespace: pod.namespace,
      name: pod.name,
      // Started when its history begins, as a real pod's would be: the pod source rightly
      // skips containers that started after a window, so a later start would hide the history.
      createdAt: firstLineTime(pod),
      labels: pod.labels,
      nodeName: pod.nodeName,
      containers: pod.containers.map((c) => ({
        name: c.name,
        lines: c.lines,
        restartCount: c.restartCount,
        startedAt: restartedAt(c),
        ...(c.previous ? { previousLines: c.previous } : {}),
      })),
    });
  }
}
