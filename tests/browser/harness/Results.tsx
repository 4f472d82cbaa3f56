import React, { useState } from 'react';
import {
  DataFrame,
  DataFrameType,
  DataQueryError,
  Field,
  GrafanaTheme2,
  dateTimeFormat,
} from '@grafana/data';
import { Alert, Button, useTheme2 } from '@grafana/ui';

import type { QueryResults } from './useQueryResults';

type Labels = Record<string, string>;

const column = (frame: DataFrame, name: string): unknown[] =>
  frame.fields.find((field) => field.name === name)?.values ?? [];

const formatTime = (ms: number) => dateTimeFormat(ms, { timeZone: 'utc', format: 'YYYY-MM-DD HH:mm:ss.SSS' });

/** The colours Grafana's logs panel gives levels, taken from the theme. */
function levelColor(theme: GrafanaTheme2, level: string): string {
  switch (level) {
    case 'error':
    case 'critical':
    case 'alert':
    case 'emerg':
      return theme.colors.error.text;
    case 'warning':
      return theme.colors.warning.text;
    case 'info':
    case 'notice':
      return theme.colors.success.text;
    default:
      return theme.colors.text.secondary;
  }
}

/** Where a line came from, in a few words: its pod and container, collection or object. */
function origin(labels: Labels): string {
  if (labels.pod) {
    return `${labels.pod}/${labels.container ?? ''}`;
  }
  return labels.collection ?? labels.object ?? labels.bucket ?? '';
}

/** Called with a field that carries a data link and the value clicked, as log details offer it. */
export type OnLink = (field: Field, value: string) => void;

/** The row's values of fields that link somewhere (a correlation key to the Related view). */
function LinkButtons({ frame, row, onLink }: { frame: DataFrame; row: number; onLink?: OnLink }) {
  const linked = frame.fields.filter((field) => (field.config.links?.length ?? 0) > 0 && field.values[row]);
  return (
    <>
      {linked.map((field) => (
        <button
          key={field.name}
          type="button"
          style={{ marginRight: 4, fontSize: 11 }}
          aria-label={`${field.config.links?.[0]?.title ?? 'link'}: ${String(field.values[row])}`}
          onClick={() => onLink?.(field, String(field.values[row]))}
        >
          {`${field.name} ↗`}
        </button>
      ))}
    </>
  );
}

/** The log details' filter buttons, as Explore wires them to the data source. */
export interface Filters {
  toggle: (type: 'FILTER_FOR' | 'FILTER_OUT', key: string, value: string) => void;
  has: (type: 'FILTER_FOR' | 'FILTER_OUT', key: string, value: string) => boolean;
}

/** The frame's fields after the five every line has: the record's own fields (order id, qty, price…). */
const FIXED_FIELDS = new Set(['timestamp', 'body', 'severity', 'id', 'labels']);

const FILTER_TEXT = {
  FILTER_FOR: { label: 'Filter for', symbol: '+' },
  FILTER_OUT: { label: 'Filter out', symbol: '−' },
} as const;

/** Grafana's icons load from its server, which the harness does not have: text buttons instead. */
function FilterButton({
  filters,
  type,
  name,
  value,
}: {
  filters: Filters;
  type: keyof typeof FILTER_TEXT;
  name: string;
  value: string;
}) {
  const active = filters.has(type, name, value);
  return (
    <Button
      size="sm"
      fill={active ? 'solid' : 'text'}
      variant="secondary"
      aria-label={`${FILTER_TEXT[type].label} ${name}=${value}`}
      aria-pressed={active}
      onClick={() => filters.toggle(type, name, value)}
    >
      {FILTER_TEXT[type].symbol}
    </Button>
  );
}

/** A line's details as Grafana's log details show them: its labels with filter buttons, then its fields. */
function LogDetails({ frame, index, filters }: { frame: DataFrame; index: number; filters?: Filters }) {
  const theme = useTheme2();
  const labels = (column(frame, 'labels')[index] ?? {}) as Labels;
  const fields = frame.fields
    .filter((field) => !FIXED_FIELDS.has(field.name))
    .map((field) => [field.name, field.values[index]] as const)
    .filter(([, value]) => value !== undefined && value !== null && value !== '');
  const row = (name: string, value: string, filterable: boolean) => (
    <tr key={name}>
      <td style={{ whiteSpace: 'nowrap', paddingRight: theme.spacing(1) }}>
        {filterable && filters && (
          <>
            <FilterButton filters={filters} type="FILTER_FOR" name={name} value={value} />
            <FilterButton filters={filters} type="FILTER_OUT" name={name} value={value} />
          </>
        )}
      </td>
      <td style={{ color: theme.colors.text.secondary, paddingRight: theme.spacing(2) }}>{name}</td>
      <td style={{ wordBreak: 'break-all' }}>{value}</td>
    </tr>
  );
  return (
    <div
      role="region"
      aria-label="Log details"
      style={{ padding: theme.spacing(1, 2), background: theme.colors.background.secondary }}
    >
      <h6 style={{ margin: 0 }}>Labels</h6>
      <table aria-label="Labels" style={{ fontSize: 12 }}>
        <tbody>{Object.entries(labels).map(([name, value]) => row(name, value, true))}</tbody>
      </table>
      <h6 style={{ margin: theme.spacing(1, 0, 0) }}>Fields</h6>
      <table aria-label="Fields" style={{ fontSize: 12 }}>
        <tbody>{fields.map(([name, value]) => row(name, String(value), false))}</tbody>
      </table>
    </div>
  );
}

function LogsTable({ frame, onLink, filters }: { frame: DataFrame; onLink?: OnLink; filters?: Filters }) {
  const theme = useTheme2();
  const [open, setOpen] = useState<number | undefined>(undefined);
  const times = column(frame, 'timestamp') as number[];
  const bodies = column(frame, 'body') as string[];
  const levels = column(frame, 'severity') as string[];
  const labels = column(frame, 'labels') as Labels[];
  const cell: React.CSSProperties = {
    padding: theme.spacing(0.25, 1),
    borderBottom: `1px solid ${theme.colors.border.weak}`,
    verticalAlign: 'top',
  };
  return (
    <table aria-label="Log lines" style={{ width: '100%', borderCollapse: 'collapse', fontSize: 12 }}>
      <thead>
        <tr style={{ textAlign: 'left', color: theme.colors.text.secondary }}>
          {['Time (UTC)', 'Level', 'Source', 'Origin', 'Message', 'Links'].map((name) => (
            <th key={name} style={cell}>
              {name}
            </th>
          ))}
        </tr>
      </thead>
      <tbody style={{ fontFamily: theme.typography.fontFamilyMonospace }}>
        {bodies.map((body, i) => {
          const [firstLine = '', ...more] = body.split('\n');
          return (
            <React.Fragment key={i}>
              <tr>
                <td style={{ ...cell, whiteSpace: 'nowrap' }}>
                  <button
                    type="button"
                    aria-expanded={open === i}
                    aria-label={`Details of line ${i + 1}`}
                    onClick={() => setOpen(open === i ? undefined : i)}
                    style={{ all: 'unset', cursor: 'pointer' }}
                  >
                    {`${open === i ? '▾' : '▸'} ${formatTime(times[i] ?? 0)}`}
                  </button>
                </td>
                <td style={{ ...cell, color: levelColor(theme, levels[i] ?? ''), fontWeight: 500 }}>
                  {(levels[i] ?? '').toUpperCase()}
                </td>
                <td style={cell}>{labels[i]?.source}</td>
                <td style={{ ...cell, whiteSpace: 'nowrap' }}>{origin(labels[i] ?? {})}</td>
                <td style={cell}>
                  {firstLine}
                  {more.length > 0 && (
                    <span style={{ color: theme.colors.text.secondary }}>{` (+${more.length} lines)`}</span>
                  )}
                </td>
                <td style={{ ...cell, whiteSpace: 'nowrap' }}>
                  <LinkButtons frame={frame} row={i} onLink={onLink} />
                </td>
              </tr>
              {open === i && (
                <tr>
                  <td colSpan={6} style={cell}>
                    <LogDetails frame={frame} index={i} filters={filters} />
                  </td>
                </tr>
              )}
            </React.Fragment>
          );
        })}
      </tbody>
    </table>
  );
}

interface Series {
  name: string;
  color: string;
  times: number[];
  counts: number[];
}

function toSeries(theme: GrafanaTheme2, frames: DataFrame[]): Series[] {
  return frames.map((frame) => {
    const value = frame.fields.find((field) => field.name === 'Value');
    return {
      name: frame.name ?? '',
      color: theme.visualization.getColorByName(value?.config.color?.fixedColor ?? 'text'),
      times: column(frame, 'Time') as number[],
      counts: (value?.values ?? []) as number[],
    };
  });
}

const WIDTH = 1000;
const HEIGHT = 120;

/** A stacked bar per time bucket, as Explore's histogram above the log lines. */
function VolumeBars({ frames }: { frames: DataFrame[] }) {
  const theme = useTheme2();
  const series = toSeries(theme, frames);
  const times = series[0]?.times ?? [];
  const totals = times.map((_, i) => series.reduce((sum, s) => sum + (s.counts[i] ?? 0), 0));
  const max = Math.max(1, ...totals);
  const barWidth = WIDTH / Math.max(1, times.length);
  return (
    <figure aria-label="Log volume" style={{ margin: 0 }}>
      <svg width="100%" viewBox={`0 0 ${WIDTH} ${HEIGHT}`} preserveAspectRatio="none" role="img">
        <line x1={0} y1={HEIGHT} x2={WIDTH} y2={HEIGHT} stroke={theme.colors.border.medium} strokeWidth={2} />
        {times.map((time, i) => {
          let top = HEIGHT;
          return series.map((s) => {
            const height = ((s.counts[i] ?? 0) / max) * HEIGHT;
            top -= height;
            return height > 0 ? (
              <rect
                key={`${time}-${s.name}`}
                x={i * barWidth + 1}
                y={top}
                width={barWidth - 2}
                height={height}
                fill={s.color}
              />
            ) : null;
          });
        })}
      </svg>
      <figcaption
        style={{ display: 'flex', gap: theme.spacing(2), fontSize: 12, color: theme.colors.text.secondary }}
      >
        <span>
          {times.length > 0 && `${formatTime(times[0]!)} – ${formatTime(times[times.length - 1]!)}`}
        </span>
        {series.map((s) => (
          <span key={s.name} data-severity={s.name}>
            <span style={{ color: s.color }}>■</span> {`${s.name} ${s.counts.reduce((a, b) => a + b, 0)}`}
          </span>
        ))}
      </figcaption>
    </figure>
  );
}

/** Any other frame (the Related view's timeline, reconciliation) as a plain table. */
function TableFrame({ frame }: { frame: DataFrame }) {
  const theme = useTheme2();
  const cell: React.CSSProperties = {
    padding: theme.spacing(0.25, 1),
    borderBottom: `1px solid ${theme.colors.border.weak}`,
  };
  return (
    <table aria-label={frame.name} style={{ borderCollapse: 'collapse', fontSize: 12 }}>
      <caption style={{ textAlign: 'left', color: theme.colors.text.secondary }}>{frame.name}</caption>
      <thead>
        <tr style={{ textAlign: 'left', color: theme.colors.text.secondary }}>
          {frame.fields.map((field) => (
            <th key={field.name} style={cell}>
              {field.name}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {Array.from({ length: frame.length }, (_, row) => (
          <tr key={row}>
            {frame.fields.map((field) => (
              <td key={field.name} style={cell}>
                {String(field.values[row] ?? '')}
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** What the data source says about a frame (partial answers, the Related timeline), as Grafana's notices. */
function Notices({ frame }: { frame: DataFrame }) {
  return (
    <>
      {(frame.meta?.notices ?? []).map((notice, i) => (
        <Alert key={i} severity={notice.severity === 'warning' ? 'warning' : 'info'} title={notice.text} />
      ))}
    </>
  );
}

function QueryErrors({ errors }: { errors: DataQueryError[] }) {
  return (
    <>
      {errors.map((error, i) => (
        <Alert
          key={i}
          severity="error"
          title={`Query ${error.refId ?? ''} failed: ${error.data?.message ?? 'error'}`}
        >
          {error.message}
        </Alert>
      ))}
    </>
  );
}

/** The frames a query returned: its log lines and its volume, or its errors. */
export function Results({
  results,
  onLink,
  filters,
  label = 'Query results',
}: {
  results: QueryResults;
  onLink?: OnLink;
  filters?: Filters;
  label?: string;
}) {
  const theme = useTheme2();
  const logs = results.frames.filter((frame) => frame.meta?.type === DataFrameType.LogLines);
  const volume = results.frames.filter((frame) => frame.meta?.type === DataFrameType.TimeSeriesMulti);
  const tables = results.frames.filter((frame) => !logs.includes(frame) && !volume.includes(frame));
  return (
    <section
      aria-label={label}
      data-state={results.state}
      data-run={results.run}
      style={{ display: 'flex', flexDirection: 'column', gap: theme.spacing(1) }}
    >
      {results.state === 'idle' && <p>Run the query to see its results.</p>}
      {results.state === 'loading' && <p>Loading…</p>}
      <QueryErrors errors={results.errors} />
      {volume.length > 0 && <VolumeBars frames={volume} />}
      {tables.map((frame) => (
        <div key={frame.refId}>
          <Notices frame={frame} />
          <TableFrame frame={frame} />
        </div>
      ))}
      {logs.map((frame) => (
        // Each run's lines are a new table: details opened on an older run's lines close.
        <div key={`${results.run}-${frame.refId}`}>
          <Notices frame={frame} />
          <p style={{ margin: 0, color: theme.colors.text.secondary }}>{`${frame.length} lines`}</p>
          <LogsTable frame={frame} onLink={onLink} filters={filters} />
        </div>
      ))}
    </section>
  );
}
