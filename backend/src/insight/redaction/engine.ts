/**
 * The text engine: every rule in one combined expression, compiled once per option set,
 * so a text is scanned in a single left-to-right pass (see rules.ts for the rules and why).
 */
import {
  RULES,
  redactionMarker,
  type Match,
  type RedactionMarker,
  type RedactionResult,
  type RedactionType,
  type Rule,
} from './rules.js';

export interface RedactorOptions {
  /** Also replace e-mail addresses with `[REDACTED:email]`. Off by default. */
  emails?: boolean;
}

// ---------------------------------------------------------------------------------------------
// Named groups, compiled to numbered ones

interface NumberedPattern {
  source: string;
  /** Group name → capture index in `source`. */
  groups: ReadonlyMap<string, number>;
}

/**
 * Rewrites `(?<name>…)` to `(…)` and `\k<name>` to its number. V8 builds a fresh object
 * for named groups on every match, which made a line full of secrets ten times slower.
 */
function numberGroups(pattern: string): NumberedPattern {
  const groups = new Map<string, number>();
  let source = '';
  let captures = 0;
  let inClass = false;
  for (let i = 0; i < pattern.length; i += 1) {
    const char = pattern[i] ?? '';
    const next = pattern.slice(i + 1, i + 3);
    if (char === '\\') {
      const backref = /^k<(\w+)>/.exec(pattern.slice(i + 1));
      const index = backref ? groups.get(backref[1] ?? '') : undefined;
      if (backref && index !== undefined && !inClass) {
        source += `(?:\\${index})`;
        i += backref[0].length;
      } else {
        source += char + (pattern[i + 1] ?? '');
        i += 1;
      }
      continue;
    }
    if (inClass) {
      inClass = char !== ']';
    } else if (char === '[') {
      inClass = true;
    } else if (char === '(' && !next.startsWith('?')) {
      captures += 1;
    } else if (char === '(' && /^\?<\w/.test(next + (pattern[i + 3] ?? ''))) {
      const name = /^\?<(\w+)>/.exec(pattern.slice(i + 1));
      captures += 1;
      groups.set(name?.[1] ?? '', captures);
      source += '(';
      i += name?.[0].length ?? 0;
      continue;
    }
    source += char;
  }
  return { source, groups };
}

// ---------------------------------------------------------------------------------------------
// Text engine

export type TextEngine = (text: string) => RedactionResult;

function compileProbe(rules: readonly Rule[]): (value: string) => RedactionType | undefined {
  const typed = rules.filter((rule) => rule.whole !== undefined && rule.id !== 'r_email');
  const { source, groups } = numberGroups(typed.map((rule) => `(?<${rule.id}>${rule.pattern})`).join('|'));
  const anchored = new RegExp(`^(?:${source})$`);
  return (value) => {
    const found = anchored.exec(value);
    if (!found) return undefined;
    return typed.find((rule) => found[groups.get(rule.id) ?? 0] !== undefined)?.whole;
  };
}

/** The match being replaced; one per scan, updated in place to spare the collector. */
class MatchState implements Match {
  index = 0;
  value = '';
  private found: RegExpExecArray | null = null;

  constructor(
    readonly text: string,
    readonly result: RedactionResult,
    private readonly groups: ReadonlyMap<string, number>,
    readonly probe: Match['probe'],
  ) {}

  at(found: RegExpExecArray): this {
    this.found = found;
    this.index = found.index;
    this.value = found[0];
    return this;
  }

  group(name: string): string | undefined {
    return this.found?.[this.groups.get(name) ?? -1];
  }

  mark(type: RedactionType): RedactionMarker {
    this.result.counts[type] = (this.result.counts[type] ?? 0) + 1;
    this.result.total += 1;
    return redactionMarker(type);
  }
}

interface CompiledRule {
  readonly index: number;
  readonly apply: Rule['apply'];
}

function ruleOf(rules: readonly CompiledRule[], found: RegExpExecArray): CompiledRule | undefined {
  for (const rule of rules) {
    if (found[rule.index] !== undefined) return rule;
  }
  return undefined;
}

export function compileTextEngine(options: RedactorOptions): TextEngine {
  const rules = RULES.filter((rule) => rule.optional !== 'emails' || options.emails === true);
  const probe = compileProbe(rules);
  const { source, groups } = numberGroups(rules.map((rule) => `(?<${rule.id}>${rule.pattern})`).join('|'));
  const combined = new RegExp(source, 'gm');
  const wrappers: CompiledRule[] = rules.map((rule) => ({
    index: groups.get(rule.id) ?? 0,
    apply: rule.apply,
  }));

  /** Redacts one pass; `glued` tells whether a replaced secret touched a non-separator. */
  const scan = (text: string): { result: RedactionResult; glued: boolean } => {
    const result: RedactionResult = { text, counts: {}, total: 0 };
    let glued = false;
    const state = new MatchState(text, result, groups, probe);
    const parts: string[] = [];
    let copied = 0;
    combined.lastIndex = 0;
    for (let found = combined.exec(text); found; found = combined.exec(text)) {
      const outcome = ruleOf(wrappers, found)?.apply(state.at(found));
      if (outcome === undefined) continue;
      if (typeof outcome !== 'string') {
        combined.lastIndex = outcome.resumeAt;
        continue;
      }
      parts.push(text.slice(copied, found.index), outcome);
      copied = found.index + found[0].length;
      glued ||= !isSeparator(text[found.index - 1]) || !isSeparator(text[copied]);
    }
    if (parts.length > 0) result.text = parts.join('') + text.slice(copied);
    return { result, glued };
  };

  // A marker changes what its neighbours see when a secret is glued to other text (a key
  // right before the dashes of a PEM block is only recognisable once the block is gone), so
  // such lines are scanned again until nothing changes: redaction stays idempotent.
  // Markers start and end with separators, so secrets between separators need no rescan.
  return (text) => {
    let { result, glued } = scan(text);
    for (let pass = 1; glued && pass < MAX_PASSES; pass += 1) {
      const next = scan(result.text);
      mergeCounts(next.result, result);
      ({ result, glued } = next);
    }
    return result;
  };
}

const MAX_PASSES = 4;

/** Characters whose neighbourhood a marker (`[…]`) does not change for any rule. */
const SEPARATORS = new Set([...' \t\r\n\f\v"\'`,;&=:(){}[]<>|\\']);
const isSeparator = (char: string | undefined): boolean => char === undefined || SEPARATORS.has(char);

function mergeCounts(into: RedactionResult, from: RedactionResult): void {
  for (const [type, count] of Object.entries(from.counts) as Array<[RedactionType, number]>) {
    into.counts[type] = (into.counts[type] ?? 0) + count;
  }
  into.total += from.total;
}
