import React from 'react';
import { DataSourceSettings } from '@grafana/data';
import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';

import { correlationFieldsOf } from '../frames/correlation';
import { DEFAULT_MAX_LINES, UnifiedLogsOptions, UnifiedLogsSecureJsonData } from '../types';
import { ConfigEditor } from './ConfigEditor';

type Settings = DataSourceSettings<UnifiedLogsOptions, UnifiedLogsSecureJsonData>;

function settings(overrides: Partial<Settings> = {}): Settings {
  return {
    id: 1,
    uid: 'unified-logs',
    orgId: 1,
    name: 'Unified Logs',
    type: 'gptrunner-unifiedlogs-datasource',
    typeName: 'Unified Logs',
    typeLogoUrl: '',
    access: 'proxy',
    url: '',
    user: '',
    basicAuth: false,
    basicAuthUser: '',
    isDefault: false,
    withCredentials: false,
    readOnly: false,
    jsonData: { backendUrl: 'http://unified-logs:8080', timeout: 20 },
    secureJsonFields: {},
    ...overrides,
  } as Settings;
}

/** Keeps the options in state like Grafana's settings page, and records every change. */
function renderEditor(initial: Settings) {
  const changes: Settings[] = [];
  const onOptionsChange = jest.fn((next: Settings) => {
    changes.push(next);
    view.rerender(<ConfigEditor options={next} onOptionsChange={onOptionsChange} />);
  });
  const view = render(<ConfigEditor options={initial} onOptionsChange={onOptionsChange} />);
  return { changes, onOptionsChange };
}

describe('ConfigEditor', () => {
  it('edits the backend URL and timeout in jsonData', async () => {
    const { changes } = renderEditor(settings({ jsonData: {} }));
    await userEvent.type(screen.getByLabelText(/Backend URL/), 'http://logs:8080');
    expect(changes[changes.length - 1]?.jsonData.backendUrl).toBe('http://logs:8080');

    await userEvent.type(screen.getByLabelText(/Timeout/), '45');
    expect(changes[changes.length - 1]?.jsonData.timeout).toBe(45);
  });

  it('stores the correlation fields the Related links follow, and they reach the data source', async () => {
    const { changes } = renderEditor(settings({ jsonData: {} }));
    await userEvent.type(screen.getByLabelText(/Correlation fields/), 'order_id,job_id:job-');
    const jsonData = changes[changes.length - 1]!.jsonData;
    expect(jsonData.correlationFields).toBe('order_id,job_id:job-');
    expect(correlationFieldsOf(jsonData.correlationFields)).toEqual([
      { name: 'order_id', textPrefix: 'ord-' },
      { name: 'job_id', textPrefix: 'job-' },
    ]);
  });

  it('flags a backend URL that is not http(s)', () => {
    renderEditor(settings({ jsonData: { backendUrl: 'unified-logs:8080' } }));
    expect(screen.getByText('Use an http:// or https:// URL')).toBeInTheDocument();
  });

  it.each([
    ['Read token', 'viewerToken'],
    ['Summary token', 'analystToken'],
  ] as const)('stores the %s in secureJsonData only, as %s', async (label, name) => {
    const { changes } = renderEditor(settings());
    const input = screen.getByLabelText(new RegExp(label));
    expect(input).toHaveAttribute('type', 'password');
    await userEvent.type(input, 's3cret');
    const last = changes[changes.length - 1]!;
    expect(last.secureJsonData).toEqual({ [name]: 's3cret' });
    expect(JSON.stringify(last.jsonData)).not.toContain('s3cret');
  });

  it('shows a saved token as configured, never its value, and resets that token alone', async () => {
    const { changes } = renderEditor(settings({ secureJsonFields: { viewerToken: true, analystToken: true } }));
    const input = screen.getByLabelText(/Summary token/);
    expect(input).toBeDisabled();
    expect(input).toHaveValue('configured');
    expect(document.body.innerHTML).not.toContain('analyst-token');

    await userEvent.click(screen.getAllByRole('button', { name: 'Reset' })[1]!);
    const last = changes[changes.length - 1]!;
    expect(last.secureJsonFields).toEqual({ viewerToken: true, analystToken: false });
    expect(last.secureJsonData?.analystToken).toBe('');
    expect(screen.getByLabelText(/Summary token/)).toBeEnabled();
    expect(screen.getByLabelText(/Read token/)).toBeDisabled();
  });

  it('edits the maximum lines in jsonData, showing the default as the placeholder', async () => {
    const { changes } = renderEditor(settings({ jsonData: {} }));
    const input = screen.getByLabelText(/Maximum lines/);
    expect(input).toHaveAttribute('placeholder', String(DEFAULT_MAX_LINES));
    await userEvent.type(input, '250');
    expect(changes[changes.length - 1]?.jsonData.maxLines).toBe(250);
    await userEvent.clear(input);
    expect(changes[changes.length - 1]?.jsonData.maxLines).toBeUndefined();
  });
});
