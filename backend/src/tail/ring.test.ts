import { describe, expect, it } from 'vitest';
import type { LogEntry } from '../model/index.js';
import { EventIdIssuer, compareEventIds, parseEventId } from './event-id.js';
import { TailRing } from './ring.js';

const entries = (count: number): LogEntry[] =>
  Array.from({ length: count }, (_, i) => ({
    id: `e${i}`,
    timestamp: '2026-11-29T07:00:00.000000000Z',
    source: 'pods',
    severity: 'INFO',
    message: `line ${i}`,
    labels: {},
  }));

describe('event ids', () => {
  it('are issued in order, also within one millisecond and when the clock steps back', () => {
    const times = [1000, 1000, 1000, 999, 1001];
    const issuer = new EventIdIssuer(() => times.shift() ?? 0, '1000-0');
    const ids = Array.from({ length: 5 }, () => issuer.next());
    expect(ids).toEqual(['1000-1', '1000-2', '1000-3', '1000-4', '1001-0']);
    for (let i = 1; i < ids.length; i++)
      expect(compareEventIds(ids[i - 1] as string, ids[i] as string)).toBeLessThan(0);
  });

  it('compare by time, then by sequence, not as text', () => {
    expect(compareEventIds('999-5', '1000-0')).toBeLessThan(0);
    expect(compareEventIds('1000-10', '1000-9')).toBeGreaterThan(0);
    expect(parseEventId('1000-x')).toBeUndefined();
    expect(parseEventId('1'.repeat(16) + '-0')).toBeUndefined();
  });
});

describe('tail ring', () => {
  it('replays what came after a cursor, and says when part of it was dropped', () => {
    const ring = new TailRing(10, '100-0');
    ring.push({ id: '101-0', entries: entries(4) });
    ring.push({ id: '102-0', entries: entries(4) });
    expect(ring.after('101-0')).toEqual({ batches: [{ id: '102-0', entries: entries(4) }], gap: false });
    expect(ring.after('100-0').batches.map((b) => b.id)).toEqual(['101-0', '102-0']);
    // Over ten entries: the oldest batch goes, and a cursor before it has a gap.
    ring.push({ id: '103-0', entries: entries(4) });
    expect(ring.oldest).toBe('101-0');
    expect(ring.after('100-0')).toMatchObject({ gap: true });
    expect(ring.after('100-0').batches.map((b) => b.id)).toEqual(['102-0', '103-0']);
    expect(ring.after('101-0')).toMatchObject({ gap: false });
    expect(ring.head).toBe('103-0');
  });

  it('keeps the newest batch even when it alone is over the bound, and ignores replays', () => {
    const ring = new TailRing(3, '0-0');
    expect(ring.push({ id: '5-0', entries: entries(8) })).toBe(true);
    expect(ring.head).toBe('5-0');
    expect(ring.push({ id: '4-0', entries: entries(1) })).toBe(false);
    expect(ring.push({ id: '5-0', entries: entries(1) })).toBe(false);
    expect(ring.after('0-0').batches).toHaveLength(1);
  });
});
