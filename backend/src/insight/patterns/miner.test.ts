import { describe, expect, it } from 'vitest';
import type { LogEntry } from '../../model/index.js';
import { groupingAccuracy } from './accuracy.js';
import { MAX_EXAMPLE_LENGTH, minePatterns } from './index.js';
import { PatternMiner } from './miner.js';

/** A small deterministic generator (mulberry32), so synthetic logs are the same every run. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ts = (second: number): string => `2026-01-01T00:00:${String(second).padStart(2, '0')}.000000000Z`;

describe('PatternMiner grouping', () => {
  it('joins lines that differ only in variables into one template', () => {
    const miner = new PatternMiner();
    const a = miner.add('Failed password for root from 10.0.0.1 port 22 ssh2');
    const b = miner.add('Failed password for admin from 172.16.4.2 port 40112 ssh2');
    const c = miner.add('Failed password for guest from fe80::1 port 2 ssh2');
    expect(new Set([a, b, c]).size).toBe(1);
    // `ssh2` holds a digit: it is masked, and folds into the port before it.
    expect(miner.templates().map((t) => t.template)).toEqual(['Failed password for <*> from <*> port <*>']);
  });

  it('keeps lines that differ in constant words apart', () => {
    const miner = new PatternMiner();
    const accepted = miner.add('Accepted password for root from 10.0.0.1 port 22');
    const failed = miner.add('Failed password for root from 10.0.0.1 port 22');
    const opened = miner.add('Session opened for user root');
    const closed = miner.add('Connection closed by remote host');
    expect(new Set([accepted, failed, opened, closed]).size).toBe(4);
  });

  it('keeps upper-case states that have shown few values constants', () => {
    const miner = new PatternMiner();
    const a = miner.add('task_1 Task Transitioned from NEW to SCHEDULED');
    const b = miner.add('task_2 Task Transitioned from SCHEDULED to RUNNING');
    const c = miner.add('task_3 Task Transitioned from NEW to SCHEDULED');
    expect(a).toBe(c);
    expect(b).not.toBe(a);
  });

  it('turns an upper-case position into a variable once it has shown enough distinct values', () => {
    const miner = new PatternMiner();
    const ids = ['TSLA', 'MSFT', 'AAPL', 'BRK.B', 'NVDA', 'TSLA'].map((ticker) =>
      miner.add(`order submission failed for ${ticker}: broker returned 503`),
    );
    expect(new Set(ids.map((id) => miner.resolve(id))).size).toBe(1);
    // The colon both tickers carry stays outside the variable.
    expect(miner.templates().map((t) => t.template)).toEqual([
      'order submission failed for <*>: broker returned <*>',
    ]);
  });

  it("keeps a statement's states apart when they change in fixed pairs, but not values that meet many partners", () => {
    const miner = new PatternMiner();
    const transitions = [
      ['NEW', 'UNASSIGNED'],
      ['UNASSIGNED', 'ASSIGNED'],
      ['ASSIGNED', 'RUNNING'],
      ['RUNNING', 'SUCCEEDED'],
      ['RUNNING', 'FAILED'],
    ];
    for (let round = 0; round < 4; round++)
      for (const [from, to] of transitions) miner.add(`task ${round} moved from ${from} to ${to}`);
    expect(miner.templates().filter((t) => t.template.includes('from <*> to <*>'))).toEqual([]);

    const free = new PatternMiner();
    const exchanges = ['NYSE', 'ARCA', 'BATS', 'IEX', 'EDGX'];
    const tickers = ['AAPL', 'MSFT', 'NVDA', 'TSLA', 'AMZN', 'META', 'SPY', 'QQQ', 'IWM', 'TLT', 'KO', 'DIS'];
    const ids = tickers.map((ticker, i) =>
      free.add(`routed ${i} orders of ${ticker} to ${exchanges[i % 5]} today`),
    );
    expect(new Set(ids.map((id) => free.resolve(id))).size).toBe(1);
    expect(free.templates().map((t) => t.template)).toEqual(['routed <*> orders of <*> to <*> today']);
  });

  it('folds a leading upper-case position into a variable on the same evidence', () => {
    const miner = new PatternMiner();
    const ids = ['AAPL', 'MSFT', 'SPY', 'QQQ', 'TLT'].map((ticker) => miner.add(`position ${ticker} qty=5`));
    expect(new Set(ids.map((id) => miner.resolve(id))).size).toBe(1);
    expect(miner.templates().map((t) => t.template)).toEqual(['position <*> qty=<*>']);
  });

  it('keeps a few upper-case constants apart however often they repeat', () => {
    const miner = new PatternMiner();
    const ids = new Set<string>();
    for (let i = 0; i < 300; i++) {
      ids.add(miner.add(`${['GET', 'POST', 'PUT'][i % 3]} /api/v1/orders/${i} 200`));
      ids.add(miner.add(`kill switch ${i % 2 ? 'ARMED' : 'DISARMED'} by operator`));
    }
    expect(new Set([...ids].map((id) => miner.resolve(id))).size).toBe(5);
  });

  it('makes a two-valued word a variable when each of its values spans the same proven variable', () => {
    const miner = new PatternMiner();
    const ids: string[] = [];
    for (const side of ['BUY', 'SELL'])
      for (const ticker of ['AAPL', 'MSFT', 'NVDA', 'AMZN', 'META'])
        ids.push(miner.add(`order submitted ${side} 10 ${ticker} limit=1.5`));
    expect(new Set(ids.map((id) => miner.resolve(id))).size).toBe(1);
    expect(miner.templates().map((t) => t.template)).toEqual(['order submitted <*> <*> <*> limit=<*>']);
  });

  it('lets masked and already generalized lines rejoin their own template', () => {
    const miner = new PatternMiner();
    const id = miner.add('Login of alice accepted from 10.1.1.1');
    expect(miner.add('Login of bob accepted from 10.1.1.2')).toBe(id);
    expect(miner.add('Login of <*> accepted from <*>')).toBe(id);
    expect(miner.add('Login of carol accepted from <*>')).toBe(id);
    expect(miner.templates()).toHaveLength(1);
  });

  it('merges a template into a later, more general one that covers it', () => {
    const miner = new PatternMiner();
    const first = miner.add('Registering class Foo for class Bar');
    const general = miner.add('Registering class Foo2 for class Bar2');
    miner.add('Registering class Baz for class Bar3');
    expect(miner.resolve(first)).toBe(miner.resolve(general));
    expect(miner.templates()).toHaveLength(1);
    expect(miner.templates()[0]?.count).toBe(3);
  });

  it('does not grow on a long stream of repeated templates', () => {
    const next = random(7);
    const miner = new PatternMiner();
    for (let i = 0; i < 20_000; i++) {
      const n = Math.floor(next() * 1e6);
      const line = [
        `Received block blk_${n} of size ${n % 4096} from /10.0.${n % 255}.${n % 7}`,
        `PacketResponder ${n % 3} for block blk_-${n} terminating`,
        `Served block blk_${n} to /10.1.0.${n % 200}`,
      ][i % 3] as string;
      miner.add(line);
    }
    expect(miner.stats()).toMatchObject({ lines: 20_000, templates: 3, evictedTemplates: 0 });
  });
});

describe('PatternMiner statistics', () => {
  it('keeps count, first and last seen, severity mix, sources and up to three distinct examples', () => {
    const miner = new PatternMiner();
    miner.add('disk 1 full', { timestamp: ts(30), severity: 'ERROR', source: 'pods' });
    miner.add('disk 2 full', { timestamp: ts(10), severity: 'WARNING', source: 'gcs' });
    miner.add('disk 2 full', { severity: 'ERROR', source: 'pods' });
    miner.add('disk 3 full', { timestamp: ts(50) });
    miner.add('disk 4 full');
    const [template] = miner.templates();
    expect(template).toEqual({
      id: expect.stringMatching(/^p[0-9a-f]{8}$/),
      template: 'disk <*> full',
      count: 5,
      firstSeen: ts(10),
      lastSeen: ts(50),
      severities: { ERROR: 2, WARNING: 1 },
      sources: { pods: 2, gcs: 1 },
      examples: ['disk 1 full', 'disk 2 full', 'disk 3 full'],
    });
  });

  it('clips long example lines', () => {
    const miner = new PatternMiner();
    miner.add(`trace ${'x'.repeat(5000)}`);
    const [example] = miner.templates()[0]?.examples ?? [];
    expect(example).toHaveLength(MAX_EXAMPLE_LENGTH);
    expect(example?.endsWith('…')).toBe(true);
  });

  it('leaves first and last seen out when no line had a timestamp', () => {
    const miner = new PatternMiner();
    miner.add('ping');
    expect(miner.templates()[0]).not.toHaveProperty('firstSeen');
  });

  it('sorts templates by count, most frequent first', () => {
    const miner = new PatternMiner();
    miner.add('rare event happened');
    for (let i = 0; i < 3; i++) miner.add(`common event ${i}`);
    expect(miner.templates().map((t) => [t.template, t.count])).toEqual([
      ['common event <*>', 3],
      ['rare event happened', 1],
    ]);
  });

  it('mines log entries with their metadata', () => {
    const entry = (id: string, message: string): LogEntry => ({
      id,
      message,
      timestamp: ts(Number(id)),
      source: 'firestore',
      severity: 'INFO',
      labels: {},
    });
    const [template] = minePatterns([entry('1', 'saved doc 17'), entry('2', 'saved doc 18')]);
    expect(template).toMatchObject({ template: 'saved doc <*>', count: 2, sources: { firestore: 2 } });
    expect(template).toMatchObject({ firstSeen: ts(1), lastSeen: ts(2), severities: { INFO: 2 } });
  });
});

describe('PatternMiner determinism and bounds', () => {
  const stream = (): string[] => {
    const next = random(42);
    return Array.from(
      { length: 500 },
      (_, i) => `worker ${Math.floor(next() * 50)} step ${i % 7 === 0 ? 'start' : 'stop'}`,
    );
  };

  it('gives the same ids and templates for the same input order', () => {
    const run = (): unknown => {
      const miner = new PatternMiner();
      const ids = stream().map((line) => miner.add(line));
      return { ids, templates: miner.templates() };
    };
    expect(run()).toEqual(run());
  });

  it('caps live templates, evicting the least recently seen', () => {
    const miner = new PatternMiner({ maxTemplates: 5 });
    const keep = miner.add('heartbeat from scheduler ok');
    for (let i = 0; i < 20; i++) {
      miner.add(`${'word '.repeat(i + 1)}distinct shape`);
      miner.add('heartbeat from scheduler ok');
    }
    const stats = miner.stats();
    expect(stats.templates).toBe(5);
    expect(stats.evictedTemplates).toBe(16);
    expect(stats.evictedLines).toBe(16);
    expect(miner.resolve(keep)).toBe(keep);
    expect(miner.templates()[0]).toMatchObject({ id: keep, count: 21 });
  });

  it('gives a returning template its old id after eviction', () => {
    const miner = new PatternMiner({ maxTemplates: 1 });
    const first = miner.add('alpha happened');
    miner.add('beta happened twice over');
    expect(miner.resolve(first)).toBeUndefined();
    expect(miner.add('alpha happened')).toBe(first);
  });
});

describe('PatternMiner accuracy', () => {
  const EVENTS: ((pick: <T>(items: readonly T[]) => T, n: () => number) => string)[] = [
    (pick, n) => `Accepted publickey for ${pick(USERS)} from 10.0.${n() % 256}.${n() % 256} port ${n()} ssh2`,
    (pick, n) => `Invalid user ${pick(USERS)} from 192.168.${n() % 256}.${n() % 256}`,
    (_, n) => `Job job_${n()}_${n()} finished in ${n()} ms with status SUCCEEDED`,
    (_, n) => `Job job_${n()}_${n()} finished in ${n()} ms with status FAILED`,
    (pick, n) => `Wrote ${n()} bytes to /data/${pick(USERS)}/part-${n()}.parquet`,
    (_, n) =>
      `Request ${n().toString(16)}-${n()} GET https://api.example.com/v1/items?id=${n()} returned 200`,
    (_, n) => `Session 0x${n().toString(16)} expired after ${n() % 60} seconds`,
    (pick) => `Cache warmed for tenant ${pick(USERS)}`,
    () => `Cache flushed for tenant acme`,
    (_, n) => `Checkpoint saved at 2026-03-0${(n() % 9) + 1}T10:${String(n() % 60).padStart(2, '0')}:00Z`,
    (pick, n) =>
      `config reload requested by ${pick(USERS)} key=feature.${pick(['alpha', 'beta'])} value=${n() % 2}`,
  ];
  const USERS = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'grace'] as const;

  it('groups a synthetic labelled log perfectly', () => {
    const next = random(1);
    const n = (): number => Math.floor(next() * 100_000);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T;
    const truth: string[] = [];
    const lines: string[] = [];
    for (let i = 0; i < 2000; i++) {
      const event = Math.floor(next() * EVENTS.length);
      truth.push(`E${event}`);
      lines.push((EVENTS[event] as (typeof EVENTS)[number])(pick, n));
    }
    const miner = new PatternMiner();
    const ids = lines.map((line) => miner.add(line));
    const predicted = ids.map((id) => miner.resolve(id) ?? id);
    expect(groupingAccuracy(truth, predicted)).toBe(1);
  });
});
