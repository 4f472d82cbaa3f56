import React from 'react';
import { DataSourceSettings } from '@grafana/data';
import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';

import { DerivedFieldConfig, UnifiedLogsOptions, UnifiedLogsSecureJsonData } from '../types';
import { DerivedFieldsSettings } from './DerivedFieldsSettings';

type Settings = DataSourceSettings<UnifiedLogsOptions, UnifiedLogsSecureJsonData>;

/** Keeps the options like Grafana's settings page and returns the derived fields as saved. */
function renderSettings(derivedFields?: DerivedFieldConfig[]) {
  let options = { uid: 'unified-logs', jsonData: { backendUrl: 'http://logs:8080', derivedFields } } as Settings;
  const onOptionsChange = jest.fn((next: Settings) => {
    options = next;
    view.rerender(<DerivedFieldsSettings options={options} onOptionsChange={onOptionsChange} />);
  });
  const view = render(<DerivedFieldsSettings options={options} onOptionsChange={onOptionsChange} />);
  return () => options.jsonData.derivedFields;
}

describe('DerivedFieldsSettings', () => {
  it('adds a payload field linked to a URL, in jsonData', async () => {
    const saved = renderSettings();
    await userEvent.click(screen.getByRole('button', { name: 'Add derived field' }));
    await userEvent.type(screen.getByLabelText(/^Name/), 'order_id');
    await userEvent.type(screen.getByLabelText(/^Payload key/), 'order_id');
    await userEvent.type(screen.getByLabelText(/^Link text/), 'Broker ticket');
    await userEvent.type(screen.getByLabelText(/^URL/), 'https://broker.example/o/');
    expect(saved()).toEqual([
      {
        name: 'order_id',
        matcherType: 'payload',
        matcherRegex: 'order_id',
        urlDisplayLabel: 'Broker ticket',
        url: 'https://broker.example/o/',
      },
    ]);
  });

  it('flags a regex that does not compile, and removes a field', async () => {
    const saved = renderSettings([{ name: 'trace', matcherType: 'regex', matcherRegex: 'trace=(\\w+' }]);
    expect(screen.getByText('Not a valid regular expression')).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Remove derived field 1' }));
    expect(saved()).toEqual([]);
  });
});
