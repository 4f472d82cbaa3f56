import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { comparatorFor, formatEpochMs, type LogEntry, type SourceName } from '../../model/index.js';
import { ORIGINS_LABEL, absorbPartners, dedupeEntries, recordIdentity } from './dedupe.js';

const BASE_MS = Date.UTC(2026, 10, 29, 7, 0, 0);

/**
 * Records as GPT Runner+ writes them, drawn from few values so that many are alike: the same
 * trade written to GCS and to Firestore, and different trades that share a time, a status or
 * everything but one field.
 */
const recordArb = fc.record({
  offsetMs: fc.integer({ min: 0, max: 3 }),
  order: fc.constantFrom('ord-aaa111', 'ord-bbb222', 'ord-ccc333'),
  status: fc.constantFrom('filled', 'rejected', 'partially_filled'),
  qty: fc.constantFrom(5, 10),
  pnl: fc.constantFrom(1.5, -2.25),
});

const copyArb = fc.record({
  record: recordArb,
  stores: fc.constantFrom<SourceName[][]>(['gcs'], ['firestore'], ['gcs', 'firestore'], ['pods']),
  /** Firestore returns times with nine digits, GCS as written: the same instant either way. */
  nanos: fc.boolean(),
});

type Copy = typeof copyArb extends fc.Arbitrary<infer T> ? T : never;

function toEntries(copies: Copy[]): LogEntry[] {
  let n = 0;
  return copies
    .flatMap(({ record, stores, nanos }) =>
      stores.map((source): LogEntry => {
        const time = formatEpochMs(BASE_MS + record.offsetMs);
        const payload = {
          timestamp: nanos && source === 'firestore' ? time : time.replace(/0{6}Z$/, 'Z'),
          order_id: record.order,
          status: record.status,
          qty: record.qty,
          pnl: record.pnl,
        };
        n += 1;
        return {
          id: `${source}-${n}`,
          timestamp: time,
          source,
          severity: record.status === 'rejected' ? 'ERROR' : 'INFO',
          message: `BUY ${record.qty} AAPL ${record.status}`,
          labels: source === 'gcs' ? { object: `trades/${n}.jsonl` } : { collection: 'gpt_runner_trades' },
          payload,
        };
      }),
    )
    .sort(comparatorFor('backward'));
}

const collapsedPairs = (entries: LogEntry[]) => entries.filter((e) => e.labels[ORIGINS_LABEL] !== undefined);

describe('dedupe (properties)', () => {
  it('collapses only a GCS and a Firestore copy of the very same record, one to one', () => {
    fc.assert(
      fc.property(fc.array(copyArb, { maxLength: 40 }), (copies) => {
        const entries = toEntries(copies);
        const { entries: out, collapsed } = dedupeEntries(entries);
        expect(out.length).toBe(entries.length - collapsed);
        expect(collapsedPairs(out).length).toBe(collapsed);
        // Per identity, as many pairs as the smaller side has copies; nothing else goes.
        const sides = new Map<string, { gcs: number; firestore: number }>();
        for (const entry of entries) {
          const identity = recordIdentity(entry);
          if (identity === undefined) continue;
          const side = sides.get(identity) ?? { gcs: 0, firestore: 0 };
          if (entry.source === 'gcs' || entry.source === 'firestore') side[entry.source] += 1;
          sides.set(identity, side);
        }
        const expectedPairs = [...sides.values()].reduce((sum, s) => sum + Math.min(s.gcs, s.firestore), 0);
        expect(collapsed).toBe(expectedPairs);
      }),
    );
  });

  it('never merges entries that differ in anything: every row keeps its own payload', () => {
    fc.assert(
      fc.property(fc.array(copyArb, { maxLength: 40 }), (copies) => {
        const entries = toEntries(copies);
        const { entries: out } = dedupeEntries(entries);
        const payloads = (list: LogEntry[]) => new Set(list.map((e) => recordIdentity(e) ?? e.id));
        // The same distinct records before and after; no record lost, none invented.
        expect(payloads(out)).toEqual(payloads(entries));
        for (const entry of collapsedPairs(out)) {
          const firestoreId = entry.labels.firestore_id;
          const twin = entries.find((e) => e.id === firestoreId);
          expect(twin && recordIdentity(twin)).toBe(recordIdentity(entry));
          expect(entry.source).toBe('gcs');
        }
      }),
    );
  });

  it('keeps the listing order and leaves pod lines alone', () => {
    fc.assert(
      fc.property(fc.array(copyArb, { maxLength: 40 }), (copies) => {
        const entries = toEntries(copies);
        const { entries: out } = dedupeEntries(entries);
        const times = out.map((e) => e.timestamp);
        expect(times).toEqual([...times].sort().reverse());
        expect(out.filter((e) => e.source === 'pods')).toEqual(entries.filter((e) => e.source === 'pods'));
      }),
    );
  });

  it('a page cut anywhere, joined with the start of the next, collapses as the whole list does', () => {
    fc.assert(
      fc.property(fc.array(copyArb, { minLength: 1, maxLength: 30 }), fc.nat(), (copies, cutAt) => {
        const entries = toEntries(copies);
        const cut = cutAt % (entries.length + 1);
        const page = dedupeEntries(entries.slice(0, cut));
        const taken = absorbPartners(page, entries.slice(cut));
        const rest = dedupeEntries(entries.slice(cut + taken));
        const whole = dedupeEntries(entries);
        expect(page.collapsed + rest.collapsed).toBeLessThanOrEqual(whole.collapsed);
        // Nothing is lost at the cut: every distinct record is still shown.
        const shown = new Set([...page.entries, ...rest.entries].map((e) => recordIdentity(e) ?? e.id));
        expect(shown).toEqual(new Set(entries.map((e) => recordIdentity(e) ?? e.id)));
      }),
    );
  });
});
