import React from 'react';
import { css } from '@emotion/css';
import { GrafanaTheme2 } from '@grafana/data';
import { useStyles2 } from '@grafana/ui';

import { SummaryView } from '../types';

type Props = Pick<SummaryView, 'provider' | 'model' | 'promptTokens' | 'completionTokens' | 'cached'>;

const count = (n: number) => n.toLocaleString('en-US');

/** Who wrote the summary and what it cost, so readers can weigh it. */
export function SummaryFooter({ provider, model, promptTokens, completionTokens, cached }: Props) {
  const styles = useStyles2(getStyles);
  const parts: string[] = [];
  if (provider) {
    parts.push(model ? `${provider} · ${model}` : provider);
  }
  if (promptTokens !== undefined || completionTokens !== undefined) {
    parts.push(`${count(promptTokens ?? 0)} prompt + ${count(completionTokens ?? 0)} completion tokens`);
  }
  if (cached) {
    parts.push('cached');
  }
  if (parts.length === 0) {
    return null;
  }
  return (
    <footer className={styles.footer} aria-label="Summary source">
      {parts.join(' · ')}
    </footer>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  footer: css({
    ...theme.typography.bodySmall,
    color: theme.colors.text.secondary,
    borderTop: `1px solid ${theme.colors.border.weak}`,
    paddingTop: theme.spacing(0.5),
    marginTop: theme.spacing(1),
  }),
});
