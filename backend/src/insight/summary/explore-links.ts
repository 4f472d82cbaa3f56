import { templateRegex, type LogsQueryModel } from '@gpt-runner-logs/contract';
import { timestampMs, type Timestamp } from '../../model/index.js';

/** Where the caller's Grafana is; the summary links to its Explore with this data source. */
export interface GrafanaTarget {
  /** The base URL, without a trailing slash. */
  url: string;
  datasourceUid: string;
}

/** The data-source plugin's type, as Grafana names it in a query's `datasource`. */
export const DATASOURCE_PLUGIN_TYPE = 'gptrunner-unifiedlogs-datasource';

/** A logs query a "check next" item points at: the plugin's query fields and a window. */
export interface CheckQuery {
  query: Omit<LogsQueryModel, 'queryType'>;
  from: Timestamp;
  to: Timestamp;
}

/**
 * A link for a check: Grafana's Explore with the query in the data source the caller used
 * when the caller is Grafana (its `panes` URL state, schema 1, as Grafana 10 to 12 write
 * it), else the backend's own listing path.
 */
export function checkLink(check: CheckQuery, grafana: GrafanaTarget | undefined): string {
  return grafana ? exploreUrl(check, grafana) : backendPath(check);
}

function exploreUrl({ query, from, to }: CheckQuery, grafana: GrafanaTarget): string {
  const datasource = { type: DATASOURCE_PLUGIN_TYPE, uid: grafana.datasourceUid };
  const panes = {
    summary: {
      datasource: grafana.datasourceUid,
      queries: [{ refId: 'A', datasource, queryType: 'logs', ...query }],
      range: { from: String(timestampMs(from)), to: String(timestampMs(to)) },
    },
  };
  const params = new URLSearchParams({ schemaVersion: '1', panes: JSON.stringify(panes) });
  return `${grafana.url}/explore?${params.toString()}`;
}

function backendPath({ query, from, to }: CheckQuery): string {
  const params = new URLSearchParams();
  if (query.source && query.source !== 'all') params.set('source', query.source);
  if (query.severities?.length) params.set('severity', query.severities.join(','));
  if (query.search) params.set('search', query.search);
  if (query.regex) params.set('regex', 'true');
  if (query.pods) params.set('pod', query.pods);
  if (query.previous) params.set('previous', 'true');
  params.set('from', from);
  params.set('to', to);
  return `/logs?${params.toString()}`;
}

/** The lines of a template: its constant words in order, as an anchored RE2 search. */
export const templateQuery = (template: string): CheckQuery['query'] => ({
  search: templateRegex(template),
  regex: true,
});
