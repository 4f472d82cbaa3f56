import React from 'react';
import { css } from '@emotion/css';
import { GrafanaTheme2, dateTimeFormat } from '@grafana/data';
import { TimeZone } from '@grafana/schema';
import { useStyles2, useTheme2 } from '@grafana/ui';
import { ERROR_SEVERITIES, Severity } from '@gpt-runner-logs/contract';

import { DigestHighlights as Highlights, DigestSpike, DigestTemplate } from '../types';

interface Props {
  digest: Highlights;
  timeZone: TimeZone;
}

const count = (n: number) => n.toLocaleString('en-US');

/** The numbers behind the summary: severity counts, error spikes and the templates that fail most. */
export function DigestHighlights({ digest, timeZone }: Props) {
  const styles = useStyles2(getStyles);
  return (
    <section className={styles.digest} aria-label="Digest highlights">
      <SeverityCounts digest={digest} />
      {digest.spikes.length > 0 && <Spikes spikes={digest.spikes} timeZone={timeZone} />}
      {digest.errorTemplates.length > 0 && <ErrorTemplates templates={digest.errorTemplates} timeZone={timeZone} />}
      {(digest.truncated || digest.partial) && (
        <p className={styles.note}>
          {digest.truncated && 'Only the newest matching lines were read. '}
          {digest.partial && 'A source failed; its lines are missing.'}
        </p>
      )}
      {digest.warnings.length > 0 && (
        <ul className={styles.note} aria-label="Read warnings">
          {digest.warnings.map((warning) => (
            <li key={warning}>{warning}</li>
          ))}
        </ul>
      )}
    </section>
  );
}

function SeverityCounts({ digest }: { digest: Highlights }) {
  const styles = useStyles2(getStyles);
  const theme = useTheme2();
  return (
    <ul className={styles.severities} aria-label="Lines by severity">
      {digest.totals && (
        <li className={styles.severity}>
          <strong>{count(digest.totals.entries)}</strong> lines
        </li>
      )}
      {digest.bySeverity.map(([severity, n]) => (
        <li key={severity} className={styles.severity} data-severity={severity}>
          <span className={styles.dot} style={{ background: severityColor(theme, severity) }} />
          {severity} <strong>{count(n)}</strong>
        </li>
      ))}
    </ul>
  );
}

function Spikes({ spikes, timeZone }: { spikes: DigestSpike[]; timeZone: TimeZone }) {
  const styles = useStyles2(getStyles);
  return (
    <div>
      <h4 className={styles.heading}>Error spikes</h4>
      <ul className={styles.list} aria-label="Error spikes">
        {spikes.map((spike) => (
          <li key={spike.start}>
            <time dateTime={spike.start}>{dateTimeFormat(spike.start, { timeZone, format: 'YYYY-MM-DD HH:mm' })}</time>
            {'–'}
            <time dateTime={spike.end}>{dateTimeFormat(spike.end, { timeZone, format: 'HH:mm' })}</time>:{' '}
            <strong>{count(spike.errors)} errors</strong>, peak {count(spike.peakErrors)} per bucket
            {baselineText(spike)}
          </li>
        ))}
      </ul>
    </div>
  );
}

/** Against the rest of the window: a ratio to zero errors says nothing, so it is not shown. */
function baselineText(spike: DigestSpike): string {
  if (spike.baseline === undefined) {
    return '';
  }
  if (spike.baseline === 0) {
    return ', none elsewhere in the window';
  }
  const baseline = spike.baseline.toLocaleString('en-US', { maximumFractionDigits: 2 });
  // Below one error per bucket a ratio only grows with the quiet: the rate says more.
  if (spike.baseline < 1) {
    return `, against ${baseline} per bucket elsewhere`;
  }
  return ` (${(spike.peakErrors / spike.baseline).toFixed(1)}× the ${baseline} per bucket elsewhere)`;
}

function ErrorTemplates({ templates, timeZone }: { templates: DigestTemplate[]; timeZone: TimeZone }) {
  const styles = useStyles2(getStyles);
  return (
    <div>
      <h4 className={styles.heading}>Top error templates</h4>
      <table className={styles.table} aria-label="Top error templates">
        <thead>
          <tr>
            <th scope="col">Template</th>
            <th scope="col" data-numeric>
              Errors
            </th>
            <th scope="col" data-numeric>
              Lines
            </th>
            <th scope="col">Last seen</th>
            <th scope="col">Pattern</th>
          </tr>
        </thead>
        <tbody>
          {templates.map((t) => (
            <tr key={t.id}>
              <td>
                <code>{t.id}</code>
              </td>
              <td data-numeric>{count(t.errors)}</td>
              <td data-numeric>{count(t.count)}</td>
              <td>{t.lastSeen ? dateTimeFormat(t.lastSeen, { timeZone, format: 'HH:mm:ss' }) : '–'}</td>
              <td className={styles.pattern} title={[t.template, ...t.spread].join('\n')}>
                {t.template}
                {t.spread.map((spread) => (
                  <div key={spread} className={styles.spread}>
                    {spread}
                  </div>
                ))}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function severityColor(theme: GrafanaTheme2, severity: Severity): string {
  if (ERROR_SEVERITIES.includes(severity)) {
    return theme.colors.error.main;
  }
  switch (severity) {
    case 'WARNING':
      return theme.colors.warning.main;
    case 'NOTICE':
    case 'INFO':
      return theme.colors.success.main;
    default:
      return theme.colors.text.disabled;
  }
}

const getStyles = (theme: GrafanaTheme2) => ({
  digest: css({
    display: 'flex',
    flexDirection: 'column',
    gap: theme.spacing(1),
    borderTop: `1px solid ${theme.colors.border.weak}`,
    paddingTop: theme.spacing(1),
    marginTop: theme.spacing(1),
  }),
  severities: css({
    display: 'flex',
    flexWrap: 'wrap',
    gap: theme.spacing(1),
    listStyle: 'none',
    margin: 0,
    padding: 0,
  }),
  severity: css({
    ...theme.typography.bodySmall,
    display: 'inline-flex',
    alignItems: 'center',
    gap: theme.spacing(0.5),
    padding: theme.spacing(0.25, 1),
    borderRadius: theme.shape.radius.pill,
    background: theme.colors.background.secondary,
  }),
  dot: css({ width: 8, height: 8, borderRadius: '50%', display: 'inline-block' }),
  heading: css({ ...theme.typography.h6, marginBottom: theme.spacing(0.5) }),
  list: css({ ...theme.typography.bodySmall, margin: 0, paddingLeft: theme.spacing(2) }),
  table: css({
    ...theme.typography.bodySmall,
    width: '100%',
    borderCollapse: 'collapse',
    tableLayout: 'auto',
    'th, td': {
      padding: theme.spacing(0.25, 1),
      borderBottom: `1px solid ${theme.colors.border.weak}`,
      textAlign: 'left',
      verticalAlign: 'top',
    },
    th: {
      color: theme.colors.text.secondary,
      fontWeight: theme.typography.fontWeightMedium,
      whiteSpace: 'nowrap',
    },
    code: { fontFamily: theme.typography.fontFamilyMonospace },
    // More specific than `th, td` above, so counts line up on the right.
    '[data-numeric]': { textAlign: 'right', fontVariantNumeric: 'tabular-nums' },
  }),
  pattern: css({
    fontFamily: theme.typography.fontFamilyMonospace,
    maxWidth: 0,
    width: '100%',
    overflow: 'hidden',
    textOverflow: 'ellipsis',
    whiteSpace: 'nowrap',
  }),
  spread: css({ color: theme.colors.text.secondary, overflow: 'hidden', textOverflow: 'ellipsis' }),
  note: css({ ...theme.typography.bodySmall, color: theme.colors.warning.text, margin: 0 }),
});
