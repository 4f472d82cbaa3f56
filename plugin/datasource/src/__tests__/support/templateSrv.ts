import { ScopedVars, TypedVariableModel } from '@grafana/data';
import { TemplateSrv } from '@grafana/runtime';

type Values = Record<string, string | string[]>;

const regexEscape = (value: string) => value.replace(/[\\^$*+?.()|[\]{}\/]/g, '\\$&');

/** The formats Grafana's template service applies, for the formats this plugin uses. */
function format(value: string | string[], fmt: string | undefined): string {
  const values = Array.isArray(value) ? value : [value];
  switch (fmt) {
    case 'csv':
    case 'raw':
      return values.join(',');
    case 'regex':
      return values.length === 1 ? regexEscape(values[0] ?? '') : `(${values.map(regexEscape).join('|')})`;
    default:
      return values.length === 1 ? (values[0] ?? '') : `{${values.join(',')}}`;
  }
}

type FormatFunction = (value: string | string[], variable: Record<string, unknown>, fallback: typeof format) => string;

/**
 * A template service over fixed variables; scoped variables win, as in Grafana. A list is a
 * multi-value variable's selection. A format may be a function, which Grafana calls with the
 * variable's raw value (a list for a multi-value variable), a description of the variable
 * and its default formatter (TemplateSrv.formatValue, or scenes' formatRegistry).
 */
export function createTemplateSrv(variables: Values = {}): TemplateSrv {
  const lookup = (name: string, scopedVars?: ScopedVars): string | string[] | undefined => {
    const scoped = scopedVars?.[name]?.value;
    if (scoped !== undefined) {
      return scoped as string | string[];
    }
    return variables[name];
  };
  return {
    getVariables: () =>
      Object.keys(variables).map((name) => ({ name, type: 'custom' }) as unknown as TypedVariableModel),
    replace: (target?: string, scopedVars?: ScopedVars, fmt?: string | Function) =>
      (target ?? '').replace(/\$\{(\w+)(?::(\w+))?\}|\$(\w+)/g, (match, braced, bracedFmt, plain) => {
        const name = braced ?? plain;
        const value = lookup(name, scopedVars);
        if (value === undefined) {
          return match;
        }
        if (typeof fmt === 'function' && !bracedFmt) {
          const variable = { name, type: 'custom', multi: Array.isArray(value), includeAll: false };
          return (fmt as FormatFunction)(value, variable, format);
        }
        return format(value, bracedFmt ?? (typeof fmt === 'string' ? fmt : undefined));
      }),
    containsTemplate: (target?: string) => /\$\w+|\$\{\w+/.test(target ?? ''),
    updateTimeRange: () => {},
  } as TemplateSrv;
}
