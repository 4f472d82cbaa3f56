/**
 * Names that the dashboards, the alert rules and the tests share. The data-source uids are
 * the ones provisioning/grafana/datasources/datasources.yaml gives; the plugin ids are the
 * ones in each plugin's src/plugin.json. Sources, severities and the query model are the
 * product's vocabulary and come from @gpt-runner-logs/contract.
 */

export interface DataSourceRef {
  type: string;
  uid: string;
}

export const UNIFIED_LOGS: DataSourceRef = { type: 'gptrunner-unifiedlogs-datasource', uid: 'unified-logs' };
export const PROMETHEUS: DataSourceRef = { type: 'prometheus', uid: 'prometheus' };

export const SUMMARY_PANEL_TYPE = 'gptrunner-logsummary-panel';

export const DASHBOARD_UIDS = {
  logs: 'gpt-runner-logs',
  health: 'log-aggregator-health',
} as const;

/** The objective for typical queries: a listing answers within 2 s at the 95th percentile. */
export const LATENCY_OBJECTIVE_SECONDS = 2;

/**
 * Routes the 2 s objective covers: listings and their companions. Summaries wait on a model
 * and /metrics, /healthz, /readyz are not queries, so they are measured but not held to it.
 */
export const OBJECTIVE_ROUTES =
  '/logs|/logs/gcs|/logs/firestore|/logs/pods|/logs/volume|/logs/patterns|/logs/context';
