import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { LogEntry, Severity } from '../../model/index.js';
import { textSeverity } from '../mapping/text-severity.js';
import { parsePodLog, splitTimestampedLine, type PodLogOrigin } from './line-parser.js';

const origin: PodLogOrigin = {
  namespace: 'trading',
  pod: 'runner-7d9f',
  container: 'runner',
  previous: false,
  labels: { namespace: 'trading', pod: 'runner-7d9f', container: 'runner', app: 'gpt-runner' },
};
const STREAM = 'trading/runner-7d9f/runner';

/** The kubelet time of the n-th nanosecond after 2026-11-29T07:01:13Z. */
const t = (n: number): string => `2026-11-29T07:01:13.${String(n).padStart(9, '0')}Z`;

/** A log as the API server returns it: one `time text` line per entry, newline-terminated. */
const podLog = (lines: readonly (readonly [number, string])[]): string =>
  lines.map(([n, text]) => `${t(n)} ${text}\n`).join('');

/** Each line at its own nanosecond, in order. */
const timed = (texts: readonly string[]): [number, string][] => texts.map((text, i) => [i, text]);

/** What a test cares about: where an entry starts, its level, its text. */
const summary = (entries: LogEntry[]) =>
  entries.map((e) => [e.id.slice(STREAM.length + 1), e.severity, e.message]);

describe('splitTimestampedLine', () => {
  it.each<[string, { time: string; text: string } | undefined]>([
    [`${t(123456789)} hello world`, { time: t(123456789), text: 'hello world' }],
    [`${t(1)} `, { time: t(1), text: '' }],
    [t(1), { time: t(1), text: '' }],
    // Only the separator is removed: indentation is what marks a continuation.
    [`${t(1)}     at fn (file.js:1:2)`, { time: t(1), text: '    at fn (file.js:1:2)' }],
    [`${t(1)} \tat com.x.Y.z(Y.java:1)`, { time: t(1), text: '\tat com.x.Y.z(Y.java:1)' }],
    ['2026-11-29T12:31:13.5+05:30 x', { time: t(500_000_000), text: 'x' }],
    ['2026-11-29T07:01:13Z x y', { time: t(0), text: 'x y' }],
    // Not a kubelet time, even where the first word would parse as one.
    ['hello world', undefined],
    ['42 items processed', undefined],
    ['1795935673 hello', undefined],
    ['2026-11-29 07:01:13,123 INFO python line', undefined],
    ['2026-13-29T07:01:13Z bad month', undefined],
    ['', undefined],
  ])('%j', (line, expected) => {
    expect(splitTimestampedLine(line)).toEqual(expected);
  });
});

describe('textSeverity', () => {
  it.each<[string, Severity]>([
    ['ERROR order 17 rejected', 'ERROR'],
    ['2026-11-29 07:01:13,123 WARNING gpt_runner.risk: exposure high', 'WARNING'],
    ['WARNING:root:disk low', 'WARNING'],
    ['[INFO] started', 'INFO'],
    ['DEBUG cache miss', 'DEBUG'],
    ['TRACE enter', 'DEBUG'],
    ['NOTICE config reloaded', 'NOTICE'],
    ['WARN slow tick', 'WARNING'],
    ['ERR broker', 'ERROR'],
    ['SEVERE pool exhausted', 'ERROR'],
    ['FATAL cannot bind', 'CRITICAL'],
    ['PANIC out of memory', 'CRITICAL'],
    ['CRIT disk', 'CRITICAL'],
    ['ALERT margin call', 'ALERT'],
    ['EMERG halt', 'EMERGENCY'],
    ['level=warn msg="slow tick"', 'WARNING'],
    ['time="2026-11-29T07:01:13Z" level=error msg=boom', 'ERROR'],
    ["lvl='debug' x", 'DEBUG'],
    ['Severity="critical" x', 'CRITICAL'],
    // An explicit pair beats a word elsewhere on the line.
    ['INFO level=error', 'ERROR'],
    // glog: I, W, E and F before month and day.
    ['E1129 07:01:13.123456       1 feed.go:212] tick failed', 'ERROR'],
    ['W1129 07:01:13.123 1 feed.go:212] slow', 'WARNING'],
    ['I1129 07:01:13.123 1 feed.go:212] tick', 'INFO'],
    ['F1129 07:01:13.123 1 feed.go:212] dead', 'CRITICAL'],
    // Not level words: mixed case, inside a longer word, or far from the start.
    ['Error: lowercase is prose', 'DEFAULT'],
    ['information about errors', 'DEFAULT'],
    ['ERRORS=0 WARNINGS=0', 'DEFAULT'],
    ['E112 07:01:13 not glog', 'DEFAULT'],
    [`${'x'.repeat(130)} ERROR`, 'DEFAULT'],
    ['', 'DEFAULT'],
  ])('%j → %s', (text, expected) => {
    expect(textSeverity(text)).toBe(expected);
  });
});

describe('parsePodLog: single-line records', () => {
  it('builds a full entry from a text line', () => {
    expect(parsePodLog(podLog([[5, 'WARNING gpt_runner.risk: exposure high']]), origin)).toEqual([
      {
        id: `${STREAM}@${t(5)}#0`,
        timestamp: t(5),
        source: 'pods',
        severity: 'WARNING',
        message: 'WARNING gpt_runner.risk: exposure high',
        labels: origin.labels,
      },
    ]);
  });

  it('maps a JSON line with the kubelet time, its level, message, labels and payload', () => {
    const line =
      '{"severity":"WARNING","message":"spread wide","symbol":"AAPL","time":"2020-01-01T00:00:00Z"}';
    expect(parsePodLog(podLog([[7, line]]), origin)).toEqual([
      {
        id: `${STREAM}@${t(7)}#0`,
        timestamp: t(7),
        source: 'pods',
        severity: 'WARNING',
        message: 'spread wide',
        labels: { ...origin.labels, symbol: 'AAPL' },
        payload: {
          severity: 'WARNING',
          message: 'spread wide',
          symbol: 'AAPL',
          time: '2020-01-01T00:00:00Z',
        },
      },
    ]);
  });

  it.each<[string, string, Severity, string]>([
    ['pino numbers', '{"level":50,"msg":"feed down"}', 'ERROR', 'feed down'],
    ['Python levelname', '{"levelname":"DEBUG","message":"tick"}', 'DEBUG', 'tick'],
    ['no level: DEFAULT, not the business default', '{"message":"tick"}', 'DEFAULT', 'tick'],
    ['no message: key=value', '{"level":"info","symbol":"AAPL","px":189.2}', 'INFO', 'symbol=AAPL px=189.2'],
    ['a JSON array is text', '["a","b"]', 'DEFAULT', '["a","b"]'],
    ['broken JSON is text', '{"level":"error", oops', 'DEFAULT', '{"level":"error", oops'],
    [
      'glog',
      'E1129 07:01:13.123456 1 feed.go:212] tick failed',
      'ERROR',
      'E1129 07:01:13.123456 1 feed.go:212] tick failed',
    ],
    ['level pair', 'ts=1 level=warn msg=slow', 'WARNING', 'ts=1 level=warn msg=slow'],
    ['no level at all', 'listening on :8080', 'DEFAULT', 'listening on :8080'],
    ['an empty line', '', 'DEFAULT', ''],
  ])('%s', (_what, line, severity, message) => {
    expect(summary(parsePodLog(podLog([[1, line]]), origin))).toEqual([[`${t(1)}#0`, severity, message]]);
  });

  it('keeps consecutive unindented lines apart', () => {
    expect(summary(parsePodLog(podLog(timed(['INFO a', 'INFO b', 'ERROR c'])), origin))).toEqual([
      [`${t(0)}#0`, 'INFO', 'INFO a'],
      [`${t(1)}#0`, 'INFO', 'INFO b'],
      [`${t(2)}#0`, 'ERROR', 'ERROR c'],
    ]);
  });
});

const PYTHON_CHAINED = [
  'ERROR gpt_runner.executor: order failed',
  'Traceback (most recent call last):',
  '  File "/app/executor.py", line 42, in submit',
  '    resp = client.post(order)',
  'ConnectionError: broker unreachable',
  '',
  'During handling of the above exception, another exception occurred:',
  '',
  'Traceback (most recent call last):',
  '  File "/app/executor.py", line 45, in submit',
  '    raise OrderRejected(order.id)',
  'executor.OrderRejected: order 17 rejected',
];

const PYTHON_CAUSE = [
  'Traceback (most recent call last):',
  '  File "/app/reflect.py", line 9, in run',
  "KeyError: 'model'",
  '',
  'The above exception was the direct cause of the following exception:',
  '',
  'Traceback (most recent call last):',
  '  File "/app/reflect.py", line 12, in run',
  'RuntimeError: reflection failed',
];

const JAVA = [
  'java.lang.IllegalStateException: order book empty',
  '\tat com.gptrunner.Book.best(Book.java:88)',
  '\tat com.gptrunner.Main.main(Main.java:12)',
  'Caused by: java.lang.NullPointerException: null',
  '\tat com.gptrunner.Book.load(Book.java:40)',
  '\t... 12 more',
  'Suppressed: java.io.IOException: closed',
  '... 3 common frames omitted',
];

const NODE = [
  "TypeError: Cannot read properties of undefined (reading 'price')",
  '    at quote (/app/dist/feed.js:12:5)',
  '    at process.processTicksAndRejections (node:internal/process/task_queues:95:5)',
];

const lines = (texts: string[]): string => texts.join('\n');

describe('parsePodLog: multi-line records are one entry', () => {
  it.each<[string, string[], [number, Severity, string][]]>([
    [
      'a Python traceback with a chained exception, then the next record',
      [...PYTHON_CHAINED, 'INFO gpt_runner.executor: retrying in 5s'],
      [
        [0, 'ERROR', lines(PYTHON_CHAINED)],
        [12, 'INFO', 'INFO gpt_runner.executor: retrying in 5s'],
      ],
    ],
    [
      'a traceback with "direct cause" and no level: ERROR',
      PYTHON_CAUSE,
      [[0, 'ERROR', lines(PYTHON_CAUSE)]],
    ],
    [
      'an exception line without a message ends the traceback',
      [
        'Traceback (most recent call last):',
        '  File "a.py", line 1, in <module>',
        'KeyboardInterrupt',
        'INFO: shutting down',
      ],
      [
        [
          0,
          'ERROR',
          'Traceback (most recent call last):\n  File "a.py", line 1, in <module>\nKeyboardInterrupt',
        ],
        [3, 'INFO', 'INFO: shutting down'],
      ],
    ],
    [
      'a record after a traceback is not swallowed, even when it reads `word: text`',
      [
        'Traceback (most recent call last):',
        '  File "a.py", line 1',
        'ValueError: bad',
        'ERROR: retry failed',
        'note: x',
      ],
      [
        [0, 'ERROR', 'Traceback (most recent call last):\n  File "a.py", line 1\nValueError: bad'],
        [3, 'ERROR', 'ERROR: retry failed'],
        [4, 'DEFAULT', 'note: x'],
      ],
    ],
    [
      'blank lines after a traceback are not kept in it',
      ['Traceback (most recent call last):', '  File "a.py", line 1', 'ValueError: bad', '', '', 'INFO next'],
      [
        [0, 'ERROR', 'Traceback (most recent call last):\n  File "a.py", line 1\nValueError: bad'],
        [5, 'INFO', 'INFO next'],
      ],
    ],
    [
      'a traceback keeps the level of the line it follows',
      [
        'WARNING gpt_runner: retrying',
        'Traceback (most recent call last):',
        '  File "a.py", line 1',
        'TimeoutError',
      ],
      [
        [
          0,
          'WARNING',
          'WARNING gpt_runner: retrying\nTraceback (most recent call last):\n  File "a.py", line 1\nTimeoutError',
        ],
      ],
    ],
    [
      'a Java stack trace with causes and elided frames: ERROR',
      [...JAVA, 'WARN next'],
      [
        [0, 'ERROR', lines(JAVA)],
        [8, 'WARNING', 'WARN next'],
      ],
    ],
    [
      'a Java stack trace under a leveled line',
      ['2026-11-29 07:01:13.123 FATAL [main] c.g.Main - boom', '\tat com.gptrunner.Main.main(Main.java:12)'],
      [
        [
          0,
          'CRITICAL',
          '2026-11-29 07:01:13.123 FATAL [main] c.g.Main - boom\n\tat com.gptrunner.Main.main(Main.java:12)',
        ],
      ],
    ],
    [
      'a Node stack trace: ERROR',
      [...NODE, 'INFO next'],
      [
        [0, 'ERROR', lines(NODE)],
        [3, 'INFO', 'INFO next'],
      ],
    ],
    [
      'lines continued by indentation keep the first line’s level',
      ['INFO config loaded:', '  model: gpt-4o', '    max_tokens: 512', 'INFO ready'],
      [
        [0, 'INFO', 'INFO config loaded:\n  model: gpt-4o\n    max_tokens: 512'],
        [3, 'INFO', 'INFO ready'],
      ],
    ],
    [
      'an indented line that is not a stack frame does not make an error',
      ['listening', '  on :8080'],
      [[0, 'DEFAULT', 'listening\n  on :8080']],
    ],
    [
      'a JSON line followed by its traceback (logger.exception)',
      ['{"levelname":"ERROR","message":"reflection failed","model":"gpt-4o"}', ...PYTHON_CAUSE.slice(0, 3)],
      [[0, 'ERROR', `reflection failed\n${lines(PYTHON_CAUSE.slice(0, 3))}`]],
    ],
    [
      'a JSON line without a level followed by a traceback: ERROR',
      ['{"message":"reflection failed"}', ...PYTHON_CAUSE.slice(0, 3), '{"level":"info","message":"next"}'],
      [
        [0, 'ERROR', `reflection failed\n${lines(PYTHON_CAUSE.slice(0, 3))}`],
        [4, 'INFO', 'next'],
      ],
    ],
  ])('%s', (_what, texts, expected) => {
    const entries = parsePodLog(podLog(timed(texts)), origin);
    expect(summary(entries)).toEqual(
      expected.map(([line, severity, message]) => [`${t(line)}#0`, severity, message]),
    );
    for (const entry of entries) expect(entry.timestamp).toBe(entry.id.slice(STREAM.length + 1, -2));
  });

  it('keeps the labels and payload of a JSON line followed by a traceback', () => {
    const body = podLog(
      timed(['{"level":"error","message":"m","symbol":"AAPL"}', 'Traceback (most recent call last):']),
    );
    const [entry] = parsePodLog(body, origin);
    expect(entry?.labels).toEqual({ ...origin.labels, symbol: 'AAPL' });
    expect(entry?.payload).toEqual({ level: 'error', message: 'm', symbol: 'AAPL' });
  });
});

describe('parsePodLog: line endings and lines without a kubelet time', () => {
  it('reads CRLF like LF', () => {
    const lf = podLog(
      timed(['INFO a', 'Traceback (most recent call last):', '  File "a.py", line 1', 'ValueError: x']),
    );
    const crlf = lf.replaceAll('\n', '\r\n');
    expect(parsePodLog(crlf, origin)).toEqual(parsePodLog(lf, origin));
    expect(summary(parsePodLog(crlf, origin))).toEqual([
      [
        `${t(0)}#0`,
        'INFO',
        'INFO a\nTraceback (most recent call last):\n  File "a.py", line 1\nValueError: x',
      ],
    ]);
  });

  it('reads a body without a final newline', () => {
    expect(summary(parsePodLog(`${t(1)} INFO a\n${t(2)} INFO b`, origin))).toEqual([
      [`${t(1)}#0`, 'INFO', 'INFO a'],
      [`${t(2)}#0`, 'INFO', 'INFO b'],
    ]);
  });

  it('adds a line without a time to the record before it, and drops one before any record', () => {
    const body = [
      'orphan before any record',
      `${t(1)} ERROR boom`,
      'details without a time',
      `${t(2)} INFO next`,
      '',
    ].join('\n');
    expect(summary(parsePodLog(body, origin))).toEqual([
      [`${t(1)}#0`, 'ERROR', 'ERROR boom\ndetails without a time'],
      [`${t(2)}#0`, 'INFO', 'INFO next'],
    ]);
  });

  it.each([[''], ['\n'], ['no times at all\nanywhere\n']])('returns nothing for %j', (body) => {
    expect(parsePodLog(body, origin)).toEqual([]);
  });
});

describe('parsePodLog: ids', () => {
  it('ranks records that share an instant, so their ids stay unique', () => {
    const body = podLog([
      [1, 'INFO a'],
      [1, 'INFO b'],
      [1, '  continued'],
      [1, 'INFO c'],
      [2, 'INFO d'],
    ]);
    const ids = parsePodLog(body, origin).map((e) => e.id);
    // The rank counts lines of the instant, continuation lines included.
    expect(ids).toEqual([
      `${STREAM}@${t(1)}#0`,
      `${STREAM}@${t(1)}#1`,
      `${STREAM}@${t(1)}#3`,
      `${STREAM}@${t(2)}#0`,
    ]);
  });

  it.each<[Partial<PodLogOrigin>, string]>([
    [{}, `${STREAM}@${t(1)}#0`],
    [{ previous: true }, `${STREAM}/previous@${t(1)}#0`],
    [{ container: 'sidecar' }, `trading/runner-7d9f/sidecar@${t(1)}#0`],
  ])('names the stream in the id: %j', (change, id) => {
    expect(parsePodLog(podLog([[1, 'x']]), { ...origin, ...change })[0]?.id).toBe(id);
  });

  /** The lines a `sinceTime` read at `since` returns: every line at or after it. */
  const window = (all: (readonly [number, string])[], since: number) => all.filter(([n]) => n >= since);

  /**
   * A windowed read is the entries of the full read that start inside the window, unchanged
   * and with the same ids, preceded only by fragments of the record the window cut into
   * (whose ids the full read never used).
   */
  function expectStableIds(all: (readonly [number, string])[]): void {
    const full = parsePodLog(podLog(all), origin);
    const fullIds = new Set(full.map((e) => e.id));
    for (const [since] of all) {
      const tail = parsePodLog(podLog(window(all, since)), origin);
      const fragments = tail.findIndex((e) => fullIds.has(e.id));
      const shared = fragments === -1 ? [] : tail.slice(fragments);
      expect(shared).toEqual(full.filter((e) => e.timestamp >= t(since)));
    }
  }

  it('keeps ids stable across read windows when multi-line records share instants', () => {
    // A traceback written in one write() gets one kubelet time for all its lines.
    expectStableIds([
      [1, 'INFO start'],
      [2, 'ERROR executor: failed'],
      [3, 'Traceback (most recent call last):'],
      [3, '  File "a.py", line 1'],
      [3, 'ValueError: bad'],
      [3, 'INFO retrying'],
      [3, 'INFO retried'],
      [4, 'java.lang.IllegalStateException: x'],
      [4, '\tat a.B.c(B.java:1)'],
      [5, 'WARN slow'],
      [5, 'WARN slower'],
    ]);
  });

  it('keeps ids stable across read windows for any log (property)', () => {
    const record = fc.constantFrom<string[]>(
      ['INFO tick'],
      ['WARN slow'],
      ['{"level":"error","message":"json"}'],
      ['ERROR failed', 'Traceback (most recent call last):', '  File "a.py", line 1', 'ValueError: bad'],
      [
        'Traceback (most recent call last):',
        '  File "a.py", line 1',
        'KeyError',
        '',
        'During handling of the above exception, another exception occurred:',
        '',
        'Traceback (most recent call last):',
        'OSError: x',
      ],
      ['java.lang.RuntimeException: x', '\tat a.B.c(B.java:1)', 'Caused by: y', '\t... 2 more'],
      ['Error: x', '    at f (a.js:1:2)'],
      ['', 'ERROR: x'],
    );
    // Few distinct instants, so that lines and records often share one.
    const log = fc
      .array(fc.tuple(record, fc.array(fc.integer({ min: 0, max: 1 }), { minLength: 8, maxLength: 8 })), {
        maxLength: 8,
      })
      .map((records) => {
        let n = 0;
        return records.flatMap(([texts, steps]) =>
          texts.map((text, i) => [(n += steps[i % steps.length] ?? 0), text] as const),
        );
      });
    fc.assert(
      fc.property(log, (all) => expectStableIds(all)),
      { numRuns: 150 },
    );
  });
});
