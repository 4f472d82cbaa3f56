import React, { useEffect, useMemo, useState } from 'react';
import { css, cx } from '@emotion/css';
import { GrafanaTheme2 } from '@grafana/data';
import { Alert, Button, Input, Stack, Text, useStyles2 } from '@grafana/ui';

import { LabelFilter, LabelValueCount } from '@gpt-runner-logs/contract';

import type { EditorDataSource } from '../../editorDataSource';
import { LabelScope, fetchLabelNames, fetchLabelValues } from '../../labels/client';
import { selectionFilter } from '../../labels/suggest';
import { formatLabelFilter } from '../../querybuilder/params';

interface Props {
  datasource: EditorDataSource;
  /** The time range, source and other filters the lists are narrowed by. */
  scope: LabelScope;
  onAdd: (filter: LabelFilter) => void;
  onClose: () => void;
}

type Loaded<T> = { state: 'loading' } | { state: 'done'; items: T[] } | { state: 'error'; message: string };

const messageOf = (error: unknown): string =>
  (error as { data?: { detail?: string } })?.data?.detail ?? (error instanceof Error ? error.message : String(error));

/**
 * Loads once per `key` (undefined: nothing to load); a newer key wins over a slower older
 * load, and until its answer arrives the key reads as loading.
 */
function useLoaded<T>(key: string | undefined, load: () => Promise<T[]>): Loaded<T> | undefined {
  const [result, setResult] = useState<{ key: string; loaded: Loaded<T> }>();
  useEffect(() => {
    if (key === undefined) {
      return;
    }
    let current = true;
    load().then(
      (items) => current && setResult({ key, loaded: { state: 'done', items } }),
      (error: unknown) => current && setResult({ key, loaded: { state: 'error', message: messageOf(error) } })
    );
    return () => {
      current = false;
    };
    // `load` reads only what `key` names.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key]);
  if (key === undefined) {
    return undefined;
  }
  return result?.key === key ? result.loaded : { state: 'loading' };
}

function Status<T>({ loaded, what }: { loaded: Loaded<T> | undefined; what: string }) {
  if (loaded?.state === 'loading') {
    return <Text color="secondary">Loading {what}…</Text>;
  }
  if (loaded?.state === 'error') {
    return (
      <Alert title={`Could not load ${what}`} severity="warning">
        {loaded.message}
      </Alert>
    );
  }
  if (loaded?.state === 'done' && loaded.items.length === 0) {
    return <Text color="secondary">No {what} in this time range.</Text>;
  }
  return null;
}

/**
 * Label names, then the chosen label's values (with how many entries carry each), from the
 * backend over the panel's time range and the query's other filters, as Loki's label browser
 * offers them. Chosen values become one filter: `name=value`, or `name=~a|b` for several.
 */
export function LabelBrowser({ datasource, scope, onAdd, onClose }: Props) {
  const styles = useStyles2(getStyles);
  const [name, setName] = useState<string>();
  const [chosen, setChosen] = useState<string[]>([]);
  const [search, setSearch] = useState('');
  const scopeKey = JSON.stringify({ ...scope, range: scope.range && [+scope.range.from, +scope.range.to] });

  const names = useLoaded(scopeKey, () => fetchLabelNames(datasource.api, scope));
  const valuesKey = name === undefined ? undefined : `${scopeKey}\u0000${name}`;
  const values = useLoaded<LabelValueCount>(valuesKey, () => fetchLabelValues(datasource.api, name ?? '', scope));
  const shownValues = useMemo(() => {
    const items = values?.state === 'done' ? values.items : [];
    const wanted = search.toLowerCase();
    return items.filter(({ value }) => value.toLowerCase().includes(wanted));
  }, [values, search]);

  const filter = selectionFilter(name ?? '', chosen);
  const pickName = (next: string) => {
    setName(next === name ? undefined : next);
    setChosen([]);
    setSearch('');
  };
  const toggleValue = (value: string) =>
    setChosen((current) => (current.includes(value) ? current.filter((v) => v !== value) : [...current, value]));
  const add = (negate: boolean) => {
    const built = selectionFilter(name ?? '', chosen, negate);
    if (built) {
      onAdd(built);
      setChosen([]);
    }
  };

  return (
    <div className={styles.browser} data-testid="label-browser">
      <Stack direction="column" gap={1}>
        <Text element="h6">1. Select a label</Text>
        <Status loaded={names} what="label names" />
        <div className={styles.chips} role="listbox" aria-label="Label names">
          {(names?.state === 'done' ? names.items : []).map((label) => (
            <button
              key={label}
              type="button"
              role="option"
              aria-selected={label === name}
              className={cx(styles.chip, label === name && styles.selected)}
              onClick={() => pickName(label)}
            >
              {label}
            </button>
          ))}
        </div>
        {name && (
          <>
            <Text element="h6">2. Select values of {name}</Text>
            <Input
              aria-label="Search values"
              placeholder="Search values"
              value={search}
              width={32}
              onChange={(event) => setSearch(event.currentTarget.value)}
            />
            <Status loaded={values} what={`values of ${name}`} />
            <div className={styles.chips} role="listbox" aria-label={`Values of ${name}`} aria-multiselectable>
              {shownValues.map(({ value, entries }) => (
                <button
                  key={value}
                  type="button"
                  role="option"
                  aria-selected={chosen.includes(value)}
                  className={cx(styles.chip, chosen.includes(value) && styles.selected)}
                  onClick={() => toggleValue(value)}
                  title={`${entries} ${entries === 1 ? 'entry' : 'entries'}`}
                >
                  {value}
                  <span className={styles.count}>{entries}</span>
                </button>
              ))}
            </div>
          </>
        )}
        <Text element="h6">3. Resulting filter</Text>
        <code className={styles.result} aria-label="Resulting filter">
          {filter ? formatLabelFilter(filter) : 'Choose a label and one or more values'}
        </code>
        <Stack gap={1}>
          <Button size="sm" icon="plus" disabled={!filter} onClick={() => add(false)}>
            Add filter
          </Button>
          <Button size="sm" variant="secondary" icon="minus" disabled={!filter} onClick={() => add(true)}>
            Add as exclusion
          </Button>
          <Button size="sm" variant="secondary" fill="text" onClick={onClose}>
            Close
          </Button>
        </Stack>
      </Stack>
    </div>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  browser: css({
    padding: theme.spacing(1.5),
    margin: theme.spacing(0.5, 0, 1, 0),
    border: `1px solid ${theme.colors.border.weak}`,
    borderRadius: theme.shape.radius.default,
    background: theme.colors.background.secondary,
    maxWidth: 900,
  }),
  chips: css({
    display: 'flex',
    flexWrap: 'wrap',
    gap: theme.spacing(0.5),
    maxHeight: 180,
    overflowY: 'auto',
  }),
  chip: css({
    display: 'inline-flex',
    alignItems: 'center',
    gap: theme.spacing(0.5),
    padding: theme.spacing(0.25, 1),
    border: `1px solid ${theme.colors.border.medium}`,
    borderRadius: theme.shape.radius.pill,
    background: theme.colors.background.primary,
    color: theme.colors.text.primary,
    fontSize: theme.typography.bodySmall.fontSize,
    cursor: 'pointer',
    '&:hover': { background: theme.colors.action.hover },
  }),
  selected: css({
    background: theme.colors.primary.main,
    borderColor: theme.colors.primary.main,
    color: theme.colors.primary.contrastText,
    '&:hover': { background: theme.colors.primary.shade },
  }),
  count: css({
    opacity: 0.75,
    fontVariantNumeric: 'tabular-nums',
  }),
  result: css({
    fontFamily: theme.typography.fontFamilyMonospace,
    padding: theme.spacing(0.5, 1),
    background: theme.colors.background.canvas,
    borderRadius: theme.shape.radius.default,
  }),
});
