import React, { useMemo, useState } from 'react';
import { css } from '@emotion/css';
import { Button, Combobox, InlineField, InlineFieldRow, Stack } from '@grafana/ui';

import { LABEL_OPERATORS, LabelFilter, LabelOperator } from '@gpt-runner-logs/contract';
import { editorScope, nameLoader, valueLoader } from '../../labels/suggest';
import { LabelBrowser } from '../labels/LabelBrowser';
import { QueryFieldProps } from './types';

const OPERATOR_OPTIONS = LABEL_OPERATORS.map((op) => ({ label: op, value: op }));

/** Grafana's Combobox takes no aria-label: a label element read by screen readers names it. */
const hidden = css({ position: 'absolute', width: 1, height: 1, overflow: 'hidden', clipPath: 'inset(50%)' });

function HiddenLabel({ htmlFor, children }: { htmlFor: string; children: string }) {
  return (
    <label htmlFor={htmlFor} className={hidden}>
      {children}
    </label>
  );
}

interface RowProps extends QueryFieldProps {
  index: number;
  filter: LabelFilter;
  onChange: (filter: LabelFilter) => void;
  onRemove: () => void;
}

/**
 * One `name op value` row. Names and values are offered from the backend (label names in
 * the time range; this label's values, narrowed by the query's other filters) beside the
 * dashboard's variables; anything else can still be typed.
 */
function LabelFilterRow({ datasource, query, range, index, filter, onChange, onRemove }: RowProps) {
  const id = `${query.refId}-label-${index}`;
  const scope = () => editorScope(datasource, query, range, index);
  // Loaders change only with what they read, so the lists are not refetched on every render.
  const scopeKey = JSON.stringify([query.source, query.labels, range && [+range.from, +range.to]]);
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const names = useMemo(() => nameLoader(datasource, scope), [datasource, scopeKey, index]);
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const values = useMemo(() => valueLoader(datasource, filter.name, scope), [datasource, scopeKey, index, filter.name]);
  return (
    <InlineFieldRow>
      <HiddenLabel htmlFor={`${id}-name`}>{`Label ${index + 1} name`}</HiddenLabel>
      <HiddenLabel htmlFor={`${id}-op`}>{`Label ${index + 1} operator`}</HiddenLabel>
      <HiddenLabel htmlFor={`${id}-value`}>{`Label ${index + 1} value`}</HiddenLabel>
      <InlineField label={index === 0 ? 'Labels' : ''} labelWidth={14}>
        <Combobox<string>
          id={`${id}-name`}
          options={names}
          value={filter.name || null}
          createCustomValue
          placeholder="symbol"
          width={20}
          onChange={(option) => onChange({ ...filter, name: option?.value.trim() ?? '' })}
        />
      </InlineField>
      <Combobox<LabelOperator>
        id={`${id}-op`}
        options={OPERATOR_OPTIONS}
        value={filter.op}
        width={8}
        onChange={(option) => onChange({ ...filter, op: option.value })}
      />
      <Combobox<string>
        id={`${id}-value`}
        options={values}
        value={filter.value || null}
        createCustomValue
        placeholder="BTCUSDT"
        width={24}
        onChange={(option) => onChange({ ...filter, value: option?.value ?? '' })}
      />
      <Button
        variant="secondary"
        fill="text"
        icon="times"
        aria-label={`Remove label filter ${index + 1}`}
        onClick={onRemove}
      />
    </InlineFieldRow>
  );
}

/** Rows of `name op value`, and the label browser. A row without a name is kept in the editor but not sent. */
export function LabelFiltersField(props: QueryFieldProps) {
  const { datasource, query, range, onCommit, onEdit } = props;
  const [browsing, setBrowsing] = useState(false);
  const labels = query.labels ?? [];
  const replace = (index: number, filter: LabelFilter) =>
    onCommit({ labels: labels.map((current, i) => (i === index ? filter : current)) });
  const remove = (index: number) => onCommit({ labels: labels.filter((_, i) => i !== index) });
  const add = () => onEdit({ labels: [...labels, { name: '', op: '=', value: '' }] });

  return (
    <Stack direction="column" gap={0}>
      {labels.map((filter, index) => (
        <LabelFilterRow
          {...props}
          key={index}
          index={index}
          filter={filter}
          onChange={(next) => replace(index, next)}
          onRemove={() => remove(index)}
        />
      ))}
      <InlineFieldRow>
        <InlineField label={labels.length === 0 ? 'Labels' : ''} labelWidth={14}>
          <Stack gap={1}>
            <Button variant="secondary" size="sm" icon="plus" onClick={add}>
              Add label filter
            </Button>
            <Button
              variant="secondary"
              size="sm"
              icon="book-open"
              aria-expanded={browsing}
              onClick={() => setBrowsing(!browsing)}
            >
              Label browser
            </Button>
          </Stack>
        </InlineField>
      </InlineFieldRow>
      {browsing && (
        <LabelBrowser
          datasource={datasource}
          scope={editorScope(datasource, query, range)}
          onAdd={(filter) => onCommit({ labels: [...labels.filter((f) => f.name.trim() !== ''), filter] })}
          onClose={() => setBrowsing(false)}
        />
      )}
    </Stack>
  );
}
