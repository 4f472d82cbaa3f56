import React from 'react';
import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';

import { DataSource } from '../datasource';
import { FakeBackend, VALID_TOKEN, startFakeBackend } from '../__tests__/support/fakeBackend';
import { connectDataSource } from '../__tests__/support/instance';
import { UnifiedLogsQuery } from '../types';
import { UnifiedLogsVariableQuery } from '../variables';
import { VariableQueryEditor } from './VariableQueryEditor';

let backend: FakeBackend;
let datasource: DataSource;

beforeAll(async () => {
  backend = await startFakeBackend();
  datasource = connectDataSource(backend.url, { token: VALID_TOKEN, variables: { namespace: 'trading' } });
});

afterAll(async () => {
  await backend.close();
});

/** Holds the variable's query as Grafana's variable editor does, and records every change. */
function renderEditor(initial: string | UnifiedLogsVariableQuery) {
  let query = initial;
  const onChange = jest.fn((next: UnifiedLogsVariableQuery) => {
    query = next;
    view.rerender(editor());
  });
  const editor = () => (
    <VariableQueryEditor
      datasource={datasource}
      query={query as unknown as UnifiedLogsVariableQuery & UnifiedLogsQuery}
      onChange={onChange as never}
      onRunQuery={() => {}}
    />
  );
  const view = render(editor());
  return { onChange, current: () => query as UnifiedLogsVariableQuery };
}

describe('VariableQueryEditor', () => {
  it('opens a text query saved before the editor in its structured form', () => {
    renderEditor('pods namespace=$namespace');
    expect(screen.getByRole('radio', { name: 'List' })).toBeChecked();
    expect(screen.getByLabelText('Which list')).toHaveValue('pods');
    expect(screen.getByLabelText('Scope namespace')).toHaveValue('$namespace');
  });

  it('builds a label-values query: the label, a source and a label filter', async () => {
    const { current } = renderEditor({ refId: 'V', type: 'meta', field: 'pods' });
    await userEvent.click(screen.getByRole('radio', { name: 'Label values' }));
    expect(current()).toMatchObject({ type: 'labelValues' });

    await userEvent.type(screen.getByLabelText('Label'), 'symbol{Enter}');
    expect(current().label).toBe('symbol');
    await userEvent.click(screen.getByRole('radio', { name: 'GCS' }));
    expect(current().source).toBe('gcs');

    await userEvent.click(screen.getByRole('button', { name: 'Add label filter' }));
    await userEvent.type(screen.getByLabelText('Label 1 name'), 'strategy{Enter}');
    await userEvent.type(screen.getByLabelText('Label 1 value'), '$strategy{Enter}');
    expect(current()).toEqual({
      refId: 'V',
      type: 'labelValues',
      field: 'pods',
      label: 'symbol',
      source: 'gcs',
      labels: [{ name: 'strategy', op: '=', value: '$strategy' }],
    });
  });
});
