import React, { useState } from 'react';
import { css, cx } from '@emotion/css';
import { GrafanaTheme2, LoadingState as DataState, PanelProps } from '@grafana/data';
import { Button, Spinner, useStyles2 } from '@grafana/ui';

import { findSummaryFrame, readSummary } from '../summary/readFrame';
import { regenerate as regenerateQuery } from '../summary/refresh';
import { SummaryOptions } from '../types';
import { DigestHighlights } from './DigestHighlights';
import { EmptyState, ErrorState, LoadingState, WritingIndicator } from './PanelStates';
import { SummaryFooter } from './SummaryFooter';
import { SummaryMarkdown } from './SummaryMarkdown';

interface Props extends PanelProps<SummaryOptions> {
  /** Re-runs the queries; false when it could only ask Grafana to (see summary/refresh.ts). */
  regenerate?: typeof regenerateQuery;
}

/**
 * The Summary frame of the Unified Logs data source: the summary, its digest highlights and
 * what it cost, with loading, streaming, empty and error states.
 */
export function SummaryPanel({ data, options, height, timeZone, eventBus, regenerate = regenerateQuery }: Props) {
  const styles = useStyles2(getStyles);
  const [refreshHint, setRefreshHint] = useState(false);
  const frame = findSummaryFrame(data.series);
  const view = frame ? readSummary(frame, data.state) : undefined;
  const loading = data.state === DataState.Loading;
  const errors = data.errors ?? [];
  const maxHeight = options.maxHeight > 0 ? Math.min(options.maxHeight, height) : height;

  const busy = loading || view?.streaming === true;
  // Grafana's Button with a tooltip is only aria-disabled, so a click can still arrive.
  const onRegenerate = () => {
    if (!busy) {
      setRefreshHint(!regenerate(data, eventBus));
    }
  };

  return (
    <div
      className={styles.panel}
      style={{ maxHeight }}
      data-testid="summary-panel"
      data-state={loading ? 'loading' : view?.streaming ? 'streaming' : errors.length > 0 ? 'error' : 'done'}
    >
      <div className={styles.toolbar}>
        {loading && view && (
          <span className={styles.status} role="status">
            <Spinner inline /> Regenerating…
          </span>
        )}
        {view?.streaming && !loading && <WritingIndicator />}
        {refreshHint && <span className={styles.status}>Run the query again (refresh) to regenerate.</span>}
        <Button
          size="sm"
          variant="secondary"
          fill="text"
          icon="sync"
          onClick={onRegenerate}
          disabled={busy}
          tooltip="Run the summary query again"
        >
          Regenerate
        </Button>
      </div>
      <div className={cx(styles.body, loading && view && styles.stale)}>
        {errors.length > 0 && <ErrorState errors={errors} />}
        {!view && loading && <LoadingState />}
        {!view && !loading && errors.length === 0 && <EmptyState />}
        {view && (
          <article aria-label="Log summary" aria-busy={view.streaming || loading}>
            {view.markdown.trim() !== '' ? (
              <SummaryMarkdown markdown={view.markdown} />
            ) : (
              !view.streaming && <p className={styles.muted}>The summary is empty.</p>
            )}
            {options.showDigest && view.digest && <DigestHighlights digest={view.digest} timeZone={timeZone} />}
            <SummaryFooter {...view} />
          </article>
        )}
      </div>
    </div>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  panel: css({
    display: 'flex',
    flexDirection: 'column',
    height: '100%',
    overflow: 'hidden',
  }),
  toolbar: css({
    display: 'flex',
    alignItems: 'center',
    justifyContent: 'flex-end',
    gap: theme.spacing(1),
    minHeight: theme.spacing(3),
  }),
  status: css({ ...theme.typography.bodySmall, color: theme.colors.text.secondary }),
  body: css({ flex: 1, overflowY: 'auto', minHeight: 0, paddingRight: theme.spacing(0.5) }),
  stale: css({ opacity: 0.6 }),
  muted: css({ color: theme.colors.text.secondary }),
});
