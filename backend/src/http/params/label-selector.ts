/**
 * The Kubernetes label-selector grammar (`k8s.io/apimachinery/pkg/labels`), so a selector
 * the API server would refuse is a 400 naming `selector` here instead of a source failure:
 *
 *   selector    = requirement *( "," requirement )
 *   requirement = [ "!" ] key
 *               | key ( "=" | "==" | "!=" ) value
 *               | key ( "in" | "notin" ) "(" [ value *( "," value ) ] ")"
 *               | key ( ">" | "<" ) integer
 *   key         = [ DNS-1123 subdomain "/" ] name
 *   name        = 1–63 of [A-Za-z0-9._-], starting and ending alphanumeric
 *   value       = empty, or as name
 *
 * Spaces are allowed around every token.
 */
const NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const PREFIX = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/;
const INTEGER = /^-?\d{1,18}$/;

function checkKey(key: string): string | undefined {
  const slash = key.indexOf('/');
  const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  if (prefix !== undefined && !PREFIX.test(prefix)) return `"${prefix}" is not a DNS subdomain prefix`;
  if (!NAME.test(name)) return `"${key}" is not a label key`;
  return undefined;
}

const checkValue = (value: string): string | undefined =>
  value === '' || NAME.test(value) ? undefined : `"${value}" is not a label value`;

/** Splits on commas outside parentheses; `undefined` when parentheses do not balance. */
function splitRequirements(text: string): string[] | undefined {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '(') depth++;
    else if (c === ')') depth--;
    if (depth < 0 || depth > 1) return undefined;
    if (c === ',' && depth === 0) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  if (depth !== 0) return undefined;
  parts.push(text.slice(start));
  return parts;
}

function checkRequirement(raw: string): string | undefined {
  const text = raw.trim();
  if (text === '') return 'has an empty requirement';
  const set = /^(\S+)\s+(in|notin)\s*\((.*)\)$/.exec(text);
  if (set) {
    const [, key = '', , values = ''] = set;
    const keyProblem = checkKey(key);
    if (keyProblem) return keyProblem;
    for (const value of values.split(',')) {
      const problem = checkValue(value.trim());
      if (problem) return problem;
    }
    return undefined;
  }
  const compared = /^([^=!<>\s]+)\s*(==|=|!=|<|>)\s*(.*)$/.exec(text);
  if (compared) {
    const [, key = '', op, value = ''] = compared;
    const keyProblem = checkKey(key);
    if (keyProblem) return keyProblem;
    if (op === '<' || op === '>') return INTEGER.test(value) ? undefined : `"${value}" is not an integer`;
    return checkValue(value);
  }
  const exists = /^(!?)\s*([^=!<>\s()]+)$/.exec(text);
  if (exists) return checkKey(exists[2] ?? '');
  return `"${text}" is not a requirement`;
}

/** Why `text` is not a Kubernetes label selector, or `undefined` when it is one. */
export function labelSelectorProblem(text: string): string | undefined {
  if (text.length > 4096) return 'is longer than 4096 characters';
  const requirements = splitRequirements(text);
  if (!requirements) return 'has unbalanced parentheses';
  for (const requirement of requirements) {
    const problem = checkRequirement(requirement);
    if (problem) return problem;
  }
  return undefined;
}
