/**
 * The Cloud Storage emulator (firebase-tools, in a child process), driven through the
 * real @google-cloud/storage client.
 */
import { gzipSync } from 'node:zlib';
import { createInterface } from 'node:readline';
import { Storage } from '@google-cloud/storage';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startGcsEmulator, type GcsEmulator } from '../support/emulators/gcs.js';

const BUCKET = 'gpt-runner-logs';

/**
 * Fail fast instead of retrying. Note `retryOptions.maxRetries: 0` is ignored by
 * @google-cloud/storage 7 (0 is falsy and replaced by the default 3), so `autoRetry`
 * is the switch that works.
 */
function clientFor(emulator: GcsEmulator, retry = false): Storage {
  return new Storage({
    apiEndpoint: emulator.apiEndpoint,
    projectId: emulator.projectId,
    retryOptions: { autoRetry: retry },
  });
}

function jsonl(count: number, from = 0): string {
  const lines = Array.from({ length: count }, (_, i) =>
    JSON.stringify({ seq: from + i, severity: i % 3 === 0 ? 'ERROR' : 'INFO', msg: `line ${from + i}` }),
  );
  return `${lines.join('\n')}\n`;
}

// Two instances: one for the ordinary tests, one that a test stops mid-way. Each is a
// process needing 1-3 s to start; stop() is idempotent.
let emulator: GcsEmulator;
let outage: GcsEmulator;

beforeAll(async () => {
  [emulator, outage] = await Promise.all([
    startGcsEmulator({ projectId: 'logs-gcs' }),
    startGcsEmulator({ projectId: 'logs-outage' }),
  ]);
  console.info(`Cloud Storage emulators ready in ${emulator.startupMs} and ${outage.startupMs} ms`);
});

afterAll(async () => {
  await Promise.all([emulator?.stop(), outage?.stop()]);
});

describe('Cloud Storage emulator', () => {
  let storage: Storage;

  beforeAll(() => {
    storage = clientFor(emulator);
  });

  beforeEach(async () => {
    await emulator.reset();
  });

  it('listens on loopback and needs no bucket creation', async () => {
    expect(emulator.apiEndpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    await storage.bucket(BUCKET).file('a.txt').save('hello\n');
    const [exists] = await storage.bucket(BUCKET).file('a.txt').exists();
    expect(exists).toBe(true);
  });

  it('stores plain, gzip-encoded and JSONL objects and returns their bytes', async () => {
    const bucket = storage.bucket(BUCKET);
    await bucket.file('plain/app.log').save('one\ntwo\n', { contentType: 'text/plain' });
    await bucket.file('gzip/app.log.gz').save(gzipSync('zipped line\n'), {
      metadata: { contentType: 'text/plain', contentEncoding: 'gzip' },
    });
    await bucket.file('jsonl/app.jsonl').save(jsonl(3), { contentType: 'application/x-ndjson' });

    const [plain] = await bucket.file('plain/app.log').download();
    expect(plain.toString()).toBe('one\ntwo\n');
    // The client decompresses gzip-encoded objects on download by default.
    const [unzipped] = await bucket.file('gzip/app.log.gz').download();
    expect(unzipped.toString()).toBe('zipped line\n');
    const [raw] = await bucket.file('gzip/app.log.gz').download({ decompress: false });
    expect(raw.subarray(0, 2)).toEqual(Buffer.from([0x1f, 0x8b]));
    const [lines] = await bucket.file('jsonl/app.jsonl').download();
    expect(
      lines
        .toString()
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).seq),
    ).toEqual([0, 1, 2]);
  });

  it('reports metadata as GCS does (size as a string, times, generation)', async () => {
    const file = storage.bucket(BUCKET).file('meta/app.jsonl');
    await file.save(jsonl(2), { contentType: 'application/x-ndjson' });
    const [metadata] = await file.getMetadata();
    expect(metadata.size).toBe(String(Buffer.byteLength(jsonl(2))));
    expect(metadata.contentType).toBe('application/x-ndjson');
    expect(Date.parse(String(metadata.timeCreated))).toBeGreaterThan(Date.now() - 60_000);
    expect(metadata.updated).toBeTruthy();
    expect(String(metadata.generation)).toMatch(/^\d+$/);
  });

  it('lists by prefix and pages with page tokens', async () => {
    const bucket = storage.bucket(BUCKET);
    const names = ['logs/2026-11-29/a.jsonl', 'logs/2026-11-29/b.jsonl', 'logs/2026-11-29/c.jsonl'];
    await Promise.all([...names, 'other/x.jsonl'].map((name) => bucket.file(name).save(jsonl(1))));

    const [all] = await bucket.getFiles({ prefix: 'logs/' });
    expect(all.map((f) => f.name)).toEqual(names);

    const [first, next] = await bucket.getFiles({ prefix: 'logs/', maxResults: 2, autoPaginate: false });
    expect(first.map((f) => f.name)).toEqual(names.slice(0, 2));
    expect(next).toMatchObject({ pageToken: expect.any(String) });
    const [second, after] = await bucket.getFiles({ ...next, autoPaginate: false });
    expect(second.map((f) => f.name)).toEqual(names.slice(2));
    expect(after).toBeNull();
  });

  it('streams an object line by line with createReadStream', async () => {
    const file = storage.bucket(BUCKET).file('stream/app.jsonl');
    await file.save(jsonl(500));
    const seqs: number[] = [];
    for await (const line of createInterface({ input: file.createReadStream() })) {
      seqs.push((JSON.parse(line) as { seq: number }).seq);
    }
    expect(seqs).toHaveLength(500);
    expect(seqs.at(-1)).toBe(499);
  });

  it('gives every instance its own objects', async () => {
    await storage.bucket(BUCKET).file('mine.txt').save('x');
    const [files] = await clientFor(outage).bucket(BUCKET).getFiles();
    expect(files).toEqual([]);
    expect(outage.pid).not.toBe(emulator.pid);
  });
});

describe('Cloud Storage emulator stopped mid-test', () => {
  const big = 16 * 1024 * 1024;

  // @google-cloud/storage 7 does not notice a body cut short by a clean connection close:
  // the read stream emits neither 'error' nor 'end' and stalls for good, so readers need
  // their own idle timeout. The test pins that; if it fails, the client learned to report
  // the cut. Requests made after the stop fail at once when retries are off.
  it('keeps what was read, stalls the cut download and fails new calls fast', async () => {
    const bucket = clientFor(outage).bucket(BUCKET);
    await Promise.all(['p/1.jsonl', 'p/2.jsonl'].map((name, i) => bucket.file(name).save(jsonl(2, i * 2))));
    await bucket.file('big.log').save(Buffer.alloc(big, 'x'), { resumable: false });

    const [firstPage, next] = await bucket.getFiles({ prefix: 'p/', maxResults: 1, autoPaginate: false });
    const [firstBytes] = await bucket.file(firstPage[0]?.name ?? '').download();
    expect(firstBytes.toString()).toBe(jsonl(2, 0));

    const download = await cutShort(bucket.file('big.log').createReadStream(), outage);
    expect(outage.isRunning()).toBe(false);
    expect(download.outcome).toBe('stalled');
    expect(download.received).toBeGreaterThan(0);
    expect(download.received).toBeLessThan(big);

    const started = performance.now();
    const failure = await bucket.getFiles({ ...next, autoPaginate: false }).catch((e: unknown) => e);
    const elapsedMs = performance.now() - started;
    // ECONNRESET when the client picks a pooled keep-alive socket the dead server left
    // behind, ECONNREFUSED on a fresh connection.
    expect(['ECONNREFUSED', 'ECONNRESET']).toContain((failure as { code?: unknown }).code);
    // Measured: a few milliseconds. With the default retry policy the same call takes
    // about 16 s (three retries with exponential backoff) before it fails.
    expect(elapsedMs).toBeLessThan(1_000);
  });
});

/** Stops the emulator after the first chunk, then watches the stream for 1.5 s. */
async function cutShort(
  stream: NodeJS.ReadableStream & { destroy(): void },
  server: GcsEmulator,
): Promise<{ outcome: string; received: number }> {
  let received = 0;
  const settled = new Promise<string>((resolve) => {
    stream.once('error', (e: Error) => resolve(`error: ${e.message}`));
    stream.once('end', () => resolve('end'));
  });
  stream.on('data', (chunk: Buffer) => {
    received += chunk.length;
    if (server.isRunning()) {
      stream.pause();
      void server.stop().then(() => stream.resume());
    }
  });
  const outcome = await Promise.race([settled, sleepValue(1_500, 'stalled')]);
  stream.destroy();
  return { outcome, received };
}

function sleepValue<T>(ms: number, value: T): Promise<T> {
  return new Promise((resolve) => setTimeout(() => resolve(value), ms));
}
