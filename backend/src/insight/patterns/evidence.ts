import { dropOldest } from './bounded.js';
import { WILDCARD } from './masking.js';

/**
 * Distinct values seen at one position by templates that agree everywhere else: the
 * evidence that turns a word that looks like a constant into a variable. A position that
 * takes `needed` distinct values is a variable (tickers, exchanges, pod states in a list
 * of many); one that keeps to fewer is a constant that tells events apart (`GET` and
 * `POST`, `ERROR` and `WARN`, `ARMED` and `DISARMED`), however many lines repeat them.
 *
 * Memory is bounded: at most `needed` values per position, and at most `limit` positions,
 * the oldest forgotten first.
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
    const key = familyKey(template, position);
    let seen = this.values.get(key);
    if (!seen) {
      if (this.values.size >= this.limit) dropOldest(this.values, Math.ceil(this.limit / 4));
      seen = new Set([template[position] as string]);
      this.values.set(key, seen);
    }
    seen.add(value);
    if (seen.size < this.needed) return false;
    this.values.delete(key);
    return true;
  }
}

/** The template with the position itself as the variable: the same for every sibling. */
function familyKey(template: readonly string[], position: number): string {
  let key = String(position);
  for (let i = 0; i < template.length; i++) key += ' ' + (i === position ? WILDCARD : template[i]);
  return key;
}
