import React, { ChangeEvent } from 'react';
import { DataSourcePluginOptionsEditorProps } from '@grafana/data';
import { Field, FieldSet, Input, SecretInput, Stack, Text } from '@grafana/ui';

import { DEFAULT_CORRELATION_FIELDS } from '@gpt-runner-logs/contract';

import { DEFAULT_TIMEOUT_SECONDS } from '../api';
import { DerivedFieldsSettings } from './DerivedFieldsSettings';
import { UnifiedLogsOptions, UnifiedLogsSecureJsonData } from '../types';

type Props = DataSourcePluginOptionsEditorProps<UnifiedLogsOptions, UnifiedLogsSecureJsonData>;

const isHttpUrl = (value: string) => /^https?:\/\/[^\s/]+/i.test(value);

/**
 * The token is write-only: once saved, Grafana only tells us that it is configured and never
 * sends it back, and the data-source proxy adds it to requests on the server.
 */
export function ConfigEditor({ options, onOptionsChange }: Props) {
  const { jsonData, secureJsonFields, secureJsonData } = options;
  const backendUrl = jsonData.backendUrl ?? '';

  const setJsonData = (patch: Partial<UnifiedLogsOptions>) =>
    onOptionsChange({ ...options, jsonData: { ...jsonData, ...patch } });

  const onTokenChange = (event: ChangeEvent<HTMLInputElement>) =>
    onOptionsChange({ ...options, secureJsonData: { ...secureJsonData, apiToken: event.target.value } });

  const onTokenReset = () =>
    onOptionsChange({
      ...options,
      secureJsonFields: { ...secureJsonFields, apiToken: false },
      secureJsonData: { ...secureJsonData, apiToken: '' },
    });

  const onTimeoutChange = (event: ChangeEvent<HTMLInputElement>) => {
    const seconds = Number(event.target.value);
    setJsonData({ timeout: event.target.value === '' || !Number.isFinite(seconds) ? undefined : seconds });
  };

  return (
    <Stack direction="column" gap={2}>
      <FieldSet label="Connection">
        <Text color="secondary" element="p">
          Grafana&apos;s server calls the Unified Logs backend for you; the browser never sees the token.
        </Text>
        <Field
          label="Backend URL"
          description="Where the Grafana server reaches the backend, for example http://unified-logs:8080"
          invalid={backendUrl !== '' && !isHttpUrl(backendUrl)}
          error="Use an http:// or https:// URL"
          required
        >
          <Input
            id="config-backend-url"
            value={backendUrl}
            placeholder="http://unified-logs:8080"
            width={50}
            onChange={(event: ChangeEvent<HTMLInputElement>) => setJsonData({ backendUrl: event.target.value.trim() })}
          />
        </Field>
        <Field label="API token" description="Bearer token issued by the backend; its role decides what can be read">
          <SecretInput
            id="config-api-token"
            isConfigured={Boolean(secureJsonFields?.apiToken)}
            value={secureJsonData?.apiToken ?? ''}
            placeholder="Paste the API token"
            width={50}
            onReset={onTokenReset}
            onChange={onTokenChange}
          />
        </Field>
        <Field label="Timeout" description={`Seconds to wait for the backend (default ${DEFAULT_TIMEOUT_SECONDS})`}>
          <Input
            id="config-timeout"
            type="number"
            min={1}
            max={600}
            value={jsonData.timeout ?? ''}
            placeholder={String(DEFAULT_TIMEOUT_SECONDS)}
            width={12}
            onChange={onTimeoutChange}
          />
        </Field>
        <Field
          label="Correlation fields"
          description="The backend's CORRELATION_FIELDS when not the default: fields whose values link to the Related view"
        >
          <Input
            id="config-correlation-fields"
            value={jsonData.correlationFields ?? ''}
            placeholder={DEFAULT_CORRELATION_FIELDS.join(',')}
            width={50}
            onChange={(event: ChangeEvent<HTMLInputElement>) =>
              setJsonData({ correlationFields: event.target.value.trim() || undefined })
            }
          />
        </Field>
      </FieldSet>
      <DerivedFieldsSettings options={options} onOptionsChange={onOptionsChange} />
    </Stack>
  );
}
