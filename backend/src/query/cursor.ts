import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { isSourceName, type EntryKey, type LogQuery } from '../model/index.js';
import type { SourceShares } from './engine.js';

/**
 * Cursors are opaque to clients: the position after which the next page starts, bound to
 * the query that produced it and signed, so a tampered or foreign cursor is refused rather
 * than serving a wrong page.
 *
 * One position serves every source: the listing order is total, so after a page ends at key
 * K, each source's unread entries are exactly its entries beyond K. Sources resume from K
 * with their own pushdown (Firestore `startAfter`, pod `sinceTime`, GCS object times).
 */
interface CursorBody {
  v: 1;
  /** Fingerprint of the query the cursor belongs to. */
  q: string;
  /** The last key served: [timestamp, id, source]. */
  k: [string, string, string];
  /** The first page's time window, pinned so `from=now-1h` means the same hour on every page. */
  r: [string, string];
  /**
   * Entries each of the query's sources gave the page, in the query's source order: the next
   * page asks each source for its share, so it reads about what it returns.
   */
  s?: number[];
}

/** What a cursor restores: where to resume, within which window. */
export interface CursorPosition {
  after: EntryKey;
  from: string;
  to: string;
  /** The previous page's entries by source. */
  shares?: SourceShares;
}

export class CursorError extends Error {}

const SIGNATURE_BYTES = 16;

/** What a cursor is bound to: the query except position, page size and window (which it carries). */
export function queryFingerprint(query: LogQuery): string {
  const { after: _after, limit: _limit, from: _from, to: _to, ...shape } = query;
  return createHash('sha256').update(JSON.stringify(shape)).digest('base64url').slice(0, 22);
}

export class CursorCodec {
  constructor(private readonly secret: string) {}

  encode(query: LogQuery, key: EntryKey, shares?: SourceShares): string {
    const body: CursorBody = {
      v: 1,
      q: queryFingerprint(query),
      k: [key.timestamp, key.id, key.source],
      r: [query.from, query.to],
      ...(shares ? { s: query.sources.map((source) => shares[source] ?? 0) } : {}),
    };
    const payload = Buffer.from(JSON.stringify(body)).toString('base64url');
    return `${payload}.${this.sign(payload).toString('base64url')}`;
  }

  /** The position a cursor carries; throws `CursorError` unless it is genuine and this query's. */
  decode(query: LogQuery, cursor: string): CursorPosition {
    const [payload, signature, extra] = cursor.split('.');
    if (!payload || !signature || extra !== undefined) throw new CursorError('is malformed');
    // Compared as text: base64url's spare bits would let two spellings decode to one signature.
    const expected = Buffer.from(this.sign(payload).toString('base64url'));
    const given = Buffer.from(signature);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      throw new CursorError('has an invalid signature');
    }
    const body = parseBody(payload);
    if (body.q !== queryFingerprint(query)) throw new CursorError('belongs to a different query');
    const [timestamp, id, source] = body.k;
    const [from, to] = body.r;
    const after = { timestamp, id, source: source as EntryKey['source'] };
    if (!body.s) return { after, from, to };
    const counts = body.s;
    const shares = Object.fromEntries(query.sources.map((name, i) => [name, counts[i] ?? 0]));
    return { after, from, to, shares };
  }

  private sign(payload: string): Buffer {
    return createHmac('sha256', this.secret).update(payload).digest().subarray(0, SIGNATURE_BYTES);
  }
}

function parseBody(payload: string): CursorBody {
  let body: unknown;
  try {
    body = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    throw new CursorError('is malformed');
  }
  if (!isCursorBody(body)) throw new CursorError('is malformed');
  return body;
}

function isCursorBody(value: unknown): value is CursorBody {
  if (!value || typeof value !== 'object') return false;
  const { v, q, k, r, s } = value as Partial<CursorBody>;
  return (
    v === 1 &&
    typeof q === 'string' &&
    Array.isArray(k) &&
    k.length === 3 &&
    k.every((part) => typeof part === 'string') &&
    isSourceName(k[2]) &&
    Array.isArray(r) &&
    r.length === 2 &&
    r.every((part) => typeof part === 'string') &&
    (s === undefined || (Array.isArray(s) && s.length <= 3 && s.every(isCount)))
  );
}

function isCount(value: unknown): boolean {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}
