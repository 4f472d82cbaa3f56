import React from 'react';
import { css } from '@emotion/css';
import { DataQueryError, GrafanaTheme2 } from '@grafana/data';
import { Alert, Icon, LoadingPlaceholder, useStyles2 } from '@grafana/ui';

/** Nothing to show yet: says what the panel expects, so an empty panel is not a puzzle. */
export function EmptyState() {
  const styles = useStyles2(getStyles);
  return (
    <div className={styles.empty} role="status">
      <Icon name="file-alt" size="lg" />
      <p>No summary yet.</p>
      <p className={styles.hint}>
        Query the Unified Logs data source with the <strong>Summary</strong> query type to see one here.
      </p>
    </div>
  );
}

export function LoadingState() {
  return <LoadingPlaceholder text="Generating summary…" />;
}

/** What the backend said went wrong: its problem title and detail reach the data source's error. */
export function ErrorState({ errors }: { errors: DataQueryError[] }) {
  return (
    <>
      {errors.map((error, index) => {
        const detail = error.data?.message ?? error.message ?? 'The summary could not be generated.';
        const extra = error.data?.error && error.data.error !== detail ? error.data.error : undefined;
        return (
          <Alert key={index} severity="error" title={`Summary failed${error.refId ? ` (${error.refId})` : ''}`}>
            {detail}
            {extra && <div>{extra}</div>}
          </Alert>
        );
      })}
    </>
  );
}

/** The summary is still arriving: the text above is incomplete. */
export function WritingIndicator() {
  const styles = useStyles2(getStyles);
  return (
    <span className={styles.writing} role="status" aria-live="polite">
      <Icon name="pen" /> writing…
    </span>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  empty: css({
    display: 'flex',
    flexDirection: 'column',
    alignItems: 'center',
    justifyContent: 'center',
    textAlign: 'center',
    height: '100%',
    color: theme.colors.text.secondary,
    p: { margin: theme.spacing(0.5, 0, 0) },
  }),
  hint: css({ ...theme.typography.bodySmall }),
  writing: css({
    ...theme.typography.bodySmall,
    color: theme.colors.text.secondary,
    display: 'inline-flex',
    alignItems: 'center',
    gap: theme.spacing(0.5),
    '@media (prefers-reduced-motion: no-preference)': {
      animation: 'summary-writing 1.2s ease-in-out infinite alternate',
    },
    '@keyframes summary-writing': { from: { opacity: 1 }, to: { opacity: 0.4 } },
  }),
});
