import React, { ChangeEvent } from 'react';
import { DataSourcePluginOptionsEditorProps } from '@grafana/data';
import { DataSourcePicker } from '@grafana/runtime';
import { Button, Field, FieldSet, InlineSwitch, Input, RadioButtonGroup, Stack, Text } from '@grafana/ui';

import { VALUE_VARIABLE } from '../frames/derived';
import { DerivedFieldConfig, DerivedFieldMatcher, UnifiedLogsOptions, UnifiedLogsSecureJsonData } from '../types';

type Props = DataSourcePluginOptionsEditorProps<UnifiedLogsOptions, UnifiedLogsSecureJsonData>;

const MATCHERS: Array<{ label: string; value: DerivedFieldMatcher; description: string }> = [
  { label: 'Payload field', value: 'payload', description: 'A field of the structured record, e.g. order_id' },
  { label: 'Label', value: 'label', description: 'A label of the line, e.g. symbol' },
  { label: 'Regex in line', value: 'regex', description: 'The first group of a regular expression over the line' },
];

const isValidRegex = (pattern: string): boolean => {
  try {
    new RegExp(pattern);
    return true;
  } catch {
    return false;
  }
};

interface RowProps {
  index: number;
  field: DerivedFieldConfig;
  ownUid: string;
  onChange: (field: DerivedFieldConfig) => void;
  onRemove: () => void;
}

function DerivedFieldRow({ index, field, ownUid, onChange, onRemove }: RowProps) {
  const id = (name: string) => `derived-${index}-${name}`;
  const matcher = field.matcherType ?? 'regex';
  const internal = field.datasourceUid !== undefined;
  const set = (patch: Partial<DerivedFieldConfig>) => onChange({ ...field, ...patch });
  const input = (name: keyof DerivedFieldConfig) => (event: ChangeEvent<HTMLInputElement>) =>
    set({ [name]: event.target.value });
  const toThis = field.datasourceUid === ownUid;

  return (
    <FieldSet label={field.name || `Derived field ${index + 1}`}>
      <Stack gap={2} wrap="wrap">
        <Field label="Name" description="Shown in log details">
          <Input id={id('name')} value={field.name} width={20} placeholder="order_id" onChange={input('name')} />
        </Field>
        <Field label="Value from">
          <RadioButtonGroup<DerivedFieldMatcher>
            options={MATCHERS}
            value={matcher}
            onChange={(matcherType) => set({ matcherType })}
          />
        </Field>
        <Field
          label={matcher === 'regex' ? 'Regex' : matcher === 'payload' ? 'Payload key' : 'Label name'}
          invalid={matcher === 'regex' && !isValidRegex(field.matcherRegex)}
          error="Not a valid regular expression"
        >
          <Input
            id={id('matcher')}
            value={field.matcherRegex}
            width={28}
            placeholder={matcher === 'regex' ? 'trace_id=(\\w+)' : 'order_id'}
            onChange={input('matcherRegex')}
          />
        </Field>
        <Field label="Link text">
          <Input
            id={id('title')}
            value={field.urlDisplayLabel ?? ''}
            width={24}
            placeholder="All lines of this order"
            onChange={input('urlDisplayLabel')}
          />
        </Field>
      </Stack>
      <Stack gap={2} wrap="wrap" alignItems="flex-end">
        <Field label="Internal link" description="Open a query in Explore instead of a URL">
          <InlineSwitch
            id={id('internal')}
            value={internal}
            onChange={(event) => set({ datasourceUid: event.currentTarget.checked ? ownUid : undefined })}
          />
        </Field>
        {internal && (
          <Field label="Data source" description="This one: every line with the same value; another: e.g. Tempo">
            <DataSourcePicker
              inputId={id('datasource')}
              current={field.datasourceUid ?? null}
              noDefault
              width={30}
              onChange={(ds) => set({ datasourceUid: ds.uid })}
            />
          </Field>
        )}
        {!toThis && (
          <Field label={internal ? 'Query' : 'URL'} description={`${VALUE_VARIABLE} is the value`}>
            <Input
              id={id('url')}
              value={field.url ?? ''}
              width={40}
              placeholder={internal ? VALUE_VARIABLE : `https://broker.example/orders/${VALUE_VARIABLE}`}
              onChange={input('url')}
            />
          </Field>
        )}
        <Button
          variant="secondary"
          fill="text"
          icon="trash-alt"
          aria-label={`Remove derived field ${index + 1}`}
          onClick={onRemove}
        >
          Remove
        </Button>
      </Stack>
    </FieldSet>
  );
}

/**
 * Derived fields, as Loki's data source has them: a payload field, label or regex match of
 * each line becomes a field with a link — to every line with the same value in this data
 * source (an order across GCS, Firestore and pods), to a tracing data source, or to a URL.
 */
export function DerivedFieldsSettings({ options, onOptionsChange }: Props) {
  const fields = options.jsonData.derivedFields ?? [];
  const save = (derivedFields: DerivedFieldConfig[]) =>
    onOptionsChange({ ...options, jsonData: { ...options.jsonData, derivedFields } });

  return (
    <FieldSet label="Derived fields">
      <Text color="secondary" element="p">
        Turn a value of each line into a link in log details.
      </Text>
      {fields.map((field, index) => (
        <DerivedFieldRow
          key={index}
          index={index}
          field={field}
          ownUid={options.uid}
          onChange={(next) => save(fields.map((current, i) => (i === index ? next : current)))}
          onRemove={() => save(fields.filter((_, i) => i !== index))}
        />
      ))}
      <Button
        variant="secondary"
        icon="plus"
        onClick={() => save([...fields, { name: '', matcherType: 'payload', matcherRegex: '' }])}
      >
        Add derived field
      </Button>
    </FieldSet>
  );
}
