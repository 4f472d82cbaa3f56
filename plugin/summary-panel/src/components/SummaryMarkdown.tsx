import React, { useMemo } from 'react';
import { css } from '@emotion/css';
import { GrafanaTheme2 } from '@grafana/data';
import { useStyles2 } from '@grafana/ui';

import { renderSummaryMarkdown } from '../summary/markdown';

interface Props {
  markdown: string;
}

/** The summary text; `renderSummaryMarkdown` has sanitized the HTML, which is why setting it is safe. */
export function SummaryMarkdown({ markdown }: Props) {
  const styles = useStyles2(getStyles);
  const html = useMemo(() => renderSummaryMarkdown(markdown), [markdown]);
  return <div className={styles.markdown} data-testid="summary-markdown" dangerouslySetInnerHTML={{ __html: html }} />;
}

const getStyles = (theme: GrafanaTheme2) => ({
  markdown: css({
    ...theme.typography.body,
    'h1, h2, h3, h4': {
      ...theme.typography.h5,
      marginTop: theme.spacing(1.5),
      marginBottom: theme.spacing(0.5),
    },
    '& > :first-child': { marginTop: 0 },
    'ul, ol': { paddingLeft: theme.spacing(3), marginBottom: theme.spacing(1) },
    p: { marginBottom: theme.spacing(1) },
    code: {
      fontFamily: theme.typography.fontFamilyMonospace,
      fontSize: theme.typography.bodySmall.fontSize,
      background: theme.colors.background.secondary,
      padding: theme.spacing(0, 0.5),
      borderRadius: theme.shape.radius.default,
      // Long URLs and log templates wrap instead of widening the panel.
      whiteSpace: 'normal',
      overflowWrap: 'anywhere',
    },
    pre: { whiteSpace: 'pre-wrap', background: theme.colors.background.secondary, padding: theme.spacing(1) },
    a: { color: theme.colors.text.link },
  }),
});
