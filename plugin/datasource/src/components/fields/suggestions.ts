import { ComboboxOption } from '@grafana/ui';

import type { EditorDataSource } from '../../editorDataSource';
import { MetaField, MetaScopeParamName } from '@gpt-runner-logs/contract';

export type OptionsLoader = (inputValue: string) => Promise<Array<ComboboxOption<string>>>;

const toOption = (value: string, description?: string): ComboboxOption<string> => ({
  value,
  label: value,
  description,
});

function matches(option: ComboboxOption<string>, inputValue: string): boolean {
  return option.value.toLowerCase().includes(inputValue.toLowerCase());
}

/**
 * Backend values for a field plus the dashboard's variables. Loaded when the list opens (not
 * when the editor mounts), and a backend failure still leaves variables and free text usable.
 */
export function metaLoader(
  datasource: EditorDataSource,
  field: MetaField,
  params: () => Partial<Record<MetaScopeParamName, string>> = () => ({})
): OptionsLoader {
  return async (inputValue: string) => {
    const variables = datasource.variableNames().map((name) => toOption(name, 'Template variable'));
    let values: string[] = [];
    try {
      values = await datasource.suggest(field, params());
    } catch {
      values = [];
    }
    return [...values.map((value) => toOption(value)), ...variables].filter((option) => matches(option, inputValue));
  };
}

/** Fixed choices (severities) plus the dashboard's variables. */
export function staticOptions(datasource: EditorDataSource, values: readonly string[]): Array<ComboboxOption<string>> {
  return [
    ...values.map((value) => toOption(value)),
    ...datasource.variableNames().map((name) => toOption(name, 'Template variable')),
  ];
}
