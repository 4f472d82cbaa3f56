import { describe, expect, it } from 'vitest';
import type { LogQuery } from '../model/index.js';
import { CursorCodec, CursorError } from './cursor.js';

const query: LogQuery = {
  sources: ['gcs', 'pods'],
  from: '2026-11-29T06:00:00.000000000Z',
  to: '2026-11-29T08:00:00.000000000Z',
  severities: ['ERROR'],
  labels: [],
  limit: 50,
  direction: 'backward',
  selectors: {},
};
const key = { timestamp: '2026-11-29T07:00:00.000000000Z', id: 'trades/a.jsonl#3', source: 'gcs' as const };
const codec = new CursorCodec('s'.repeat(32));

function flipCharacter(text: string, index: number): string {
  const c = text[index] === 'A' ? 'B' : 'A';
  return text.slice(0, index) + c + text.slice(index + 1);
}

describe('CursorCodec', () => {
  it('round-trips a position for the same query, whatever the page size', () => {
    const cursor = codec.encode(query, key);
    const position = { after: key, from: query.from, to: query.to };
    expect(codec.decode(query, cursor)).toEqual(position);
    expect(codec.decode({ ...query, limit: 500 }, cursor)).toEqual(position);
  });

  it("pins the first page's window, so relative ranges page consistently", () => {
    const cursor = codec.encode(query, key);
    const later = { ...query, from: '2026-11-29T06:00:05.000000000Z', to: '2026-11-29T08:00:05.000000000Z' };
    expect(codec.decode(later, cursor)).toMatchObject({ from: query.from, to: query.to });
  });

  it('refuses a cursor of a different query', () => {
    const cursor = codec.encode(query, key);
    expect(() => codec.decode({ ...query, severities: [] }, cursor)).toThrow(/different query/);
    expect(() => codec.decode({ ...query, direction: 'forward' }, cursor)).toThrow(/different query/);
    expect(() => codec.decode({ ...query, sources: ['gcs'] }, cursor)).toThrow(/different query/);
  });

  it('refuses every single-character tampering and other keys', () => {
    const cursor = codec.encode(query, key);
    for (let i = 0; i < cursor.length; i++) {
      if (cursor[i] === '.') continue;
      expect(() => codec.decode(query, flipCharacter(cursor, i))).toThrow(CursorError);
    }
    expect(() => new CursorCodec('t'.repeat(32)).decode(query, cursor)).toThrow(/signature/);
  });

  it.each(['', '.', 'abc', 'a.b.c', 'not base64!.x', `${Buffer.from('{}').toString('base64url')}.x`])(
    'refuses malformed cursor %j',
    (cursor) => {
      expect(() => codec.decode(query, cursor)).toThrow(CursorError);
    },
  );
});
