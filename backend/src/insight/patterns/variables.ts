import type { PatternTemplate, PatternVariable, VariableValue } from '@gpt-runner-logs/contract';
import { SLICE_SIZE } from '../../model/index.js';
import { runAtOnce, type Staged } from '../stages.js';
import { WILDCARD } from './masking.js';
import { tokenize } from './tokenize.js';

/** Distinct values counted exactly per variable; past it `distinct` is a lower bound. */
export const MAX_TRACKED_VALUES = 1000;

/** Most frequent values reported per variable. */
export const TOP_VALUES = 5;

/** Values are clipped to this many characters: a free-text tail is one value, not a paragraph. */
export const MAX_VALUE_LENGTH = 80;

/** Lines per variable whose labels are compared with its value to name it. */
const NAMING_SAMPLE = 50;

/** What one line of a template carries besides its text: its labels may name a variable. */
export interface VariableLine {
  message: string;
  labels?: Readonly<Record<string, string>>;
}

/**
 * The values each `<*>` of a template took in the lines it grouped: how many distinct ones
 * and the most frequent with their counts, as a pattern view shows them (`symbol`: TSLA 5,
 * MSFT 4, …; `<*>`: 503 × 36). Lines are aligned to the template afterwards, so mining
 * stays as fast as it is; a line that does not align (it joined before the template took
 * its final form and is spelled unlike it) is left out of the counts, and `lines` says how
 * many were read.
 */
export class VariableSpread {
  private readonly tokens: string[];
  private readonly slots: Slot[];

  constructor(template: string) {
    this.tokens = template.split(' ');
    this.slots = keysOf(this.tokens).map((key) => new Slot(key));
  }

  add(line: VariableLine): void {
    if (this.slots.length === 0) return;
    const values = alignValues(this.tokens, line.message);
    if (!values || values.length !== this.slots.length) return;
    values.forEach((value, i) => (this.slots[i] as Slot).add(value, line.labels));
  }

  /** Empty when no line aligned: nothing is known of the values then. */
  result(): PatternVariable[] {
    if (this.slots.every((slot) => slot.empty)) return [];
    return this.slots.map((slot, index) => slot.result(index));
  }
}

class Slot {
  private readonly counts = new Map<string, number>();
  private lines = 0;
  private overflow = false;
  private readonly agreeing = new Map<string, number>();
  private sampled = 0;

  constructor(private readonly key: string | undefined) {}

  get empty(): boolean {
    return this.lines === 0;
  }

  add(raw: string, labels: Readonly<Record<string, string>> | undefined): void {
    const value = clipValue(raw);
    this.lines++;
    const count = this.counts.get(value);
    if (count !== undefined) this.counts.set(value, count + 1);
    else if (this.counts.size < MAX_TRACKED_VALUES) this.counts.set(value, 1);
    else this.overflow = true;
    if (this.key !== undefined || !labels || this.sampled >= NAMING_SAMPLE) return;
    this.sampled++;
    for (const name of Object.keys(labels)) {
      if (labels[name] === raw) this.agreeing.set(name, (this.agreeing.get(name) ?? 0) + 1);
    }
  }

  result(index: number): PatternVariable {
    const top: VariableValue[] = [...this.counts]
      .sort(([a, x], [b, y]) => y - x || (a < b ? -1 : a > b ? 1 : 0))
      .slice(0, TOP_VALUES)
      .map(([value, count]) => ({ value, count }));
    const variable: PatternVariable = { index, distinct: this.counts.size, lines: this.lines, top };
    if (this.overflow) variable.distinctCapped = true;
    const name = this.key ?? this.labelName();
    if (name !== undefined) variable.name = name;
    return variable;
  }

  /**
   * A label that holds the variable's value on every sampled line names it (`symbol` for the
   * ticker of `order filled AAPL`): the structured record and its message say the same thing.
   */
  private labelName(): string | undefined {
    if (this.sampled < 2) return undefined;
    for (const [name, count] of this.agreeing) if (count === this.sampled) return name;
    return undefined;
  }
}

function clipValue(value: string): string {
  return value.length <= MAX_VALUE_LENGTH ? value : `${value.slice(0, MAX_VALUE_LENGTH - 1)}…`;
}

/** The key a token spells before its variable (`limit=<*>`, `zxid:<*>`), one entry per `<*>`. */
function keysOf(tokens: readonly string[]): (string | undefined)[] {
  const keys: (string | undefined)[] = [];
  for (const token of tokens) {
    const pieces = token.split(WILDCARD);
    for (let i = 1; i < pieces.length; i++) {
      const key = i === 1 ? /^[(["']?([A-Za-z_][\w.-]*)[=:]$/.exec(pieces[0] as string)?.[1] : undefined;
      keys.push(key);
    }
  }
  return keys;
}

/**
 * The text of each `<*>` of a template in a line it grouped, or undefined when the line
 * does not align. Lines as long as the template align token by token; others (free text,
 * a unit or a run of values the masking folded) let each variable token span raw tokens up
 * to the template's next constant word.
 */
export function alignValues(template: readonly string[], message: string): string[] | undefined {
  const raw = tokenize(message);
  return (raw.length === template.length ? positional(template, raw) : undefined) ?? spanning(template, raw);
}

function positional(template: readonly string[], raw: readonly string[]): string[] | undefined {
  const values: string[] = [];
  for (let i = 0; i < template.length; i++) {
    const expected = template[i] as string;
    const actual = raw[i] as string;
    if (!expected.includes(WILDCARD)) {
      if (expected !== actual) return undefined;
      continue;
    }
    const inner = splitToken(expected, actual);
    if (!inner) return undefined;
    values.push(...inner);
  }
  return values;
}

function spanning(template: readonly string[], raw: readonly string[]): string[] | undefined {
  const values: string[] = [];
  let at = 0;
  for (let i = 0; i < template.length; i++) {
    const expected = template[i] as string;
    if (!expected.includes(WILDCARD)) {
      if (raw[at] !== expected) return undefined;
      at++;
      continue;
    }
    const next = template[i + 1];
    const span = spanOf(expected, next, raw, at, raw.length - (template.length - i - 1));
    if (!span) return undefined;
    values.push(...span.values);
    at = span.end;
  }
  return at === raw.length ? values : undefined;
}

/**
 * The raw words a variable token spans from `at`: up to the template's next constant word,
 * the rest of the line for the last token, else the fewest words (at most `limit`) its
 * own punctuation closes on (`msg="<*>"` over `msg="scrape ok"`).
 */
function spanOf(
  expected: string,
  next: string | undefined,
  raw: readonly string[],
  at: number,
  limit: number,
): { values: string[]; end: number } | undefined {
  if (next === undefined || !next.includes(WILDCARD)) {
    const end = next === undefined ? raw.length : raw.indexOf(next, at + 1);
    const values = end > at ? splitToken(expected, raw.slice(at, end).join(' ')) : undefined;
    return values && { values, end };
  }
  for (let end = at + 1; end <= limit; end++) {
    const values = splitToken(expected, raw.slice(at, end).join(' '));
    if (values) return { values, end };
  }
  return undefined;
}

/** The values of a token's `<*>`s in a raw text: its constant pieces must appear in order. */
function splitToken(expected: string, actual: string): string[] | undefined {
  const pieces = expected.split(WILDCARD);
  const head = pieces[0] as string;
  const tail = pieces[pieces.length - 1] as string;
  if (!actual.startsWith(head) || !actual.endsWith(tail) || actual.length < head.length + tail.length)
    return undefined;
  const values: string[] = [];
  let at = head.length;
  const end = actual.length - tail.length;
  for (let i = 1; i < pieces.length - 1; i++) {
    const piece = pieces[i] as string;
    const found = piece === '' ? at : actual.indexOf(piece, at);
    if (found < 0 || found > end) return undefined;
    values.push(actual.slice(at, found));
    at = found + piece.length;
  }
  if (at > end) return undefined;
  values.push(actual.slice(at, end));
  return values;
}

/**
 * The templates with their variables' spreads, read from the lines each one grouped
 * (`assigned[i]` is the template id of `lines[i]`, undefined for an evicted one).
 */
export function withVariables<T extends PatternTemplate>(
  templates: readonly T[],
  lines: readonly VariableLine[],
  assigned: readonly (string | undefined)[],
): T[] {
  return runAtOnce(spreadVariables(templates, lines, assigned));
}

/** `withVariables`, pausing after every `SLICE_SIZE` lines: aligning tens of thousands takes a while. */
export function* spreadVariables<T extends PatternTemplate>(
  templates: readonly T[],
  lines: readonly VariableLine[],
  assigned: readonly (string | undefined)[],
): Staged<T[]> {
  const spreads = new Map(templates.map((t) => [t.id, new VariableSpread(t.template)]));
  for (let i = 0; i < lines.length; i++) {
    if (i > 0 && i % SLICE_SIZE === 0) yield;
    const id = assigned[i];
    if (id !== undefined) spreads.get(id)?.add(lines[i] as VariableLine);
  }
  return templates.map((t) => {
    const variables = spreads.get(t.id)?.result() ?? [];
    return variables.length > 0 ? { ...t, variables } : t;
  });
}
