/** The collector's pure parts: back-off delays and the line splitter of followed logs. */
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { Backoff } from '../../backend/src/sources/follow/backoff.js';
import { LineStream } from '../../backend/src/sources/pods/line-stream.js';

describe('back-off', () => {
  it('doubles from the base, stays under the cap, and jitters within the upper half', () => {
    const low = new Backoff(8_000, 500, () => 0);
    expect([1, 2, 3, 4, 5, 6].map(() => low.next())).toEqual([250, 500, 1_000, 2_000, 4_000, 4_000]);
    const high = new Backoff(8_000, 500, () => 1);
    expect([1, 2, 3, 4, 5].map(() => high.next())).toEqual([500, 1_000, 2_000, 4_000, 8_000]);
    high.reset();
    expect(high.next()).toBe(500);
  });
});

function collect(): { stream: LineStream; lines: string[]; closes: unknown[] } {
  const lines: string[] = [];
  const closes: unknown[] = [];
  const stream = new LineStream({ onLines: (l) => lines.push(...l), onClose: (e) => closes.push(e) });
  return { stream, lines, closes };
}

describe('line stream', () => {
  it('splits lines across chunks, multi-byte characters included, and reports a clean end once', async () => {
    const { stream, lines, closes } = collect();
    const body = new PassThrough();
    body.pipe(stream);
    const euro = Buffer.from('€');
    body.write('2026-01-01T00:00:00.000000000Z INFO a\r\n2026-01-01T00:00:01.000000000Z par');
    body.write(Buffer.concat([Buffer.from('tial '), euro.subarray(0, 1)]));
    body.write(Buffer.concat([euro.subarray(1), Buffer.from('\nlast without newline')]));
    body.end();
    await new Promise((resolve) => stream.once('finish', resolve));
    expect(lines).toEqual([
      '2026-01-01T00:00:00.000000000Z INFO a',
      '2026-01-01T00:00:01.000000000Z partial €',
      'last without newline',
    ]);
    expect(closes).toEqual([undefined]);
  });

  it('reports a broken connection, which pipe() alone would never pass on', async () => {
    const { stream, closes } = collect();
    const body = new PassThrough();
    body.on('error', () => undefined);
    body.pipe(stream);
    body.destroy(new Error('socket hang up'));
    await new Promise((resolve) => setImmediate(resolve));
    expect(closes).toHaveLength(1);
    expect(String(closes[0])).toContain('socket hang up');
  });
});
