import { DataFrame, DataLink, Field, FieldType, createDataFrame } from '@grafana/data';
import {
  CorrelationField,
  LogEntry,
  ReconcileResponse,
  RelatedResponse,
  SourceName,
  correlationValues,
  defaultCorrelationFields,
  parseCorrelationFields,
} from '@gpt-runner-logs/contract';

import { QueryType, UnifiedLogsQuery } from '../types';
import { logsFrame } from './logs';
import { toNotices } from './notices';
import { formatMix } from './patterns';

/** The data source a link opens the Related view in: this one. */
export interface LinkTarget {
  uid: string;
  name: string;
}

/** The data source's copy of the backend's CORRELATION_FIELDS; empty or unreadable means the defaults. */
export function correlationFieldsOf(text: string | undefined): CorrelationField[] {
  const parsed = text?.trim() ? parseCorrelationFields(text) : undefined;
  return parsed && 'fields' in parsed ? parsed.fields : defaultCorrelationFields();
}

/**
 * An internal link to the Related query for the value under the cursor. Explore opens
 * internal links of log details in its split view, with the clicked row still on the left.
 */
export function relatedLink(target: LinkTarget, key: string): DataLink<UnifiedLogsQuery> {
  return {
    title: `Related: every line with this ${key}`,
    url: '',
    internal: {
      datasourceUid: target.uid,
      datasourceName: target.name,
      query: {
        refId: 'related',
        queryType: QueryType.Related,
        correlationKey: key,
        correlationValue: '${__value.raw}',
      },
    },
  };
}

/**
 * Gives every correlation key found on the page a field (the payload's own, or a new one for
 * ids found in labels or message text, such as a pod line's `order filled ord-…`) and a link
 * to the Related view on it.
 */
export function addCorrelationLinks(
  frame: DataFrame,
  entries: LogEntry[],
  fields: CorrelationField[],
  target: LinkTarget | undefined
): DataFrame {
  if (!target) {
    return frame;
  }
  const found = entries.map((entry) => correlationValues(entry, fields));
  for (const { name } of fields) {
    const values = found.map((values) => values[name]?.[0] ?? null);
    if (values.every((value) => value === null)) {
      continue;
    }
    const existing = frame.fields.find((field) => field.name === name);
    const field: Field = existing ?? { name, type: FieldType.string, config: {}, values: values.map(() => null) };
    field.values = field.values.map((value: unknown, i: number) => value ?? values[i]);
    field.config = { ...field.config, links: [relatedLink(target, name)] };
    if (!existing) {
      frame.fields.push(field);
    }
  }
  return frame;
}

const SOURCES: SourceName[] = ['gcs', 'firestore', 'pods'];

/** The timeline as a table: one row per source and per expected place, found, missing or not checked. */
function timelineFrame(response: RelatedResponse, refId: string): DataFrame {
  const { timeline } = response;
  const rows: Array<{ where: string; entries: number; status: string }> = [
    ...SOURCES.filter((source) => (timeline.sources[source] ?? 0) > 0).map((source) => ({
      where: source,
      entries: timeline.sources[source] ?? 0,
      status: 'seen',
    })),
    ...timeline.missing.map((place) => ({ where: place.name, entries: 0, status: 'missing' })),
    ...timeline.unchecked.map((place) => ({ where: place.name, entries: 0, status: 'not readable with this token' })),
  ];
  return createDataFrame({
    refId,
    name: `timeline ${timeline.key}=${timeline.value}`,
    meta: { preferredVisualisationType: 'table', custom: { timeline } },
    fields: [
      { name: 'where', type: FieldType.string, values: rows.map((row) => row.where) },
      { name: 'entries', type: FieldType.number, values: rows.map((row) => row.entries) },
      { name: 'status', type: FieldType.string, values: rows.map((row) => row.status) },
    ],
  });
}

/** One line of what the timeline says, shown above the lines. */
function timelineNotice(response: RelatedResponse): string {
  const { timeline } = response;
  if (!timeline.firstSeen) {
    return `${timeline.key} ${timeline.value} was not found between ${response.window.from} and ${response.window.to}.`;
  }
  const missing = timeline.missing.length > 0 ? `; missing from ${timeline.missing.map((p) => p.name).join(', ')}` : '';
  return (
    `${timeline.key} ${timeline.value}: ${formatMix(timeline.sources)} from ${timeline.firstSeen} to ${timeline.lastSeen}` +
    ` (${formatMix(timeline.severities)})${missing}.`
  );
}

/** The Related view: its lines oldest first, as Explore's logs, and the timeline table. */
export function relatedFrames(
  response: RelatedResponse,
  refId: string,
  fields: CorrelationField[],
  target?: LinkTarget
): DataFrame[] {
  const lines = addCorrelationLinks(
    logsFrame(response.entries ?? [], { refId }),
    response.entries ?? [],
    fields,
    target
  );
  lines.meta = {
    ...lines.meta,
    notices: [
      { severity: response.timeline.missing.length > 0 ? 'warning' : 'info', text: timelineNotice(response) },
      ...toNotices(response.warnings, response.partial),
    ],
    custom: { timeline: response.timeline, window: response.window, truncated: response.truncated },
  };
  return [lines, timelineFrame(response, `${refId}-timeline`)];
}

/** Reconciliation as one table: a row per trade in one store only, and per differing field. */
export function reconcileFrame(response: ReconcileResponse, refId: string, target?: LinkTarget): DataFrame {
  const rows = [
    ...response.onlyInFirestore.map((t) => ({
      kind: 'only in Firestore',
      orderId: t.orderId,
      time: t.timestamp,
      field: '',
      gcs: '',
      firestore: t.status ?? '',
    })),
    ...response.onlyInGcs.map((t) => ({
      kind: 'only in GCS',
      orderId: t.orderId,
      time: t.timestamp,
      field: '',
      gcs: t.status ?? '',
      firestore: '',
    })),
    ...response.differences.map((d) => ({
      kind: 'differs',
      orderId: d.orderId,
      time: d.timestamp,
      field: d.field,
      gcs: JSON.stringify(d.gcs),
      firestore: JSON.stringify(d.firestore),
    })),
  ];
  const c = response.counts;
  return createDataFrame({
    refId,
    name: 'reconcile',
    meta: {
      preferredVisualisationType: 'table',
      notices: [
        {
          severity: c.only_in_firestore + c.only_in_gcs + c.field_differs > 0 ? 'warning' : 'info',
          text:
            `${c.firestore} trades in Firestore, ${c.gcs} in GCS, ${c.matched} matching; ` +
            `${c.only_in_firestore} only in Firestore, ${c.only_in_gcs} only in GCS, ${c.field_differs} differing.`,
        },
        ...toNotices(response.warnings, response.partial),
      ],
      custom: { counts: response.counts, truncated: response.truncated },
    },
    fields: [
      { name: 'kind', type: FieldType.string, values: rows.map((r) => r.kind) },
      {
        name: response.key,
        type: FieldType.string,
        values: rows.map((r) => r.orderId),
        config: target ? { links: [relatedLink(target, response.key)] } : {},
      },
      { name: 'time', type: FieldType.time, values: rows.map((r) => Date.parse(r.time)) },
      { name: 'field', type: FieldType.string, values: rows.map((r) => r.field) },
      { name: 'gcs', type: FieldType.string, values: rows.map((r) => r.gcs) },
      { name: 'firestore', type: FieldType.string, values: rows.map((r) => r.firestore) },
    ],
  });
}
