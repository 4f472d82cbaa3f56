/**
 * "GPT Runner+ Logs": the operators' view of the three sources, one row per tab of the
 * original design (GCS | Firestore | Pods | GPT Summary). Each source row holds the volume
 * by severity, the recurring patterns and the lines themselves; the summary row asks the
 * model about whatever the filters select.
 */
import { DEFAULT_MAX_ENTRIES, SEVERITIES, SOURCE_NAMES, type QueryTypeName } from '@gpt-runner-logs/contract';
import {
  type Dashboard,
  type PrometheusTarget,
  type UnifiedLogsTarget,
  customVariable,
  dashboard,
  logsPanel,
  metaQuery,
  patternsPanel,
  productDashboardsLink,
  queryVariable,
  statPanel,
  summaryPanel,
  textboxVariable,
  timeseriesPanel,
  volumePanel,
} from './model.js';
import { DASHBOARD_UIDS, PROMETHEUS, UNIFIED_LOGS } from './references.js';

export const PRODUCT_TAG = 'gpt-runner';

/** Filters every log query shares; each source adds its own selector. */
const common = {
  datasource: UNIFIED_LOGS,
  severities: ['$severity'],
  search: '$search',
} satisfies Partial<UnifiedLogsTarget>;

function sourceQueries(
  source: UnifiedLogsTarget['source'],
  selector: Partial<UnifiedLogsTarget>,
): Record<Exclude<QueryTypeName, 'summary' | 'related' | 'reconcile'>, UnifiedLogsTarget> {
  const base = { refId: 'A', ...common, source, ...selector };
  return {
    logs: { ...base, queryType: 'logs', limit: 500 },
    volume: { ...base, queryType: 'volume' },
    patterns: { ...base, queryType: 'patterns', maxEntries: DEFAULT_MAX_ENTRIES },
  };
}

function sourceRow(title: string, collapsed: boolean, queries: ReturnType<typeof sourceQueries>) {
  return {
    title,
    collapsed,
    panels: [
      volumePanel(`${title}: volume by severity`, queries.volume),
      patternsPanel(`${title}: patterns`, queries.patterns),
      logsPanel(`${title}: lines`, queries.logs),
    ],
  };
}

/** Counted by the backend's collector, so the overview costs Prometheus a lookup, not a scan of the sources. */
const entriesBySeverity: PrometheusTarget = {
  refId: 'A',
  datasource: PROMETHEUS,
  expr: 'sum by (severity) (rate(log_aggregator_log_entries_total{source=~"$source"}[$__rate_interval]))',
  legendFormat: '{{severity}}',
};

export function logsDashboard(): Dashboard {
  const gcs = sourceQueries('gcs', { prefixes: '$prefix' });
  const firestore = sourceQueries('firestore', { collections: '$collection' });
  const pods = sourceQueries('pods', { namespace: '$namespace', pods: '$pod' });
  const summary: UnifiedLogsTarget = {
    refId: 'A',
    ...common,
    queryType: 'summary',
    source: 'all',
    maxEntries: 2000,
    focus: 'What failed, since when, and which symbols, strategies or pods are involved?',
  };
  const allPatterns: UnifiedLogsTarget = {
    refId: 'A',
    ...common,
    queryType: 'patterns',
    source: 'all',
    maxEntries: DEFAULT_MAX_ENTRIES,
  };

  return dashboard({
    uid: DASHBOARD_UIDS.logs,
    title: 'GPT Runner+ Logs',
    description:
      'GCS objects, Firestore collections and GKE pod logs of GPT Runner+, with patterns and a GPT summary.',
    tags: [PRODUCT_TAG, 'logs'],
    refresh: '',
    time: { from: 'now-1h', to: 'now' },
    links: [productDashboardsLink(PRODUCT_TAG)],
    variables: [
      customVariable('source', 'Source', SOURCE_NAMES, {
        multi: true,
        includeAll: true,
        description: 'Sources of the overview counts (from Prometheus).',
      }),
      queryVariable('prefix', 'GCS prefix', UNIFIED_LOGS, metaQuery('prefixes'), {
        multi: true,
        includeAll: true,
      }),
      queryVariable('collection', 'Firestore collection', UNIFIED_LOGS, metaQuery('collections'), {
        multi: true,
        includeAll: true,
      }),
      queryVariable('namespace', 'Namespace', UNIFIED_LOGS, metaQuery('namespaces'), {
        multi: false,
        includeAll: false,
      }),
      queryVariable('pod', 'Pod', UNIFIED_LOGS, metaQuery('pods', { namespace: '$namespace' }), {
        multi: true,
        includeAll: true,
      }),
      customVariable('severity', 'Severity', SEVERITIES, { multi: true, includeAll: true }),
      textboxVariable('search', 'Search', 'Case-insensitive substring of the message.'),
    ],
    rows: [
      {
        title: 'Overview',
        collapsed: false,
        panels: [
          timeseriesPanel('Entries per second by severity', [entriesBySeverity], {
            unit: 'cps',
            w: 18,
            stack: true,
            description: 'All entries the collector saw in the selected sources, whatever the filters below.',
          }),
          statPanel(
            'Sources up',
            [
              {
                refId: 'A',
                datasource: PROMETHEUS,
                expr: 'sum(log_aggregator_source_up{source=~"$source"})',
                instant: true,
                range: false,
              },
            ],
            { w: 6, h: 8, description: 'Sources the backend reached at its last readiness check.' },
          ),
        ],
      },
      sourceRow('GCS', false, gcs),
      sourceRow('Firestore', true, firestore),
      sourceRow('Pods', true, pods),
      {
        title: 'GPT Summary',
        // Collapsed: a summary costs tokens, so it runs only when someone opens the row.
        collapsed: true,
        panels: [
          summaryPanel(
            'GPT summary of the selected logs',
            summary,
            'A model-written summary of the newest entries (up to 2,000) that match the severity and search filters, across all sources.',
          ),
          patternsPanel('Patterns across all sources', allPatterns, 8, 14),
        ],
      },
    ],
  });
}
