import { WILDCARD } from './masking.js';

/**
 * Share of positions at which a line agrees with a template of the same length. A `<*>`
 * in the template agrees with anything: it already stands for a variable, so a line
 * whose value there is new (or masked) still belongs. Without that rule masked lines fail
 * to rejoin their own cluster and clusters multiply on long streams.
 *
 * Returns -1 when the two differ at a word that needs evidence before it may vary (see
 * `needsEvidence`): the line cannot join on similarity alone; the miner then weighs the
 * values seen at that position (`soleGuardedDifference`).
 */
export function similarity(template: readonly string[], tokens: readonly string[]): number {
  if (tokens.length === 0) return 1;
  let same = 0;
  for (let i = 0; i < tokens.length; i++) {
    const expected = template[i] as string;
    const actual = tokens[i] as string;
    if (expected === actual || expected === WILDCARD) same++;
    else if (needsEvidence(expected) || needsEvidence(actual)) return -1;
  }
  return same / tokens.length;
}

/**
 * The one position at which a line differs from a template at a word that needs evidence,
 * when the line would otherwise be similar enough to join (that position counted as
 * agreeing); -1 when there is no such position or more than one. Two such words differing
 * at once (`from NEW to RUNNING` against `from RUNNING to DONE`) are no evidence of one
 * variable.
 */
export function soleGuardedDifference(
  template: readonly string[],
  tokens: readonly string[],
  threshold: number,
): number {
  let position = -1;
  let same = 0;
  for (let i = 0; i < tokens.length; i++) {
    const expected = template[i] as string;
    const actual = tokens[i] as string;
    if (expected === actual || expected === WILDCARD) same++;
    else if (needsEvidence(expected) || needsEvidence(actual)) {
      if (position >= 0) return -1;
      position = i;
    }
  }
  return position >= 0 && (same + 1) / tokens.length >= threshold ? position : -1;
}

/** The one position at which two templates of the same length differ; -1 for none or several. */
export function soleDifference(a: readonly string[], b: readonly string[]): number {
  let position = -1;
  for (let i = 0; i < a.length; i++) {
    if (a[i] === b[i]) continue;
    if (position >= 0) return -1;
    position = i;
  }
  return position;
}

/** Turns every position where the line differs into `<*>`; true when the template changed. */
export function generalize(template: string[], tokens: readonly string[]): boolean {
  let changed = false;
  for (let i = 0; i < tokens.length; i++) {
    if (template[i] === tokens[i] || template[i] === WILDCARD) continue;
    template[i] = WILDCARD;
    changed = true;
  }
  return changed;
}

/** True when every line of `specific` also fits `general` (same length assumed). */
export function subsumes(general: readonly string[], specific: readonly string[]): boolean {
  for (let i = 0; i < general.length; i++) {
    const token = general[i] as string;
    if (token !== WILDCARD && token !== specific[i]) return false;
  }
  return true;
}

/**
 * Words that are constants until the data shows otherwise: upper-case words (`FAILED`,
 * `GET`, `LEADING`, but also tickers such as `AAPL`, `BRK.B` or `V`). Where two lines differ in
 * such a word the miner waits for the position to take several distinct values before it
 * becomes a variable; lower-case words vary on first difference, as in Drain.
 */
export function needsEvidence(token: string): boolean {
  return isUpperCaseWord(token);
}

/** An upper-case word: a capital, no lower-case letter, no digit and no variable. */
function isUpperCaseWord(token: string): boolean {
  if (token.includes(WILDCARD)) return false;
  let capitals = 0;
  for (let i = 0; i < token.length; i++) {
    const code = token.charCodeAt(i);
    if ((code >= 97 && code <= 122) || (code >= 48 && code <= 57)) return false;
    if (code >= 65 && code <= 90) capitals++;
  }
  return capitals > 0;
}
