/**
 * Building blocks of the secret corpora the redaction suites use. Every credential is
 * generated at run time, so the repository holds nothing a scanner (or a reader) could
 * take for a live key.
 */

/** Deterministic pseudo-random text from a small linear congruential generator. */
export function fake(alphabet: string, length: number, seed: number): string {
  let state = seed >>> 0;
  let out = '';
  for (let i = 0; i < length; i += 1) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    out += alphabet[state % alphabet.length] ?? '';
  }
  return out;
}

export const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
export const URLSAFE = `${ALNUM}_-`;
export const UPPER_DIGITS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
export const base64url = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');
