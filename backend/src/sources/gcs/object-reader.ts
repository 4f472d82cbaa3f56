import type { Bucket } from '@google-cloud/storage';
import { createInterface } from 'node:readline';
import { Readable, Transform } from 'node:stream';
import { createGunzip } from 'node:zlib';
import type { LogEntry } from '../../model/index.js';
import {
  objectRecordEntry,
  objectTextLineEntry,
  type ObjectOrigin,
  type UntimedTally,
} from './object-entries.js';

/**
 * Downloads one object and turns it into entries, whatever its format: a JSON record, a
 * JSON array of records, JSON Lines, plain text lines — each optionally gzip-compressed.
 * The download is streamed and parsed line by line; only JSON documents (arrays and
 * pretty-printed objects) are held whole, and objects above the size bound are refused.
 */
export interface ParsedObject {
  entries: LogEntry[];
  bytes: number;
  /** Lines of a JSON Lines object that were not JSON, kept as text entries. */
  strayLines: number;
  /** Records without a time the mapping recognizes: they carry the object's time instead. */
  untimed: number;
}

export class ObjectFormatError extends Error {}

const GZIP_MAGIC = [0x1f, 0x8b];

/** Counts the bytes that really crossed the network, before any decompression. */
function byteCounter(onBytes: (n: number) => void): Transform {
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      onBytes(chunk.length);
      done(null, chunk);
    },
  });
}

/**
 * Gunzips when the bytes are gzip, whatever the name or metadata claim: GCS may serve a
 * gzip-encoded object already decompressed, and `.gz` names are only a convention.
 */
function decompressIfGzip(input: Readable): Readable {
  return Readable.from(
    (async function* () {
      const chunks = input[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
      const first = await chunks.next();
      if (first.done) return;
      const all = (async function* () {
        yield first.value;
        for (let next = await chunks.next(); !next.done; next = await chunks.next()) yield next.value;
      })();
      const gzip = first.value[0] === GZIP_MAGIC[0] && first.value[1] === GZIP_MAGIC[1];
      yield* gzip ? Readable.from(all).pipe(createGunzip()) : all;
    })(),
  );
}

type Mode = 'undecided' | 'jsonl' | 'document' | 'text';

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

export interface ReadOptions {
  maxBytes: number;
  signal: AbortSignal;
  /** A download that stalls this long fails: a server gone mid-body otherwise hangs the stream forever. */
  idleTimeoutMs: number;
}

export async function readObject(
  bucket: Bucket,
  origin: ObjectOrigin,
  options: ReadOptions,
): Promise<ParsedObject> {
  let bytes = 0;
  const download = bucket.file(origin.name).createReadStream({ validation: false });
  const onAbort = (): void => {
    download.destroy(new Error('aborted'));
  };
  options.signal.addEventListener('abort', onAbort, { once: true });
  let idle: NodeJS.Timeout | undefined;
  const armIdle = (): void => {
    clearTimeout(idle);
    idle = setTimeout(
      () => download.destroy(new Error(`download stalled for ${options.idleTimeoutMs} ms`)),
      options.idleTimeoutMs,
    );
  };
  armIdle();
  const counted = download.pipe(
    byteCounter((n) => {
      bytes += n;
      armIdle();
      if (bytes > options.maxBytes)
        download.destroy(new ObjectFormatError(`is larger than ${options.maxBytes} bytes`));
    }),
  );
  download.once('error', (error) => counted.destroy(error));
  try {
    const parsed = await parseLines(decompressIfGzip(counted), origin);
    return { ...parsed, bytes };
  } finally {
    clearTimeout(idle);
    options.signal.removeEventListener('abort', onAbort);
  }
}

async function parseLines(input: Readable, origin: ObjectOrigin): Promise<Omit<ParsedObject, 'bytes'>> {
  const entries: LogEntry[] = [];
  const documentLines: string[] = [];
  let mode: Mode = 'undecided';
  let strayLines = 0;
  let index = 0;
  const tally: UntimedTally = { untimed: 0 };
  const lines = createInterface({ input, crlfDelay: Infinity });
  for await (const raw of lines) {
    const line = raw.trim();
    if (line === '') continue;
    if (mode === 'undecided') mode = decideMode(line);
    if (mode === 'document') {
      documentLines.push(raw);
      continue;
    }
    if (mode === 'text') {
      entries.push(objectTextLineEntry(line, index++, origin, tally));
      continue;
    }
    const record = parseJson(line);
    if (record === undefined) strayLines += 1;
    entries.push(
      record === undefined
        ? objectTextLineEntry(line, index++, origin, tally)
        : objectRecordEntry(record, index++, origin, tally),
    );
  }
  if (mode === 'document') entries.push(...documentEntries(documentLines.join('\n'), origin, tally));
  return { entries, strayLines, untimed: tally.untimed };
}

/** `{…}` on one line is JSON Lines; `[` or an object spread over lines is one JSON document. */
function decideMode(firstLine: string): Mode {
  if (firstLine.startsWith('[')) return 'document';
  if (!firstLine.startsWith('{')) return 'text';
  return parseJson(firstLine) === undefined ? 'document' : 'jsonl';
}

function documentEntries(text: string, origin: ObjectOrigin, tally: UntimedTally): LogEntry[] {
  const value = parseJson(text);
  if (value === undefined) throw new ObjectFormatError('is not valid JSON');
  const records = Array.isArray(value) ? value : [value];
  return records.map((record, i) => objectRecordEntry(record, i, origin, tally));
}
