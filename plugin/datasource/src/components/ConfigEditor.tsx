import React, { ChangeEvent } from 'react';
import { DataSourcePluginOptionsEditorProps } from '@grafana/data';
import { Field, FieldSet, Input, SecretInput, Stack, Text } from '@grafana/ui';
import { MAX_LIMIT } from '@gpt-runner-logs/contract';

import { DEFAULT_CORRELATION_FIELDS } from '@gpt-runner-logs/contract';

import { DEFAULT_TIMEOUT_SECONDS } from '../api';
import { DEFAULT_MAX_LINES, UnifiedLogsOptions, UnifiedLogsSecureJsonData } from '../types';

type Props = DataSourcePluginOptionsEditorProps<UnifiedLogsOptions, UnifiedLogsSecureJsonData>;

type TokenName = keyof UnifiedLogsSecureJsonData;

const isHttpUrl = (value: string) => /^https?:\/\/[^\s/]+/i.test(value);

/** A whole number typed into a field, or undefined when it is empty or not a number. */
const numberOrUndefined = (text: string): number | undefined => {
  const value = Number(text);
  return text === '' || !Number.isFinite(value) ? undefined : value;
};

/** The two tokens, one per plugin.json route (see README: roles through Grafana). */
const TOKENS: Array<{ name: TokenName; label: string; description: string; id: string }> = [
  {
    name: 'viewerToken',
    id: 'config-read-token',
    label: 'Read token',
    description: 'Backend token with the viewer role; sent with every read (logs, volume, patterns, variables)',
  },
  {
    name: 'analystToken',
    id: 'config-summary-token',
    label: 'Summary token',
    description:
      'Backend token with the analyst role; sent only with summaries, which only Grafana Editors and Admins may run',
  },
];

/**
 * The tokens are write-only: once saved, Grafana only tells us that they are configured and
 * never sends them back, and the data-source proxy adds them to requests on the server.
 */
export function ConfigEditor({ options, onOptionsChange }: Props) {
  const { jsonData, secureJsonFields, secureJsonData } = options;
  const backendUrl = jsonData.backendUrl ?? '';

  const setJsonData = (patch: Partial<UnifiedLogsOptions>) =>
    onOptionsChange({ ...options, jsonData: { ...jsonData, ...patch } });

  const onTokenChange = (name: TokenName) => (event: ChangeEvent<HTMLInputElement>) =>
    onOptionsChange({ ...options, secureJsonData: { ...secureJsonData, [name]: event.target.value } });

  const onTokenReset = (name: TokenName) => () =>
    onOptionsChange({
      ...options,
      secureJsonFields: { ...secureJsonFields, [name]: false },
      secureJsonData: { ...secureJsonData, [name]: '' },
    });

  return (
    <Stack direction="column" gap={2}>
      <FieldSet label="Connection">
        <Text color="secondary" element="p">
          Grafana&apos;s server calls the Unified Logs backend for you; the browser never sees the tokens.
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
        {TOKENS.map(({ name, id, label, description }) => (
          <Field key={name} label={label} description={description}>
            <SecretInput
              id={id}
              isConfigured={Boolean(secureJsonFields?.[name])}
              value={secureJsonData?.[name] ?? ''}
              placeholder={`Paste the ${label.toLowerCase()}`}
              width={50}
              onReset={onTokenReset(name)}
              onChange={onTokenChange(name)}
            />
          </Field>
        ))}
        <Field label="Timeout" description={`Seconds to wait for the backend (default ${DEFAULT_TIMEOUT_SECONDS})`}>
          <Input
            id="config-timeout"
            type="number"
            min={1}
            max={600}
            value={jsonData.timeout ?? ''}
            placeholder={String(DEFAULT_TIMEOUT_SECONDS)}
            width={12}
            onChange={(event: ChangeEvent<HTMLInputElement>) =>
              setJsonData({ timeout: numberOrUndefined(event.target.value) })
            }
          />
        </Field>
      </FieldSet>
      <FieldSet label="Queries">
        <Field
          label="Maximum lines"
          description={`Lines a logs query reads when its own line limit is empty (default ${DEFAULT_MAX_LINES}, at most ${MAX_LIMIT})`}
        >
          <Input
            id="config-max-lines"
            type="number"
            min={1}
            max={MAX_LIMIT}
            value={jsonData.maxLines ?? ''}
            placeholder={String(DEFAULT_MAX_LINES)}
            width={12}
            onChange={(event: ChangeEvent<HTMLInputElement>) =>
              setJsonData({ maxLines: numberOrUndefined(event.target.value) })
            }
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
    </Stack>
  );
}
