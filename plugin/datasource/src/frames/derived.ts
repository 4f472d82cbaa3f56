import { DataFrame, DataLink, Field, FieldType } from '@grafana/data';
import { getDataSourceSrv } from '@grafana/runtime';

import { LogEntry } from '@gpt-runner-logs/contract';

import { DerivedFieldConfig, QueryType, UnifiedLogsQuery } from '../types';

/** What Grafana interpolates with the clicked field's value. */
export const VALUE_VARIABLE = '${__value.raw}';

/** The data source the links are made for: internal links to it query it by label. */
export interface LinkOwner {
  uid: string;
  name: string;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const text = (value: unknown): string | null =>
  value === undefined || value === null || value === '' || typeof value === 'object' ? null : String(value);

/** A regular expression from settings; one that does not compile matches nothing rather than failing the query. */
function compile(pattern: string): RegExp | undefined {
  try {
    return new RegExp(pattern);
  } catch {
    return undefined;
  }
}

/** One entry's value of a derived field, or null. */
function valueReader(config: DerivedFieldConfig): (entry: LogEntry) => string | null {
  const key = config.matcherRegex;
  switch (config.matcherType ?? 'regex') {
    case 'payload':
      return (entry) =>
        isRecord(entry.payload) && Object.hasOwn(entry.payload, key) ? text(entry.payload[key]) : null;
    case 'label':
      return (entry) => (Object.hasOwn(entry.labels, key) ? text(entry.labels[key]) : null);
    default: {
      const re = compile(key);
      return (entry) => (re ? text(re.exec(entry.message)?.[1]) : null);
    }
  }
}

/**
 * A query of this data source for every line with the same value: a label filter on the
 * payload field or label (the backend promotes ids such as `order_id` to labels), or on
 * the derived field's name for a value taken from the line.
 */
export function sameValueQuery(config: DerivedFieldConfig): UnifiedLogsQuery {
  const label = (config.matcherType ?? 'regex') === 'regex' ? config.name : config.matcherRegex;
  return {
    refId: 'A',
    queryType: QueryType.Logs,
    source: 'all',
    labels: [{ name: label, op: '=', value: VALUE_VARIABLE }],
  };
}

/** Tracing data sources take a trace id under their own query type, as Loki's derived fields send it. */
const QUERY_TYPES: Record<string, string> = { tempo: 'traceql', 'grafana-x-ray-datasource': 'getTrace' };

function otherDataSource(uid: string): { name: string; type?: string } {
  try {
    const settings = getDataSourceSrv().getInstanceSettings(uid);
    return { name: settings?.name ?? uid, type: settings?.type };
  } catch {
    return { name: uid };
  }
}

export function derivedLink(config: DerivedFieldConfig, owner: LinkOwner): DataLink | undefined {
  const title = config.urlDisplayLabel ?? '';
  if (config.datasourceUid === owner.uid) {
    return {
      title,
      url: '',
      internal: { query: sameValueQuery(config), datasourceUid: owner.uid, datasourceName: owner.name },
    };
  }
  if (config.datasourceUid) {
    const target = otherDataSource(config.datasourceUid);
    const queryType = target.type ? QUERY_TYPES[target.type] : undefined;
    return {
      title,
      url: '',
      internal: {
        query: { refId: 'A', query: config.url || VALUE_VARIABLE, ...(queryType ? { queryType } : {}) },
        datasourceUid: config.datasourceUid,
        datasourceName: target.name,
      },
      targetBlank: config.targetBlank,
    };
  }
  return config.url ? { title, url: config.url, targetBlank: config.targetBlank } : undefined;
}

/**
 * Adds the derived fields to a logs frame built from `entries` (row for row). A derived field
 * named like a field the frame has already (a payload field such as `order_id`) lends that
 * field its links and values instead of repeating the column.
 */
export function withDerivedFields(
  frame: DataFrame,
  entries: LogEntry[],
  configs: DerivedFieldConfig[] | undefined,
  owner: LinkOwner
): DataFrame {
  const usable = (configs ?? []).filter((config) => config.name && config.matcherRegex);
  if (usable.length === 0) {
    return frame;
  }
  const fields = [...frame.fields];
  for (const config of usable) {
    const link = derivedLink(config, owner);
    const values = entries.map(valueReader(config));
    const existing = fields.findIndex((field) => field.name === config.name);
    if (existing < 0) {
      fields.push({ name: config.name, type: FieldType.string, config: { links: link ? [link] : [] }, values });
      continue;
    }
    // The payload column leaves out values a label repeats; a link needs the value on every row.
    const field: Field = fields[existing]!;
    const links = [...(field.config.links ?? []), ...(link ? [link] : [])];
    const merged = field.values.map((value: unknown, row: number) => value ?? values[row] ?? null);
    fields[existing] = { ...field, values: merged, config: { ...field.config, links } };
  }
  return { ...frame, fields };
}
