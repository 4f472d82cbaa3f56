/**
 * "Log aggregator health": how the backend itself is doing, from the metrics it exports
 * (backend/src/metrics/) and the log volume its collector counts. The panels that
 * the alert rules link to show the same expressions the rules evaluate.
 */
import {
  type Dashboard,
  type PrometheusTarget,
  dashboard,
  productDashboardsLink,
  reconcilePanel,
  statPanel,
  timeseriesPanel,
} from './model.js';
import { PRODUCT_TAG } from './logs-dashboard.js';
import {
  DASHBOARD_UIDS,
  LATENCY_OBJECTIVE_SECONDS,
  OBJECTIVE_ROUTES,
  PROMETHEUS,
  UNIFIED_LOGS,
} from './references.js';

function prom(expr: string, legendFormat?: string, refId = 'A'): PrometheusTarget {
  return { refId, datasource: PROMETHEUS, expr, legendFormat };
}

function instant(expr: string): PrometheusTarget {
  return { refId: 'A', datasource: PROMETHEUS, expr, instant: true, range: false };
}

const REQUESTS = 'log_aggregator_http_request_duration_seconds_count';
const OBJECTIVE_SELECTOR = `route=~"${OBJECTIVE_ROUTES}"`;

/** The panel each alert rule points at (`dashboardUid` + `panelId`), by alert name; a test checks the ids. */
export const ALERT_PANELS = {
  LogAggregatorLatencyHigh: 'p95 latency of queries against the 2 s objective',
  LogSourceDown: 'Source up',
  LogSourceSilent: 'Since the newest entry',
  LogErrorSpike: 'Errors per second by source (ERROR and above)',
  LogSummariesFailing: 'Summary failures by reason',
  TradesMissingFromArchive: 'Trades in one store only or differing (last scheduled reconciliation)',
  LogCollectorNotCounting: 'Collector instances leading',
} as const;

const HEALTH_PANELS = {
  latency: ALERT_PANELS.LogAggregatorLatencyHigh,
  sourceUp: ALERT_PANELS.LogSourceDown,
  sinceNewest: ALERT_PANELS.LogSourceSilent,
  errorSpike: ALERT_PANELS.LogErrorSpike,
  summaryFailures: ALERT_PANELS.LogSummariesFailing,
  reconcile: ALERT_PANELS.TradesMissingFromArchive,
  collectorLeading: ALERT_PANELS.LogCollectorNotCounting,
};

export function healthDashboard(): Dashboard {
  const upMappings = [
    {
      type: 'value' as const,
      options: {
        '0': { text: 'DOWN', color: 'red', index: 0 },
        '1': { text: 'UP', color: 'green', index: 1 },
      },
    },
  ];
  return dashboard({
    uid: DASHBOARD_UIDS.health,
    title: 'Log aggregator health',
    description:
      'Request rate, latency against the 2 s objective, errors, cache, sources and summary spend of the Unified Logs backend.',
    tags: [PRODUCT_TAG, 'health'],
    refresh: '1m',
    time: { from: 'now-6h', to: 'now' },
    links: [productDashboardsLink(PRODUCT_TAG)],
    variables: [],
    rows: [
      {
        title: 'Requests',
        collapsed: false,
        panels: [
          statPanel(
            'p95 latency now',
            [
              instant(
                `histogram_quantile(0.95, sum by (le) (rate(log_aggregator_http_request_duration_seconds_bucket{${OBJECTIVE_SELECTOR}}[5m])))`,
              ),
            ],
            {
              unit: 's',
              decimals: 2,
              steps: [
                { color: 'green', value: null },
                { color: 'orange', value: LATENCY_OBJECTIVE_SECONDS * 0.75 },
                { color: 'red', value: LATENCY_OBJECTIVE_SECONDS },
              ],
              description:
                'Listing, volume, pattern and context requests over the last 5 minutes; the objective is 2 s.',
            },
          ),
          statPanel('Request rate', [instant(`sum(rate(${REQUESTS}{route!="/metrics"}[5m]))`)], {
            unit: 'reqps',
            decimals: 2,
          }),
          statPanel(
            'Error rate (5xx)',
            [
              instant(
                `sum(rate(${REQUESTS}{status=~"5.."}[5m])) / sum(rate(${REQUESTS}{route!="/metrics"}[5m]))`,
              ),
            ],
            {
              unit: 'percentunit',
              decimals: 2,
              steps: [
                { color: 'green', value: null },
                { color: 'orange', value: 0.01 },
                { color: 'red', value: 0.05 },
              ],
            },
          ),
          statPanel(
            'Cache hit ratio',
            [
              instant(
                'sum(rate(log_aggregator_cache_requests_total{result=~"hit|coalesced"}[15m])) / sum(rate(log_aggregator_cache_requests_total[15m]))',
              ),
            ],
            {
              unit: 'percentunit',
              decimals: 1,
              steps: [
                { color: 'orange', value: null },
                { color: 'green', value: 0.3 },
              ],
              description:
                'Lookups answered without reading the sources (hits and requests joined to one in flight), last 15 minutes.',
            },
          ),
          timeseriesPanel(
            'Request rate by route',
            [prom(`sum by (route) (rate(${REQUESTS}{route!="/metrics"}[$__rate_interval]))`, '{{route}}')],
            { unit: 'reqps' },
          ),
          timeseriesPanel(
            HEALTH_PANELS.latency,
            [
              prom(
                `histogram_quantile(0.95, sum by (le, route) (rate(log_aggregator_http_request_duration_seconds_bucket{${OBJECTIVE_SELECTOR}}[$__rate_interval])))`,
                '{{route}}',
              ),
            ],
            { unit: 's', min: 0, thresholdLine: LATENCY_OBJECTIVE_SECONDS },
          ),
          timeseriesPanel(
            'Error rate by route (5xx share)',
            [
              prom(
                `sum by (route) (rate(${REQUESTS}{status=~"5.."}[$__rate_interval])) / sum by (route) (rate(${REQUESTS}{route!="/metrics"}[$__rate_interval]))`,
                '{{route}}',
              ),
            ],
            { unit: 'percentunit', min: 0 },
          ),
          timeseriesPanel(
            'Cache lookups by result',
            [
              prom(
                'sum by (result) (rate(log_aggregator_cache_requests_total[$__rate_interval]))',
                '{{result}}',
              ),
            ],
            { unit: 'ops', stack: true },
          ),
        ],
      },
      {
        title: 'Sources',
        collapsed: false,
        panels: [
          statPanel(
            HEALTH_PANELS.sourceUp,
            [{ ...instant('log_aggregator_source_up'), legendFormat: '{{source}}' }],
            {
              w: 8,
              mappings: upMappings,
              steps: [
                { color: 'red', value: null },
                { color: 'green', value: 1 },
              ],
            },
          ),
          statPanel('Cache up', [instant('log_aggregator_cache_up')], {
            w: 4,
            mappings: upMappings,
            steps: [
              { color: 'red', value: null },
              { color: 'green', value: 1 },
            ],
          }),
          statPanel(
            HEALTH_PANELS.sinceNewest,
            [
              {
                ...instant('time() - log_aggregator_source_last_entry_timestamp_seconds'),
                legendFormat: '{{source}}',
              },
            ],
            { w: 12, unit: 's', description: 'Age of the newest entry the collector saw in each source.' },
          ),
          timeseriesPanel(
            HEALTH_PANELS.errorSpike,
            [
              prom(
                'sum by (source) (rate(log_aggregator_log_entries_total{severity=~"ERROR|CRITICAL|ALERT|EMERGENCY"}[5m]))',
                '{{source}} now',
              ),
              prom(
                'sum by (source) (rate(log_aggregator_log_entries_total{severity=~"ERROR|CRITICAL|ALERT|EMERGENCY"}[1h] offset 5m))',
                '{{source}} previous hour',
                'B',
              ),
            ],
            {
              unit: 'cps',
              min: 0,
              description:
                'The error-spike rule compares the first line with a threshold and with three times the second.',
            },
          ),
          timeseriesPanel(
            'Source call latency (p95)',
            [
              prom(
                'histogram_quantile(0.95, sum by (le, source) (rate(log_aggregator_source_request_duration_seconds_bucket[$__rate_interval])))',
                '{{source}}',
              ),
            ],
            { unit: 's', min: 0 },
          ),
          timeseriesPanel(
            'Source errors and time-outs',
            [
              prom(
                'sum by (source, kind) (rate(log_aggregator_source_errors_total[$__rate_interval]))',
                '{{source}} {{kind}}',
              ),
            ],
            { unit: 'ops', min: 0 },
          ),
          timeseriesPanel(
            'Entries returned by source',
            [
              prom(
                'sum by (source) (rate(log_aggregator_entries_returned_total[$__rate_interval]))',
                '{{source}}',
              ),
            ],
            { unit: 'cps', stack: true },
          ),
        ],
      },
      {
        title: 'GPT summaries',
        collapsed: false,
        panels: [
          statPanel(
            'Summary tokens (range)',
            [instant('sum by (kind) (increase(log_aggregator_summary_tokens_total[$__range]))')],
            {
              w: 6,
              decimals: 0,
            },
          ),
          statPanel(
            'Summary cost (range)',
            [instant('sum(increase(log_aggregator_summary_cost_usd_total[$__range]))')],
            {
              w: 6,
              unit: 'currencyUSD',
              decimals: 2,
            },
          ),
          timeseriesPanel(
            'Summary tokens per second',
            [
              prom(
                'sum by (kind, provider) (rate(log_aggregator_summary_tokens_total[$__rate_interval]))',
                '{{provider}} {{kind}}',
              ),
            ],
            { w: 12, unit: 'short', stack: true },
          ),
          timeseriesPanel(
            HEALTH_PANELS.summaryFailures,
            [
              prom(
                'sum by (reason) (increase(log_aggregator_summary_failures_total[$__rate_interval]))',
                '{{reason}}',
              ),
            ],
            { unit: 'short', min: 0 },
          ),
          timeseriesPanel(
            'Summary latency (p95) and cache',
            [
              prom(
                'histogram_quantile(0.95, sum by (le, outcome) (rate(log_aggregator_summary_duration_seconds_bucket[$__rate_interval])))',
                'p95 {{outcome}}',
              ),
              prom(
                'sum(rate(log_aggregator_summary_cache_requests_total{result="hit"}[$__rate_interval])) / sum(rate(log_aggregator_summary_cache_requests_total[$__rate_interval]))',
                'cache hit ratio',
                'B',
              ),
            ],
            { unit: 's', min: 0 },
          ),
        ],
      },
      {
        title: 'Archive reconciliation',
        collapsed: false,
        panels: [
          timeseriesPanel(
            HEALTH_PANELS.reconcile,
            [prom('max by (kind) (log_aggregator_reconcile_mismatches)', '{{kind}}')],
            { unit: 'short', min: 0 },
          ),
          reconcilePanel(
            'Trades: GCS archive against Firestore (dashboard range)',
            { refId: 'A', datasource: UNIFIED_LOGS, queryType: 'reconcile', source: 'all' },
            'Every trade of the range found in one store only, and every field (status, qty, price, pnl) the two stores disagree on. Click an order id for its Related view.',
          ),
        ],
      },
      {
        title: 'Collector',
        collapsed: false,
        panels: [
          timeseriesPanel(
            HEALTH_PANELS.collectorLeading,
            [
              prom('sum(log_aggregator_collector_leader)', 'leading'),
              prom('count(log_aggregator_collector_leader)', 'instances scraped', 'B'),
            ],
            {
              w: 24,
              unit: 'short',
              min: 0,
              description:
                'Collector instances counting log volume (in Kubernetes, the holder of the Lease log-aggregator-collector): 1 normally, 2 for a moment at a hand-over; at 0 nothing counts and the error-spike alert cannot fire. Instances scraped: the collector pods and the API replicas, which report 0.',
            },
          ),
        ],
      },
    ],
  });
}
