import { DataFrame, FieldType, createDataFrame } from '@grafana/data';

import { PatternsResponse, SEVERITIES } from '../types';
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

export function patternsFrame(response: PatternsResponse, refId: string): DataFrame {
  const templates = response.templates ?? [];
  return createDataFrame({
    refId,
    name: 'patterns',
    meta: { preferredVisualisationType: 'table', notices: toNotices(response.warnings, response.partial) },
    fields: [
      { name: 'template', type: FieldType.string, values: templates.map((t) => t.template) },
      { name: 'count', type: FieldType.number, values: templates.map((t) => t.count) },
      { name: 'severities', type: FieldType.string, values: templates.map((t) => formatMix(t.severities, SEVERITIES)) },
      { name: 'sources', type: FieldType.string, values: templates.map((t) => formatMix(t.sources)) },
      { name: 'firstSeen', type: FieldType.time, values: templates.map((t) => Date.parse(t.firstSeen)) },
      { name: 'lastSeen', type: FieldType.time, values: templates.map((t) => Date.parse(t.lastSeen)) },
      { name: 'example', type: FieldType.string, values: templates.map((t) => t.examples?.[0] ?? '') },
      { name: 'id', type: FieldType.string, values: templates.map((t) => t.id) },
    ],
  });
}
