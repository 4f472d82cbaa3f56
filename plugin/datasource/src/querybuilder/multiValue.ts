import { ScopedVars } from '@grafana/data';
import { TemplateSrv } from '@grafana/runtime';

import { LabelOperator, escapeRegex } from '@gpt-runner-logs/contract';

/** Marks where a variable's values went, so the text around them can be escaped apart from them. */
const MARK = '\u0000';
const MARKED = new RegExp(`${MARK}(\\d+)${MARK}`, 'g');

type EqualityOperator = Extract<LabelOperator, '=' | '!='>;
type Interpolated = { op: LabelOperator; value: string };

/** What Grafana hands a custom format function: one value, or every selected value of a multi-value variable. */
const valuesOf = (value: unknown): string[] => (Array.isArray(value) ? value.map(String) : [String(value ?? '')]);

/**
 * `symbol = $symbol` with `$symbol` = AAPL, MSFT cannot stay an equality (it would match the
 * text `AAPL,MSFT`), so it becomes `symbol =~ AAPL|MSFT`, each value regex-escaped, as Loki
 * rewrites multi-value variables in its label matchers; `!=` becomes `!~`. Text around a
 * variable is escaped too (`BRK.$class` → `BRK\.(A|B)`). Single values keep the equality.
 *
 * Grafana's template service calls a format function with a variable's values (as Loki's
 * `interpolateQueryExpr` receives them); here it only records them, so the decision can be
 * made once every variable of the value is known.
 */
export function interpolateEquality(
  op: EqualityOperator,
  template: string,
  templateSrv: TemplateSrv,
  scopedVars: ScopedVars
): Interpolated {
  const found: string[][] = [];
  const marked = templateSrv.replace(template, scopedVars, (value: unknown) => {
    found.push(valuesOf(value));
    return `${MARK}${found.length - 1}${MARK}`;
  });
  const valuesAt = (index: string): string[] => found[Number(index)] ?? [];
  if (found.every((values) => values.length === 1)) {
    return { op, value: marked.replace(MARKED, (_mark, index: string) => valuesAt(index)[0] ?? '') };
  }
  const alone = found.length === 1 && marked === `${MARK}0${MARK}`;
  const alternation = (values: string[]) => {
    const escaped = values.map(escapeRegex);
    return escaped.length === 1 || alone ? escaped.join('|') : `(${escaped.join('|')})`;
  };
  const value = marked
    .split(MARKED)
    // split() keeps the captured indexes at odd positions, the literal text at even ones.
    .map((part, i) => (i % 2 === 0 ? escapeRegex(part) : alternation(valuesAt(part))))
    .join('');
  return { op: op === '=' ? '=~' : '!~', value };
}
