import { describe, expect, it } from 'vitest';
import { maskLine, maskToken } from './masking.js';
import { tokenize } from './tokenize.js';

const masked = (line: string): string => maskLine(line).join(' ');

describe('tokenize', () => {
  it('splits on runs of any whitespace and drops empty tokens', () => {
    expect(tokenize('  a\tb \u00a0 c\n')).toEqual(['a', 'b', 'c']);
    expect(tokenize('')).toEqual([]);
  });
});

describe('maskLine', () => {
  it('masks IPv4 addresses with and without ports, keeping wrapping punctuation', () => {
    expect(masked('Connected to 10.0.0.12:8080 from (192.168.1.1) ok')).toBe(
      'Connected to <*> from (<*>) ok',
    );
  });

  it('masks IPv6 addresses, compressed or not', () => {
    expect(masked('peer fe80::1ff:fe23:4567:890a and 2001:db8::42 up')).toBe('peer <*> and <*> up');
  });

  it('masks UUIDs and hex values', () => {
    expect(masked('request 123e4567-e89b-12d3-a456-426614174000 done')).toBe('request <*> done');
    expect(masked('fault at 0x7ffd3a2b mask 0xFF')).toBe('fault at <*> mask <*>');
  });

  it('masks ISO timestamps and syslog-style dates as one variable', () => {
    expect(masked('started at 2024-03-05T14:22:01.123Z, next 2024-03-05 14:23:00,123')).toBe(
      'started at <*>, next <*>',
    );
    expect(masked('connection at Fri Jun 17 07:07:00 2005 closed')).toBe('connection at <*> closed');
  });

  it('leaves day and month names alone when no date surrounds them', () => {
    expect(masked('May I ask, may 5')).toBe('May I ask, may <*>');
  });

  it('masks absolute, relative and Windows paths', () => {
    expect(masked('reading /var/log/app/server.log and ./conf/app.yaml and C:\\Temp\\x.txt')).toBe(
      'reading <*> and <*> and <*>',
    );
  });

  it('masks URLs whole, query string included', () => {
    expect(masked('GET https://api.example.com/v1/items?id=42&sort=desc returned 200')).toBe(
      'GET <*> returned <*>',
    );
  });

  it('masks quoted strings, spaces included, but not apostrophes inside words', () => {
    expect(masked(`user "John Smith" said 'hello world' but can't log in`)).toBe(
      `user "<*>" said '<*>' but can't log in`,
    );
  });

  it('masks key=value values and keeps the keys; empty values stay empty', () => {
    expect(masked('login user=alice uid=1000 shell=/bin/bash (gid=7) empty=')).toBe(
      'login user=<*> uid=<*> shell=<*> (gid=<*>) empty=',
    );
  });

  it('masks key:value and dotted-leader values only when they hold digits', () => {
    expect(masked('cxid:0x2 type:create error: depth......0')).toBe(
      'cxid:<*> type:create error: depth......<*>',
    );
  });

  it('keeps the kind of snake_case ids and folds id lists of any length', () => {
    expect(masked('Deleting blk_-1234567890 and blk_42 blk_43 blk_44')).toBe('Deleting blk_<*> and blk_<*>');
    expect(masked('attempt_1445144423722_0020_m_000001_0 started')).toBe('attempt_<*> started');
  });

  it('folds units into the quantity they follow', () => {
    expect(masked('Memory 5.2 KB used, 93 B free, took 120 ms')).toBe('Memory <*> used, <*> free, took <*>');
  });

  it('leaves constant words, punctuation and keywords untouched', () => {
    const line = 'Transitioned from NEW to RUNNING; check pass: user unknown [preauth]';
    expect(masked(line)).toBe(line);
  });

  it('maps an already masked line onto itself', () => {
    const line = 'Failed password for <*> from <*> port <*>';
    expect(masked(line)).toBe(line);
  });
});

describe('maskToken', () => {
  it('masks any token with digits, whole, unless a key or kind prefix names it', () => {
    expect(maskToken('node-12.example.com')).toBe('<*>');
    expect(maskToken('v1.2.3')).toBe('<*>');
    expect(maskToken('container_e02_1445_01')).toBe('container_<*>');
    expect(maskToken('word')).toBe('word');
  });
});
