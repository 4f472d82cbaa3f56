import { WILDCARD } from './masking.js';

/**
 * Share of positions at which a line agrees with a template of the same length. A `<*>`
 * in the template agrees with anything: it already stands for a variable, so a line
 * whose value there is new (or masked) still belongs. Without that rule masked lines fail
 * to rejoin their own cluster and clusters multiply on long streams.
 *
 * Returns -1 when the two differ at a word that needs evidence before it may vary (see
 * `needsEvidence`): the line cannot join on similarity alone; the miner then weighs the
 * values seen at each such position (`guardedDifferences`).
 */
export function similarity(template: readonly string[], tokens: readonly string[]): number {
  if (tokens.length === 0) return 1;
  let same = 0;
  for (let i = 0; i < tokens.length; i++) {
    const expected = template[i] as string;
    const actual = tokens[i] as string;
    if (fits(expected, actual)) same++;
    else if (needsEvidence(expected) || needsEvidence(actual)) return -1;
  }
  return same / tokens.length;
}

/**
 * The positions at which a line differs from a template at words that need evidence, when
 * the line would otherwise be similar enough to join (those positions counted as
 * agreeing); undefined when there are none, or a word that needs none differs too much.
 * Each such position must then prove itself a variable by its own values (`PositionEvidence`):
 * `from NEW to RUNNING` against `from RUNNING to DONE` shows two values per position, no
 * evidence of variables; a universe of tickers and an exchange that change on every line do.
 */
export function guardedDifferences(
  template: readonly string[],
  tokens: readonly string[],
  threshold: number,
): number[] | undefined {
  let positions: number[] | undefined;
  let same = 0;
  for (let i = 0; i < tokens.length; i++) {
    const expected = template[i] as string;
    const actual = tokens[i] as string;
    if (fits(expected, actual)) same++;
    else if (needsEvidence(expected) || needsEvidence(actual)) (positions ??= []).push(i);
  }
  if (!positions) return undefined;
  return (same + positions.length) / tokens.length >= threshold ? positions : undefined;
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

/**
 * Turns every position where the line differs into a variable, keeping the punctuation
 * both words share around it (`TSLA:` and `MSFT:` give `<*>:`), so a template reads as the
 * statement wrote it and a variable's values are the values; true when the template changed.
 */
export function generalize(template: string[], tokens: readonly string[]): boolean {
  let changed = false;
  for (let i = 0; i < tokens.length; i++) {
    const expected = template[i] as string;
    if (fits(expected, tokens[i] as string)) continue;
    template[i] = wildcardOf(expected, tokens[i] as string);
    changed = true;
  }
  return changed;
}

/** True when every line of `specific` also fits `general` (same length assumed). */
export function subsumes(general: readonly string[], specific: readonly string[]): boolean {
  for (let i = 0; i < general.length; i++) {
    if (!fits(general[i] as string, specific[i] as string)) return false;
  }
  return true;
}

/** Characters that wrap a value without being part of it. */
const OPENERS = new Set([...'([{<\'"']);
const CLOSERS = new Set([...')]}>\'",;:.!?']);

/**
 * Whether a line's word agrees with a template's: the same word, `<*>`, or a variable in
 * punctuation (`<*>:`, `(<*>)`) around a word with that punctuation. The common case, equal
 * words, costs one comparison.
 */
export function fits(expected: string, actual: string): boolean {
  if (expected === actual || expected === WILDCARD) return true;
  const at = expected.indexOf(WILDCARD);
  if (at < 0) return false;
  const head = expected.slice(0, at);
  const tail = expected.slice(at + WILDCARD.length);
  if (!isPunctuation(head, OPENERS) || !isPunctuation(tail, CLOSERS)) return false;
  return actual.length > head.length + tail.length && actual.startsWith(head) && actual.endsWith(tail);
}

function isPunctuation(text: string, allowed: ReadonlySet<string>): boolean {
  for (const char of text) if (!allowed.has(char)) return false;
  return true;
}

/** `<*>` with the wrapping punctuation two differing words share (`TSLA:`, `MSFT:` → `<*>:`). */
export function wildcardOf(a: string, b: string): string {
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head] && OPENERS.has(a[head] as string)) head++;
  let tail = 0;
  while (
    tail < a.length - head &&
    tail < b.length - head &&
    a[a.length - 1 - tail] === b[b.length - 1 - tail] &&
    CLOSERS.has(a[a.length - 1 - tail] as string)
  )
    tail++;
  return a.slice(0, head) + WILDCARD + a.slice(a.length - tail);
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
