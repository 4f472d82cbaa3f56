import { describe, expect, it } from 'vitest';
import { labelSet, type LabelMatcher, type LogEntry, type LogQuery } from '../model/index.js';
import { compileFilter } from './filter.js';
import { RegexSyntaxError, compileSafeRegex } from './safe-regex.js';

const entry = (over: Partial<LogEntry> = {}): LogEntry => ({
  id: 'a',
  timestamp: '2026-11-29T07:00:00.000000000Z',
  source: 'pods',
  severity: 'INFO',
  message: 'Order filled AAPL qty=10',
  labels: { pod: 'trader-1', symbol: 'AAPL' },
  ...over,
});

const query = (over: Partial<LogQuery> = {}): LogQuery => ({
  sources: ['pods'],
  from: '2026-11-29T06:00:00.000000000Z',
  to: '2026-11-29T08:00:00.000000000Z',
  severities: [],
  labels: [],
  limit: 100,
  direction: 'backward',
  selectors: {},
  ...over,
});

describe('compileFilter', () => {
  it('treats the time range as half-open [from, to)', () => {
    const matches = compileFilter(
      query({ from: '2026-11-29T07:00:00.000000000Z', to: '2026-11-29T07:00:01.000000000Z' }),
    );
    expect(matches(entry({ timestamp: '2026-11-29T07:00:00.000000000Z' }))).toBe(true);
    expect(matches(entry({ timestamp: '2026-11-29T07:00:00.999999999Z' }))).toBe(true);
    expect(matches(entry({ timestamp: '2026-11-29T07:00:01.000000000Z' }))).toBe(false);
    expect(matches(entry({ timestamp: '2026-11-29T06:59:59.999999999Z' }))).toBe(false);
  });

  it.each([
    [{ severities: ['ERROR' as const] }, 'ERROR', true],
    [{ severities: ['ERROR' as const] }, 'CRITICAL', false],
    [{ minSeverity: 'WARNING' as const }, 'WARNING', true],
    [{ minSeverity: 'WARNING' as const }, 'EMERGENCY', true],
    [{ minSeverity: 'WARNING' as const }, 'NOTICE', false],
    [{ severities: ['DEBUG' as const, 'ERROR' as const], minSeverity: 'INFO' as const }, 'DEBUG', false],
  ])('severity filter %j on %s → %s', (over, severity, expected) => {
    expect(compileFilter(query(over))(entry({ severity: severity as LogEntry['severity'] }))).toBe(expected);
  });

  it.each([
    ['filled', false, true],
    ['FILLED aapl', false, true],
    ['qty=1.', false, false], // a literal dot, not "any character"
    ['qty=10', false, true],
    ['fill(ed)? +aapl', true, true],
    ['^order', true, true],
    ['^filled', true, false],
  ])('search %s (regex %s) → %s', (text, regex, expected) => {
    expect(compileFilter(query({ search: { text, regex } }))(entry())).toBe(expected);
  });

  it.each<[LabelMatcher, boolean]>([
    [{ name: 'pod', op: '=', value: 'trader-1' }, true],
    [{ name: 'pod', op: '!=', value: 'trader-1' }, false],
    [{ name: 'pod', op: '=~', value: 'trader-.*' }, true],
    [{ name: 'pod', op: '=~', value: 'trader' }, false], // label regexes are anchored, as in Prometheus
    [{ name: 'pod', op: '!~', value: 'reflector.*' }, true],
    [{ name: 'missing', op: '=', value: '' }, true], // a missing label reads as empty
    [{ name: 'missing', op: '!=', value: '' }, false],
    [{ name: 'source', op: '!=', value: 'pods' }, false], // the entry's own fields act as labels
    [{ name: 'source', op: '=', value: 'pods' }, true],
    [{ name: 'severity', op: '=~', value: 'INFO|ERROR' }, true],
    [{ name: 'message', op: '!~', value: '(?is).*FILLED.*' }, false], // the line, as a line filter
    [{ name: 'message', op: '!~', value: '(?is).*rejected.*' }, true],
    [{ name: 'message', op: '=~', value: '(?is).*qty=10' }, true],
  ])('label matcher %j → %s', (matcher, expected) => {
    expect(compileFilter(query({ labels: [matcher] }))(entry())).toBe(expected);
  });

  // Names every object inherits are labels like any other: missing unless the entry has them.
  it.each(['toString', 'constructor', '__proto__', 'valueOf', '__defineGetter__', 'hasOwnProperty'])(
    "label %s is read from the entry's own labels only",
    (name) => {
      const missing = entry();
      expect(compileFilter(query({ labels: [{ name, op: '=', value: '' }] }))(missing)).toBe(true);
      expect(compileFilter(query({ labels: [{ name, op: '=~', value: '.+' }] }))(missing)).toBe(false);
      expect(compileFilter(query({ labels: [{ name, op: '!~', value: 'x' }] }))(missing)).toBe(true);
      const present = entry({ labels: labelSet({ [name]: 'x' }) });
      expect(compileFilter(query({ labels: [{ name, op: '=', value: 'x' }] }))(present)).toBe(true);
      expect(compileFilter(query({ labels: [{ name, op: '=~', value: 'x|y' }] }))(present)).toBe(true);
    },
  );

  it('applies the cursor position in the listing direction', () => {
    const after = { timestamp: '2026-11-29T07:00:00.000000000Z', id: 'b', source: 'pods' as const };
    const backward = compileFilter(query({ after }));
    const forward = compileFilter(query({ after, direction: 'forward' }));
    expect(backward(entry({ id: 'a' }))).toBe(true);
    expect(backward(entry({ id: 'b' }))).toBe(false);
    expect(backward(entry({ id: 'c' }))).toBe(false);
    expect(forward(entry({ id: 'c' }))).toBe(true);
    expect(forward(entry({ id: 'a' }))).toBe(false);
  });
});

describe('selectors', () => {
  it.each<[Partial<LogQuery>, Partial<LogEntry>, boolean]>([
    [{ selectors: { pods: { namespace: 'gpt-runner' } } }, { labels: { namespace: 'gpt-runner' } }, true],
    [{ selectors: { pods: { namespace: 'gpt-runner' } } }, { labels: { namespace: 'kube-system' } }, false],
    [{ selectors: { pods: { pods: ['a', 'b'] } } }, { labels: { pod: 'b' } }, true],
    [{ selectors: { pods: { container: 'feed' } } }, { labels: { container: 'trader' } }, false],
    [{}, { labels: { previous: 'true' } }, false], // a terminated instance only when asked for
    [{ selectors: { pods: { previous: true } } }, { labels: { previous: 'true' } }, true],
    [{ selectors: { pods: { previous: true } } }, { labels: {} }, false],
    [
      { selectors: { gcs: { prefixes: ['trades/'] } } },
      { source: 'gcs', labels: { object: 'trades/a.jsonl' } },
      true,
    ],
    [
      { selectors: { gcs: { prefixes: ['trades/'] } } },
      { source: 'gcs', labels: { object: 'strategies/a.json' } },
      false,
    ],
    [{ selectors: { gcs: { bucket: 'logs' } } }, { source: 'gcs', labels: { bucket: 'other' } }, false],
    [
      { selectors: { firestore: { collections: ['t'] } } },
      { source: 'firestore', labels: { collection: 'r' } },
      false,
    ],
    [{ selectors: { firestore: { collections: ['t'] } } }, { source: 'pods', labels: {} }, true], // other sources pass
  ])('%j on %j → %s', (over, entryOver, expected) => {
    expect(compileFilter(query(over))(entry(entryOver))).toBe(expected);
  });
});

describe('user regexes', () => {
  it('answers a catastrophic pattern on a long line within 100 ms', () => {
    const line = `${'a'.repeat(50_000)}!`;
    for (const pattern of ['(a+)+$', '(a|aa)+$', '(a*)*b', '(.*a){20}']) {
      const re = compileSafeRegex(pattern);
      const started = performance.now();
      re.test(line);
      expect(performance.now() - started).toBeLessThan(100);
    }
  });

  it('refuses invalid and backtracking-only syntax with a reason', () => {
    expect(() => compileSafeRegex('(unclosed')).toThrow(RegexSyntaxError);
    expect(() => compileSafeRegex('(?=lookahead)')).toThrow(/unsupported/);
    expect(() => compileSafeRegex('(a)\\1')).toThrow(RegexSyntaxError);
  });
});
