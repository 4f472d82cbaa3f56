import type { PatternVariable, TemplateDigest } from '@gpt-runner-logs/contract';

/** Variables told per cause: the rest are rarely what a reader needs first. */
const MAX_TOLD = 2;

const n = (value: number): string => value.toLocaleString('en-US');

/** Each variable that held one value on every line of the template is written in (`broker returned 503`). */
export function instantiate(template: TemplateDigest): string {
  const variables = template.variables ?? [];
  let index = 0;
  return template.template.replace(/<\*>/g, (wildcard) => {
    const variable = variables[index++];
    return variable && isConstant(variable, template.count) ? (variable.top[0]?.value ?? wildcard) : wildcard;
  });
}

const isConstant = (variable: PatternVariable, count: number): boolean =>
  variable.distinct === 1 && variable.lines === count && variable.top.length === 1;

/**
 * The spread of a template's varying values: `across 8 symbols (TSLA 7, MSFT 6, META 5, …)`;
 * values that never repeat (ids, prose) are only counted (`36 distinct order ids`). Named
 * variables first, then those with the fewest values: a handful of symbols tells a reader
 * more than a thousand order ids.
 */
export function describeSpread(template: TemplateDigest): string {
  const told = (template.variables ?? [])
    .filter((v) => v.distinct > 1 && v.lines > 0)
    .sort((a, b) => Number(b.name !== undefined) - Number(a.name !== undefined) || a.distinct - b.distinct)
    .slice(0, MAX_TOLD)
    .map(describeVariable);
  return told.length === 0 ? '' : `across ${told.join(' and ')}`;
}

function describeVariable(variable: PatternVariable): string {
  const count = `${variable.distinctCapped ? 'over ' : ''}${n(variable.distinct)}`;
  const what = variable.name ? pluralName(variable.name) : `values of <*> #${variable.index + 1}`;
  const repeats = variable.distinct < variable.lines;
  if (!repeats) return `${count} distinct ${what}`;
  const top = variable.top.map((v) => `${v.value} ${n(v.count)}`).join(', ');
  const more = variable.distinct > variable.top.length ? ', …' : '';
  return `${count} ${what} (${top}${more})`;
}

/** `symbol` → `symbols`, `strategy` → `strategies`, `status` → `statuses`; names are label keys. */
function pluralName(name: string): string {
  if (/[^aeiou]y$/i.test(name)) return `${name.slice(0, -1)}ies`;
  if (/(s|x|z|ch|sh)$/i.test(name)) return `${name}es`;
  return `${name}s`;
}
