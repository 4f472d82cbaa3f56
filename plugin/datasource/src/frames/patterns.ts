import { DataFrame, DataLink, FieldType, QueryResultMetaNotice, createDataFrame } from '@grafana/data';
import { TableCellDisplayMode } from '@grafana/schema';
import {
  MAX_MAX_ENTRIES,
  PatternVariable,
  PatternsResponse,
  ReadStats,
  SEVERITIES,
  Timestamp,
  templateRegex,
} from '@gpt-runner-logs/contract';

import { QueryType, UnifiedLogsQuery } from '../types';

import { toNotices } from './notices';

/** `ERROR 3, WARNING 1`: most severe first, because that is what an operator scans for. */
export function formatMix(counts: Record<string, number | undefined>, order: readonly string[] = []): string {
  const rank = (key: string) => order.indexOf(key);
  return Object.entries(counts)
    .filter(([, count]) => (count ?? 0) > 0)
    .sort(([a], [b]) => rank(b) - rank(a) || a.localeCompare(b))
    .map(([key, count]) => `${key} ${count}`)
    .join(', ');
}

/**
 * A truncated read mined only the newest entries; unlike volume, the backend adds no warning
 * for it, so the notice is written here.
 */
function truncationNotice(stats: ReadStats): QueryResultMetaNotice[] {
  if (!stats.truncated) {
    return [];
  }
  const read = stats.entries.toLocaleString('en-US');
  const max = MAX_MAX_ENTRIES.toLocaleString('en-US');
  return [
    {
      severity: 'info',
      text: `Only the newest ${read} matching entries were mined; raise Max entries (up to ${max}) to cover the whole range.`,
    },
  ];
}

/** The backend reports how the read went under `stats`, as `PatternsResponse` says. */
export function patternsNotices(stats: ReadStats | undefined): QueryResultMetaNotice[] {
  if (!stats) {
    return [];
  }
  return [...toNotices(stats.warnings, stats.partial), ...truncationNotice(stats)];
}

/** A template without timestamped lines has no first or last time; the cell stays empty. */
const timeOf = (timestamp: Timestamp | undefined): number | null => (timestamp ? Date.parse(timestamp) : null);

/** Where a click on a template goes: the lines of that template, in this data source. */
export interface PatternLinkTarget {
  datasourceUid: string;
  datasourceName: string;
  /** The patterns query; its filters are kept, its search becomes the template's. */
  query: UnifiedLogsQuery;
}

/** `symbol 8: TSLA 7, MSFT 6, …`: each variable with its distinct values and the most frequent. */
export function formatVariables(variables: PatternVariable[] | undefined): string {
  return (variables ?? [])
    .map((v) => {
      const name = v.name ?? `<*>${v.index + 1}`;
      const distinct = `${v.distinct}${v.distinctCapped ? '+' : ''}`;
      const top = v.top.map((value) => `${value.value} ${value.count}`).join(', ');
      return `${name} ${distinct}: ${top}${v.distinct > v.top.length ? ', …' : ''}`;
    })
    .join('; ');
}

/** One small frame per template for the table's sparkline cell: time and lines per bucket. */
function volumeFrames(response: PatternsResponse): Array<DataFrame | null> {
  const buckets = response.buckets;
  const times = buckets ? Array.from({ length: buckets.count }, (_, i) => buckets.start + i * buckets.stepMs) : [];
  return (response.templates ?? []).map((t) =>
    buckets && t.volume
      ? createDataFrame({
          fields: [
            { name: 'time', type: FieldType.time, values: times.slice(0, t.volume.length) },
            { name: 'lines', type: FieldType.number, values: t.volume },
          ],
        })
      : null
  );
}

/**
 * A click on a template runs the logs query with the template as its search: an anchored
 * RE2 regex of its constant words with any text at each `<*>` (`templateRegex`), which the
 * backend runs linear-time, so exactly the template's lines come back (within the
 * patterns query's own filters). The regex travels in a hidden field of the row.
 */
function templateLinks(target: PatternLinkTarget | undefined): DataLink[] {
  if (!target) {
    return [];
  }
  const { queryType: _type, focus: _focus, maxEntries: _max, ...filters } = target.query;
  return [
    {
      title: 'Show the lines of this pattern',
      url: '',
      internal: {
        datasourceUid: target.datasourceUid,
        datasourceName: target.datasourceName,
        query: { ...filters, queryType: QueryType.Logs, search: `\${__data.fields.${FILTER_FIELD}}`, regex: true },
      },
    },
  ];
}

/** The hidden field holding each template's search. */
export const FILTER_FIELD = 'filter';

export function patternsFrame(response: PatternsResponse, refId: string, link?: PatternLinkTarget): DataFrame {
  const templates = response.templates ?? [];
  return createDataFrame({
    refId,
    name: 'patterns',
    meta: {
      preferredVisualisationType: 'table',
      notices: patternsNotices(response.stats),
      custom: { stats: response.stats },
    },
    fields: [
      {
        name: 'template',
        type: FieldType.string,
        values: templates.map((t) => t.template),
        config: { links: templateLinks(link) },
      },
      { name: 'count', type: FieldType.number, values: templates.map((t) => t.count) },
      {
        name: 'volume',
        type: FieldType.frame,
        values: volumeFrames(response),
        config: { custom: { cellOptions: { type: TableCellDisplayMode.Sparkline, hideValue: true } } },
      },
      { name: 'variables', type: FieldType.string, values: templates.map((t) => formatVariables(t.variables)) },
      { name: 'severities', type: FieldType.string, values: templates.map((t) => formatMix(t.severities, SEVERITIES)) },
      { name: 'sources', type: FieldType.string, values: templates.map((t) => formatMix(t.sources)) },
      { name: 'firstSeen', type: FieldType.time, values: templates.map((t) => timeOf(t.firstSeen)) },
      { name: 'lastSeen', type: FieldType.time, values: templates.map((t) => timeOf(t.lastSeen)) },
      { name: 'example', type: FieldType.string, values: templates.map((t) => t.examples?.[0] ?? '') },
      { name: 'id', type: FieldType.string, values: templates.map((t) => t.id) },
      {
        name: FILTER_FIELD,
        type: FieldType.string,
        values: templates.map((t) => templateRegex(t.template)),
        // Hidden from the table: Grafana 12's table reads `hideFrom.viz`, the older one `hidden`.
        config: { custom: { hidden: true, hideFrom: { viz: true, legend: true, tooltip: true } } },
      },
    ],
  });
}
