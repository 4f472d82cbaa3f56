/**
 * Label and field selectors with the Kubernetes API server's semantics, for the API
 * server double in kubernetes.ts.
 *
 * Labels: `a=b`, `a==b`, `a!=b`, `a in (x,y)`, `a notin (x,y)`, `a`, `!a`, `a>1`, `a<1`,
 * joined by commas (all must hold). As in Kubernetes, `!=` and `notin` also select
 * objects that lack the label. Fields: `f=v`, `f==v`, `f!=v` over a fixed set of fields.
 */

export class SelectorError extends Error {}

type LabelOperator = 'equals' | 'notEquals' | 'in' | 'notIn' | 'exists' | 'doesNotExist' | 'gt' | 'lt';

export interface LabelRequirement {
  key: string;
  operator: LabelOperator;
  values: string[];
}

export type Labels = Readonly<Record<string, string>>;

export function matchesLabels(requirements: readonly LabelRequirement[], labels: Labels): boolean {
  return requirements.every((requirement) => matchesRequirement(requirement, labels));
}

function matchesRequirement({ key, operator, values }: LabelRequirement, labels: Labels): boolean {
  const has = Object.hasOwn(labels, key);
  const value = labels[key];
  switch (operator) {
    case 'equals':
    case 'in':
      return has && values.includes(value ?? '');
    case 'notEquals':
    case 'notIn':
      return !has || !values.includes(value ?? '');
    case 'exists':
      return has;
    case 'doesNotExist':
      return !has;
    case 'gt':
    case 'lt':
      return has && compareInteger(value ?? '', Number(values[0]), operator);
  }
}

function compareInteger(value: string, bound: number, operator: 'gt' | 'lt'): boolean {
  if (!/^-?\d+$/.test(value)) return false;
  const number = Number(value);
  return operator === 'gt' ? number > bound : number < bound;
}

// ---------------------------------------------------------------------------
// Label selector parsing

type Token =
  | { kind: 'word'; text: string }
  | { kind: 'op'; text: '!' | '=' | '==' | '!=' | '>' | '<' | '(' | ')' | ',' };

const OPERATOR_TOKENS = ['!=', '==', '=', '!', '>', '<', '(', ')', ','] as const;
const WORD = /^[A-Za-z0-9._\-/]+/;
const KEY = /^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const VALUE = /^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?$/;

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let rest = text;
  while (rest.length > 0) {
    const trimmed = rest.trimStart();
    if (trimmed !== rest) {
      rest = trimmed;
      continue;
    }
    const operator = OPERATOR_TOKENS.find((op) => rest.startsWith(op));
    const word = WORD.exec(rest)?.[0];
    if (operator !== undefined) {
      tokens.push({ kind: 'op', text: operator });
      rest = rest.slice(operator.length);
    } else if (word !== undefined) {
      tokens.push({ kind: 'word', text: word });
      rest = rest.slice(word.length);
    } else {
      throw new SelectorError(`unable to parse requirement: unexpected character in "${text}"`);
    }
  }
  return tokens;
}

/** Parses a label selector; an empty selector selects everything. */
export function parseLabelSelector(text: string | undefined): LabelRequirement[] {
  const tokens = tokenize(text ?? '');
  const requirements: LabelRequirement[] = [];
  let index = 0;
  while (index < tokens.length) {
    const [requirement, next] = parseRequirement(tokens, index);
    requirements.push(requirement);
    index = next;
    if (index < tokens.length) {
      expectOp(tokens, index, ',');
      index += 1;
      if (index >= tokens.length) throw new SelectorError('unable to parse requirement: trailing ","');
    }
  }
  return requirements;
}

function parseRequirement(tokens: Token[], start: number): [LabelRequirement, number] {
  const first = tokens[start];
  if (first?.kind === 'op' && first.text === '!') {
    return [{ key: keyAt(tokens, start + 1), operator: 'doesNotExist', values: [] }, start + 2];
  }
  const key = keyAt(tokens, start);
  const next = tokens[start + 1];
  if (next === undefined || (next.kind === 'op' && next.text === ',')) {
    return [{ key, operator: 'exists', values: [] }, start + 1];
  }
  if (next.kind === 'word' && (next.text === 'in' || next.text === 'notin')) {
    const [values, after] = parseValueSet(tokens, start + 2);
    return [{ key, operator: next.text === 'in' ? 'in' : 'notIn', values }, after];
  }
  if (next.kind === 'op') return parseComparison(key, next.text, tokens, start + 2);
  throw new SelectorError(
    `unable to parse requirement: found '${next.text}', expected: in, notin, =, ==, !=, gt, lt`,
  );
}

function parseComparison(
  key: string,
  operator: string,
  tokens: Token[],
  valueIndex: number,
): [LabelRequirement, number] {
  const token = tokens[valueIndex];
  // `a=` (empty value) is legal and means "label a is the empty string".
  const value = token?.kind === 'word' ? token.text : '';
  const after = token?.kind === 'word' ? valueIndex + 1 : valueIndex;
  validateValue(value);
  switch (operator) {
    case '=':
    case '==':
      return [{ key, operator: 'equals', values: [value] }, after];
    case '!=':
      return [{ key, operator: 'notEquals', values: [value] }, after];
    case '>':
    case '<':
      if (!/^-?\d+$/.test(value)) {
        throw new SelectorError(
          `unable to parse requirement: for 'gt', 'lt' operators, the value must be an integer`,
        );
      }
      return [{ key, operator: operator === '>' ? 'gt' : 'lt', values: [value] }, after];
    default:
      throw new SelectorError(
        `unable to parse requirement: found '${operator}', expected: in, notin, =, ==, !=, gt, lt`,
      );
  }
}

function parseValueSet(tokens: Token[], start: number): [string[], number] {
  expectOp(tokens, start, '(');
  const values: string[] = [];
  let index = start + 1;
  for (;;) {
    const token = tokens[index];
    if (token?.kind === 'word') {
      validateValue(token.text);
      values.push(token.text);
      index += 1;
    }
    const separator = tokens[index];
    if (separator?.kind === 'op' && separator.text === ')') return [values, index + 1];
    expectOp(tokens, index, ',');
    index += 1;
  }
}

function keyAt(tokens: Token[], index: number): string {
  const token = tokens[index];
  if (token?.kind !== 'word' || !KEY.test(token.text)) {
    throw new SelectorError(`unable to parse requirement: invalid label key "${token?.text ?? ''}"`);
  }
  return token.text;
}

function validateValue(value: string): void {
  if (value.length > 63 || !VALUE.test(value)) {
    throw new SelectorError(`unable to parse requirement: invalid label value: "${value}"`);
  }
}

function expectOp(tokens: Token[], index: number, text: string): void {
  const token = tokens[index];
  if (token?.kind !== 'op' || token.text !== text) {
    throw new SelectorError(
      `unable to parse requirement: found '${token?.text ?? 'EOF'}', expected: '${text}'`,
    );
  }
}

// ---------------------------------------------------------------------------
// Field selectors

export interface FieldRequirement {
  field: string;
  equals: boolean;
  value: string;
}

/** Parses `f=v,g!=w`; backslash escapes `\,`, `\=` and `\\` as Kubernetes does. */
export function parseFieldSelector(
  text: string | undefined,
  supported: ReadonlySet<string>,
): FieldRequirement[] {
  if (!text) return [];
  return splitUnescaped(text, ',').map((term) => parseFieldTerm(term, supported));
}

function parseFieldTerm(term: string, supported: ReadonlySet<string>): FieldRequirement {
  const match = /^(.*?)(!=|==|=)(.*)$/.exec(term);
  if (!match) throw new SelectorError(`invalid selector: '${term}'; can't understand '${term}'`);
  const [, field = '', operator, value = ''] = match;
  const name = field.trim();
  if (!supported.has(name)) throw new SelectorError(`field label not supported: ${name}`);
  return { field: name, equals: operator !== '!=', value: unescape(value.trim()) };
}

export function matchesFields(
  requirements: readonly FieldRequirement[],
  fields: Readonly<Record<string, string>>,
): boolean {
  return requirements.every(({ field, equals, value }) => (fields[field] === value) === equals);
}

function splitUnescaped(text: string, separator: string): string[] {
  const parts: string[] = [];
  let current = '';
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (char === '\\' && i + 1 < text.length) {
      current += char + text[i + 1];
      i += 1;
    } else if (char === separator) {
      parts.push(current);
      current = '';
    } else {
      current += char;
    }
  }
  parts.push(current);
  return parts;
}

function unescape(value: string): string {
  return value.replace(/\\(.)/g, '$1');
}
