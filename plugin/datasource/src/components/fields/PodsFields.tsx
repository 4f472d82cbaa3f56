import React, { useMemo } from 'react';
import { Combobox, InlineField, InlineFieldRow, InlineSwitch, MultiCombobox } from '@grafana/ui';

import { splitList } from '../../querybuilder/interpolate';
import { CommitInput } from './CommitInput';
import { metaLoader } from './suggestions';
import { QueryFieldProps } from './types';

/**
 * Pods are chosen either by namespace + label selector or by name (+ container, and the
 * previous container for crash loops), as `kubectl logs` does.
 */
export function PodsFields({ datasource, query, onCommit }: QueryFieldProps) {
  const { namespace, pods } = query;
  const namespaceOptions = useMemo(() => metaLoader(datasource, 'namespaces'), [datasource]);
  const podOptions = useMemo(() => metaLoader(datasource, 'pods', () => ({ namespace })), [datasource, namespace]);
  const containerOptions = useMemo(
    () => metaLoader(datasource, 'containers', () => ({ namespace, pod: splitList(pods)[0] })),
    [datasource, namespace, pods]
  );
  const id = (name: string) => `${query.refId}-${name}`;

  return (
    <>
      <InlineFieldRow>
        <InlineField label="Namespace" labelWidth={14} htmlFor={id('namespace')}>
          <Combobox<string>
            id={id('namespace')}
            options={namespaceOptions}
            value={query.namespace ?? null}
            createCustomValue
            isClearable
            placeholder="default namespace"
            width={24}
            onChange={(option) => onCommit({ namespace: option?.value || undefined })}
          />
        </InlineField>
        <InlineField label="Selector" labelWidth={12} tooltip="Kubernetes label selector, e.g. app=trader,tier!=canary">
          <CommitInput
            id={id('selector')}
            aria-label="Label selector"
            value={query.selector ?? ''}
            placeholder="app=trader"
            width={30}
            onCommit={(value) => onCommit({ selector: value.trim() || undefined })}
          />
        </InlineField>
      </InlineFieldRow>
      <InlineFieldRow>
        <InlineField label="Pods" labelWidth={14} htmlFor={id('pods')}>
          <MultiCombobox<string>
            id={id('pods')}
            options={podOptions}
            value={splitList(query.pods)}
            createCustomValue
            placeholder="by selector"
            width="auto"
            minWidth={24}
            onChange={(selected) => onCommit({ pods: selected.map((o) => o.value).join(',') || undefined })}
          />
        </InlineField>
        <InlineField label="Container" labelWidth={12} htmlFor={id('container')}>
          <Combobox<string>
            id={id('container')}
            options={containerOptions}
            value={query.container ?? null}
            createCustomValue
            isClearable
            placeholder="default container"
            width={24}
            onChange={(option) => onCommit({ container: option?.value || undefined })}
          />
        </InlineField>
        <InlineField label="Previous" labelWidth={10} tooltip="Logs of the last terminated container (crash loops)">
          <InlineSwitch
            id={id('previous')}
            aria-label="Previous container"
            value={Boolean(query.previous)}
            onChange={(event) => onCommit({ previous: event.currentTarget.checked || undefined })}
          />
        </InlineField>
      </InlineFieldRow>
    </>
  );
}
