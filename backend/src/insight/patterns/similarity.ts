import { WILDCARD } from './masking.js';

/**
 * Share of positions at which a line agrees with a template of the same length. A `<*>`
 * in the template agrees with anything: it already stands for a variable, so a line
 * whose value there is new (or masked) still belongs. Without that rule masked lines fail
 * to rejoin their own cluster and clusters multiply on long streams.
 *
 * Returns -1 when the two differ at an upper-case word: such words are states, modes and
 * keywords (`RUNNING`, `LEADING`, `GET`), constants that tell events apart, so they never
 * turn into a variable.
 */
export function similarity(template: readonly string[], tokens: readonly string[]): number {
  if (tokens.length === 0) return 1;
  let same = 0;
  for (let i = 0; i < tokens.length; i++) {
    const expected = template[i] as string;
    const actual = tokens[i] as string;
    if (expected === actual || expected === WILDCARD) same++;
    else if (isKeyword(expected) || isKeyword(actual)) return -1;
  }
  return same / tokens.length;
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

/** Two or more capitals, no lower-case letter, no digit and no variable: `FAILED`, `JOB_SETUP`. */
export function isKeyword(token: string): boolean {
  if (token.includes(WILDCARD)) return false;
  let capitals = 0;
  for (let i = 0; i < token.length; i++) {
    const code = token.charCodeAt(i);
    if ((code >= 97 && code <= 122) || (code >= 48 && code <= 57)) return false;
    if (code >= 65 && code <= 90) capitals++;
  }
  return capitals >= 2;
}
