import { describe, expect, it } from 'vitest';
import { PositionEvidence } from './evidence.js';

describe('PositionEvidence', () => {
  it('proves a position once it has shown the needed distinct values, repeats not counting', () => {
    const evidence = new PositionEvidence(4, 100);
    const template = ['order', 'failed', 'for', 'AAPL'];
    expect(['MSFT', 'MSFT', 'AAPL', 'TSLA'].map((value) => evidence.observe(template, 3, value))).toEqual([
      false,
      false,
      false,
      false,
    ]);
    expect(evidence.observe(template, 3, 'NVDA')).toBe(true);
  });

  it('counts values per family: templates that differ elsewhere gather evidence apart', () => {
    const evidence = new PositionEvidence(3, 100);
    evidence.observe(['GET', '/a', 'ok'], 0, 'POST');
    expect(evidence.observe(['GET', '/b', 'ok'], 0, 'PUT')).toBe(false);
    expect(evidence.observe(['GET', '/a', 'ok'], 0, 'PUT')).toBe(true);
  });

  it('forgets the oldest positions past its limit, so memory stays bounded', () => {
    const evidence = new PositionEvidence(3, 8);
    evidence.observe(['first', 'A'], 1, 'B');
    for (let i = 0; i < 8; i++) evidence.observe([`other${i}`, 'A'], 1, 'B');
    // The first family was forgotten: two more values are needed again, not one.
    expect(evidence.observe(['first', 'A'], 1, 'C')).toBe(false);
  });
});
