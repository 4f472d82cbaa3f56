import { DataFrame, FieldType, QueryResultMetaNotice, createDataFrame } from '@grafana/data';
import { MAX_MAX_ENTRIES, PatternsResponse, ReadStats, SEVERITIES, Timestamp } from '@gpt-runner-logs/contract';

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

export function patternsFrame(response: PatternsResponse, refId: string): DataFrame {
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
      { name: 'template', type: FieldType.string, values: templates.map((t) => t.template) },
      { name: 'count', type: FieldType.number, values: templates.map((t) => t.count) },
      { name: 'severities', type: FieldType.string, values: templates.map((t) => formatMix(t.severities, SEVERITIES)) },
      { name: 'sources', type: FieldType.string, values: templates.map((t) => formatMix(t.sources)) },
      { name: 'firstSeen', type: FieldType.time, values: templates.map((t) => timeOf(t.firstSeen)) },
      { name: 'lastSeen', type: FieldType.time, values: templates.map((t) => timeOf(t.lastSeen)) },
      { name: 'example', type: FieldType.string, values: templates.map((t) => t.examples?.[0] ?? '') },
      { name: 'id', type: FieldType.string, values: templates.map((t) => t.id) },
    ],
  });
}
