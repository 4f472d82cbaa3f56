import { describe, expect, it } from 'vitest';
import { freeTextStart } from './freetext.js';
import { maskLine } from './masking.js';
import { PatternMiner } from './miner.js';

const WORDS =
  'the momentum signal was weak and volume never confirmed so size should shrink near close'.split(' ');

/** A sentence of `length` words, a different one for each `seed`. */
function sentence(seed: number, length: number): string {
  return Array.from({ length }, (_, i) => WORDS[(seed * 7 + i * (seed % 5) + i) % WORDS.length]).join(' ');
}

describe('freeTextStart', () => {
  it('finds the prose after a fixed prefix, and after a label in it', () => {
    expect(freeTextStart(maskLine('reflection on ord-12ab: The signal was weak and volume fell.'))).toBe(3);
    expect(
      freeTextStart(maskLine('strategy momentum v3 rationale: keep holding until the target is reached')),
    ).toBe(4);
  });

  it('finds none in short or structured lines', () => {
    expect(freeTextStart(maskLine('order filled ord-1 AAPL 10@1.5 venue=NASDAQ'))).toBe(-1);
    expect(freeTextStart(maskLine('reflection on ord-12ab: too short'))).toBe(-1);
    expect(freeTextStart(maskLine('every word of this line is a plain word'))).toBe(-1);
  });
});

describe('PatternMiner free text', () => {
  it('makes one template of a prefix followed by prose of any length', () => {
    const miner = new PatternMiner();
    const ids = Array.from({ length: 40 }, (_, i) =>
      miner.add(`reflection on ord-${1000 + i}: ${sentence(i, 3 + (i % 25))}.`),
    );
    expect(new Set(ids.map((id) => miner.resolve(id))).size).toBe(1);
    expect(miner.templates().map((t) => t.template)).toEqual(['reflection on <*>: <*>']);
  });

  it('keeps constant messages apart when they repeat behind a shared prefix', () => {
    const miner = new PatternMiner();
    const ids = new Set<string>();
    for (let i = 0; i < 12; i++) {
      ids.add(miner.add(`worker-${i}: ${sentence(i, 8)}`));
      ids.add(miner.add(`worker-${i + 1}: ${sentence(Math.max(0, i - 1), 8)}`));
    }
    expect(new Set([...ids].map((id) => miner.resolve(id))).size).toBe(12);
  });

  it('keeps constant messages behind a tag of words apart', () => {
    const miner = new PatternMiner();
    const ids = Array.from({ length: 12 }, (_, i) => miner.add(`kernel: ${sentence(i, 8)}`));
    expect(new Set(ids.map((id) => miner.resolve(id))).size).toBe(12);
  });
});
