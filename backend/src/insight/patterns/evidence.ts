import { dropOldest } from './bounded.js';
import { WILDCARD } from './masking.js';

/**
 * Distinct values seen at one position by templates that agree everywhere else: the
 * evidence that turns a word that looks like a constant into a variable. A position that
 * takes `needed` distinct values is a variable (tickers, exchanges, pod states in a list
 * of many); one that keeps to fewer is a constant that tells events apart (`GET` and
 * `POST`, `ERROR` and `WARN`, `ARMED` and `DISARMED`), however many lines repeat them.
 *
 * Memory is bounded: at most `limit` positions, the oldest forgotten first, each holding
 * the values seen until it proves itself (a few, since `needed` is small).
 */
export class PositionEvidence {
  private readonly values = new Map<string, Set<string>>();

  constructor(
    private readonly needed: number,
    private readonly limit: number,
  ) {}

  /**
   * Records that a line holds `value` where `template` holds another word; true when the
   * position has now shown enough distinct values to become a variable.
   */
  observe(template: readonly string[], position: number, value: string): boolean {
    return this.observeAll(template, [position], [value]);
  }

  /**
   * The same for a line that differs from `template` at several positions at once: each
   * is counted among the lines equal to the template everywhere else, and all become
   * variables together once every one of them has shown enough distinct values.
   */
  observeAll(template: readonly string[], positions: readonly number[], values: readonly string[]): boolean {
    const family = familyKey(template, positions);
    const keys = positions.map((position) => `${position}:${family}`);
    const combinations =
      positions.length > 1 ? this.valuesOf(`*:${family}`, first(template, positions)) : undefined;
    // A family whose combinations filled up without proving anything stays as it is.
    if (combinations && combinations.size >= MAX_COMBINATIONS) return false;
    let fewest = Infinity;
    let most = 0;
    for (let k = 0; k < positions.length; k++) {
      const seen = this.valuesOf(keys[k] as string, template[positions[k] as number] as string);
      seen.add(values[k] as string);
      fewest = Math.min(fewest, seen.size);
      most = Math.max(most, seen.size);
    }
    combinations?.add(values.join('\u0000'));
    if (most < this.needed || (combinations ? combinations.size < 2 * fewest : fewest < this.needed))
      return false;
    for (const key of keys) this.values.delete(key);
    this.values.delete(`*:${family}`);
    return true;
  }

  private valuesOf(key: string, first: string): Set<string> {
    const seen = this.values.get(key);
    if (seen) return seen;
    if (this.values.size >= this.limit) dropOldest(this.values, Math.ceil(this.limit / 4));
    const fresh = new Set([first]);
    this.values.set(key, fresh);
    return fresh;
  }
}

/**
 * Combinations kept per family of several positions. Positions that vary together in
 * fixed pairs (`from NEW to UNASSIGNED`, `from UNASSIGNED to ASSIGNED`: each value meets one
 * or two partners) are states of separate statements; values that meet many partners (a
 * universe of tickers on any exchange) are independent variables. So several positions
 * prove themselves when one has shown enough values and their combinations number at
 * least twice the values of the position with fewest: each value of it met two partners on
 * average (a side, BUY or SELL, with many tickers), as `joinOrthogonal` asks of one word.
 */
const MAX_COMBINATIONS = 64;

const first = (template: readonly string[], positions: readonly number[]): string =>
  positions.map((position) => template[position] as string).join('\u0000');

/** The template with the positions themselves as variables: the same for every sibling. */
function familyKey(template: readonly string[], positions: readonly number[]): string {
  let key = positions.join(',');
  for (let i = 0; i < template.length; i++) key += ' ' + (positions.includes(i) ? WILDCARD : template[i]);
  return key;
}
