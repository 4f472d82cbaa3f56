import { RE2JS } from 're2js';

/**
 * User patterns run on RE2 (through re2js), not on JavaScript's backtracking engine: RE2
 * matches in time linear in the input, so a pattern such as `(a+)+$` cannot hang the
 * server. It is the same syntax Loki and Prometheus use, which operators already know.
 */
export interface SafeRegex {
  /** Unanchored search, as for line filters. */
  test(input: string): boolean;
  /** Whole-string match, as Prometheus label matchers do. */
  matchesWhole(input: string): boolean;
}

export class RegexSyntaxError extends Error {}

export function compileSafeRegex(pattern: string, options: { caseInsensitive?: boolean } = {}): SafeRegex {
  const flags = options.caseInsensitive ? RE2JS.CASE_INSENSITIVE : 0;
  try {
    const search = RE2JS.compile(pattern, flags);
    const whole = RE2JS.compile(`^(?:${pattern})$`, flags);
    return {
      test: (input) => search.test(input),
      matchesWhole: (input) => whole.test(input),
    };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new RegexSyntaxError(reason.replace(/^error parsing regexp: /, ''));
  }
}

const SPECIAL = /[.*+?^${}()|[\]\\]/g;

/** A literal, case-insensitive substring test. Escaped literals cannot backtrack, so V8's fast engine is safe here. */
export function compileSubstring(text: string): (input: string) => boolean {
  const literal = new RegExp(text.replace(SPECIAL, '\\$&'), 'i');
  return (input) => literal.test(input);
}
