import { describe, expect, it } from 'vitest';
import { groupingAccuracy } from './accuracy.js';

describe('groupingAccuracy', () => {
  it('is 1 when groups equal the true events, whatever their labels', () => {
    expect(groupingAccuracy(['a', 'a', 'b'], ['x', 'x', 'y'])).toBe(1);
  });

  it('counts no line of a group that mixes two events', () => {
    expect(groupingAccuracy(['a', 'a', 'b', 'c'], ['x', 'x', 'x', 'z'])).toBe(0.25);
  });

  it('counts no line of an event split over two groups', () => {
    expect(groupingAccuracy(['a', 'a', 'b', 'b'], ['x', 'y', 'z', 'z'])).toBe(0.5);
  });

  it('rejects label lists of different lengths', () => {
    expect(() => groupingAccuracy(['a'], [])).toThrow();
  });
});
