/**
 * The part of Grafana's dashboard JSON model (schemaVersion 41, Grafana 12) that these
 * dashboards use, typed, with small builders over it. Panels are declared in reading order
 * and laid out by `layout`, so ids and grid positions never need to be kept by hand.
 */
import {
  SEVERITY_COLORS,
  type LogsQueryModel,
  type MetaField,
  type MetaScopeParamName,
  type QueryTypeName,
  type Severity,
  type SourceChoice,
} from '@gpt-runner-logs/contract';
import type { DataSourceRef } from './references.js';

export interface GridPos {
  x: number;
  y: number;
  w: number;
  h: number;
}

/**
 * One query of the Unified Logs data source: the contract's `LogsQueryModel`, as the plugin's
 * `UnifiedLogsQuery` is, plus Grafana's `refId` and `datasource`. Generated queries always
 * say their type and source.
 */
export interface UnifiedLogsTarget extends LogsQueryModel {
  refId: string;
  datasource: DataSourceRef;
  queryType: QueryTypeName;
  /** The plugin sends this field as it is (it does not interpolate it), so no variable here. */
  source: SourceChoice;
  /** Severities or a `$severity` variable; a multi-value variable becomes a comma list. */
  severities?: Array<Severity | `$${string}`>;
}

export interface PrometheusTarget {
  refId: string;
  datasource: DataSourceRef;
  expr: string;
  legendFormat?: string;
  instant?: boolean;
  range?: boolean;
}

export type Target = UnifiedLogsTarget | PrometheusTarget;

export type PanelType = 'logs' | 'timeseries' | 'table' | 'stat' | 'row' | 'gptrunner-logsummary-panel';

export interface Threshold {
  color: string;
  value: number | null;
}

export interface FieldConfig {
  defaults: {
    unit?: string;
    min?: number;
    max?: number;
    decimals?: number;
    color?: { mode: string };
    thresholds?: { mode: 'absolute' | 'percentage'; steps: Threshold[] };
    mappings?: Array<{
      type: 'value';
      options: Record<string, { text: string; color: string; index: number }>;
    }>;
    custom?: Record<string, unknown>;
  };
  overrides: Array<{
    matcher: { id: string; options: string };
    properties: Array<{ id: string; value: unknown }>;
  }>;
}

export interface Panel {
  id: number;
  type: PanelType;
  title: string;
  description?: string;
  gridPos: GridPos;
  datasource?: DataSourceRef;
  targets?: Target[];
  options?: Record<string, unknown>;
  fieldConfig?: FieldConfig;
  transformations?: Array<{ id: string; options: Record<string, unknown> }>;
  /** Rows only. */
  collapsed?: boolean;
  /** Rows only: the panels a collapsed row holds. */
  panels?: Panel[];
}

export interface VariableOption {
  text: string;
  value: string;
  selected: boolean;
}

interface VariableBase {
  name: string;
  label: string;
  description?: string;
  hide: 0 | 1 | 2;
  skipUrlSync: boolean;
}

export interface QueryVariable extends VariableBase {
  type: 'query';
  datasource: DataSourceRef;
  query: string;
  definition: string;
  /** 1: on dashboard load, 2: on time range change. */
  refresh: 1 | 2;
  multi: boolean;
  includeAll: boolean;
  sort: number;
  regex: string;
  current: Record<string, never>;
  options: [];
}

export interface CustomVariable extends VariableBase {
  type: 'custom';
  query: string;
  multi: boolean;
  includeAll: boolean;
  current: { text: string | string[]; value: string | string[] };
  options: VariableOption[];
}

export interface TextboxVariable extends VariableBase {
  type: 'textbox';
  query: string;
  current: { text: string; value: string };
  options: VariableOption[];
}

export type Variable = QueryVariable | CustomVariable | TextboxVariable;

export interface DashboardLink {
  title: string;
  type: 'dashboards' | 'link';
  url?: string;
  tags: string[];
  asDropdown: boolean;
  includeVars: boolean;
  keepTime: boolean;
  icon: string;
  targetBlank: boolean;
  tooltip: string;
}

export interface Dashboard {
  uid: string;
  title: string;
  description: string;
  tags: string[];
  timezone: 'utc' | 'browser';
  editable: boolean;
  graphTooltip: 0 | 1 | 2;
  refresh: string;
  schemaVersion: number;
  time: { from: string; to: string };
  timepicker: Record<string, never>;
  fiscalYearStartMonth: number;
  liveNow: boolean;
  weekStart: string;
  links: DashboardLink[];
  annotations: { list: unknown[] };
  templating: { list: Variable[] };
  panels: Panel[];
  version: number;
}

/** Grafana 12's dashboard schema version; older ones are migrated on load, newer ones refused. */
export const SCHEMA_VERSION = 41;

// ---- Panels ------------------------------------------------------------------------

/** A panel before layout: its size, and no id or position yet. */
export type PanelSpec = Omit<Panel, 'id' | 'gridPos'> & { w: number; h: number };

export interface RowSpec {
  title: string;
  collapsed: boolean;
  panels: PanelSpec[];
}

const GRID_WIDTH = 24;

function emptyFieldConfig(): FieldConfig {
  return { defaults: {}, overrides: [] };
}

export function logsPanel(title: string, target: UnifiedLogsTarget, description?: string): PanelSpec {
  return {
    type: 'logs',
    title,
    description,
    w: GRID_WIDTH,
    h: 12,
    datasource: target.datasource,
    targets: [target],
    options: {
      showTime: true,
      showLabels: false,
      showCommonLabels: false,
      wrapLogMessage: true,
      prettifyLogMessage: false,
      enableLogDetails: true,
      enableInfiniteScrolling: false,
      dedupStrategy: 'none',
      sortOrder: 'Descending',
    },
  };
}

/** Volume frames carry one count field per severity; colors follow severity, so red means errors everywhere. */
export function volumePanel(title: string, target: UnifiedLogsTarget, w = 16): PanelSpec {
  return {
    type: 'timeseries',
    title,
    w,
    h: 8,
    datasource: target.datasource,
    targets: [target],
    fieldConfig: {
      defaults: {
        unit: 'short',
        custom: {
          drawStyle: 'bars',
          fillOpacity: 80,
          stacking: { mode: 'normal', group: 'A' },
          lineWidth: 1,
        },
      },
      overrides: Object.entries(SEVERITY_COLORS).map(([severity, color]) => ({
        matcher: { id: 'byName', options: severity },
        properties: [{ id: 'color', value: { mode: 'fixed', fixedColor: color } }],
      })),
    },
    options: {
      legend: { displayMode: 'list', placement: 'bottom', showLegend: true },
      tooltip: { mode: 'multi' },
    },
  };
}

export function patternsPanel(title: string, target: UnifiedLogsTarget, w = 8, h = 8): PanelSpec {
  return {
    type: 'table',
    title,
    w,
    h,
    datasource: target.datasource,
    targets: [target],
    fieldConfig: emptyFieldConfig(),
    options: { showHeader: true, cellHeight: 'sm', sortBy: [{ displayName: 'count', desc: true }] },
  };
}

/** The archive against Firestore: one row per trade missing from a store or differing between them. */
export function reconcilePanel(title: string, target: UnifiedLogsTarget, description: string): PanelSpec {
  return {
    type: 'table',
    title,
    description,
    w: GRID_WIDTH,
    h: 8,
    datasource: target.datasource,
    targets: [target],
    fieldConfig: emptyFieldConfig(),
    options: { showHeader: true, cellHeight: 'sm', sortBy: [{ displayName: 'time', desc: true }] },
  };
}

export function summaryPanel(title: string, target: UnifiedLogsTarget, description: string): PanelSpec {
  return {
    type: 'gptrunner-logsummary-panel',
    title,
    description,
    w: 16,
    h: 14,
    datasource: target.datasource,
    targets: [target],
    // The panel's SummaryOptions (plugin/summary-panel/src/types.ts): digest highlights shown, no height cap.
    options: { showDigest: true, maxHeight: 0 },
  };
}

export interface TimeseriesOptions {
  unit?: string;
  min?: number;
  max?: number;
  /** A dashed red line at this value: the objective or threshold the series is judged against. */
  thresholdLine?: number;
  w?: number;
  h?: number;
  description?: string;
  stack?: boolean;
}

export function timeseriesPanel(
  title: string,
  targets: PrometheusTarget[],
  opts: TimeseriesOptions = {},
): PanelSpec {
  const custom: Record<string, unknown> = {
    drawStyle: 'line',
    lineWidth: 1,
    fillOpacity: 10,
    showPoints: 'never',
  };
  if (opts.stack) custom.stacking = { mode: 'normal', group: 'A' };
  if (opts.thresholdLine !== undefined) custom.thresholdsStyle = { mode: 'dashed' };
  return {
    type: 'timeseries',
    title,
    description: opts.description,
    w: opts.w ?? 12,
    h: opts.h ?? 8,
    datasource: targets[0]?.datasource,
    targets,
    fieldConfig: {
      defaults: {
        unit: opts.unit,
        min: opts.min,
        max: opts.max,
        custom,
        thresholds:
          opts.thresholdLine === undefined
            ? undefined
            : {
                mode: 'absolute',
                steps: [
                  { color: 'green', value: null },
                  { color: 'red', value: opts.thresholdLine },
                ],
              },
      },
      overrides: [],
    },
    options: {
      legend: { displayMode: 'list', placement: 'bottom', showLegend: true },
      tooltip: { mode: 'multi' },
    },
  };
}

export interface StatOptions {
  unit?: string;
  decimals?: number;
  /** Ascending steps: the color from each value on. */
  steps?: Threshold[];
  mappings?: FieldConfig['defaults']['mappings'];
  w?: number;
  h?: number;
  description?: string;
  /** `lastNotNull` for gauges, `sum` or `last` of an increase over the range. */
  reducer?: 'lastNotNull' | 'mean' | 'max' | 'sum';
}

export function statPanel(title: string, targets: PrometheusTarget[], opts: StatOptions = {}): PanelSpec {
  return {
    type: 'stat',
    title,
    description: opts.description,
    w: opts.w ?? 6,
    h: opts.h ?? 5,
    datasource: targets[0]?.datasource,
    targets,
    fieldConfig: {
      defaults: {
        unit: opts.unit,
        decimals: opts.decimals,
        color: { mode: 'thresholds' },
        thresholds: { mode: 'absolute', steps: opts.steps ?? [{ color: 'green', value: null }] },
        mappings: opts.mappings,
      },
      overrides: [],
    },
    options: {
      reduceOptions: { calcs: [opts.reducer ?? 'lastNotNull'], fields: '', values: false },
      colorMode: 'background',
      graphMode: 'none',
      justifyMode: 'auto',
      orientation: 'auto',
      textMode: 'value_and_name',
    },
  };
}

// ---- Layout --------------------------------------------------------------------------

/**
 * Assigns ids and grid positions: panels fill each line left to right and wrap at 24
 * columns; every row starts on a new line. A collapsed row keeps its panels inside it, as
 * Grafana stores them, so they are only queried when someone opens the row.
 */
export function layout(rows: RowSpec[]): Panel[] {
  const out: Panel[] = [];
  let nextId = 1;
  let y = 0;

  const place = (specs: PanelSpec[]): Panel[] => {
    const placed: Panel[] = [];
    let x = 0;
    let lineHeight = 0;
    for (const { w, h, ...spec } of specs) {
      if (x + w > GRID_WIDTH) {
        y += lineHeight;
        x = 0;
        lineHeight = 0;
      }
      placed.push(withoutUndefined({ ...spec, id: nextId++, gridPos: { x, y, w, h } }));
      x += w;
      lineHeight = Math.max(lineHeight, h);
    }
    y += lineHeight;
    return placed;
  };

  for (const row of rows) {
    const rowPanel: Panel = {
      id: nextId++,
      type: 'row',
      title: row.title,
      gridPos: { x: 0, y, w: GRID_WIDTH, h: 1 },
      collapsed: row.collapsed,
      panels: [],
    };
    y += 1;
    out.push(rowPanel);
    const placed = place(row.panels);
    if (row.collapsed) rowPanel.panels = placed;
    else out.push(...placed);
  }
  return out;
}

/** Drops undefined members, so the JSON holds only what was set. */
export function withoutUndefined<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

// ---- Variables -----------------------------------------------------------------------

/**
 * A variable query of the Unified Logs data source: a `/meta/{field}` list, narrowed by
 * `name=value` pairs (`pods namespace=$namespace`).
 */
export function metaQuery(field: MetaField, scope: Partial<Record<MetaScopeParamName, string>> = {}): string {
  return [field, ...Object.entries(scope).map(([name, value]) => `${name}=${value}`)].join(' ');
}

export function queryVariable(
  name: string,
  label: string,
  datasource: DataSourceRef,
  query: string,
  opts: { multi: boolean; includeAll: boolean; description?: string },
): QueryVariable {
  return {
    type: 'query',
    name,
    label,
    description: opts.description,
    hide: 0,
    skipUrlSync: false,
    datasource,
    query,
    definition: query,
    refresh: 2,
    multi: opts.multi,
    includeAll: opts.includeAll,
    sort: 1,
    regex: '',
    current: {},
    options: [],
  };
}

export function customVariable(
  name: string,
  label: string,
  values: readonly string[],
  opts: { multi: boolean; includeAll: boolean; description?: string },
): CustomVariable {
  const selectAll = opts.includeAll;
  return {
    type: 'custom',
    name,
    label,
    description: opts.description,
    hide: 0,
    skipUrlSync: false,
    query: values.join(','),
    multi: opts.multi,
    includeAll: opts.includeAll,
    current: selectAll
      ? { text: ['All'], value: ['$__all'] }
      : { text: values[0] ?? '', value: values[0] ?? '' },
    options: [
      ...(opts.includeAll ? [{ text: 'All', value: '$__all', selected: selectAll }] : []),
      ...values.map((v, i) => ({ text: v, value: v, selected: !selectAll && i === 0 })),
    ],
  };
}

export function textboxVariable(name: string, label: string, description?: string): TextboxVariable {
  return {
    type: 'textbox',
    name,
    label,
    description,
    hide: 0,
    skipUrlSync: false,
    query: '',
    current: { text: '', value: '' },
    options: [{ text: '', value: '', selected: true }],
  };
}

// ---- Dashboard -----------------------------------------------------------------------

export function dashboard(spec: {
  uid: string;
  title: string;
  description: string;
  tags: string[];
  refresh: string;
  time: { from: string; to: string };
  links: DashboardLink[];
  variables: Variable[];
  rows: RowSpec[];
}): Dashboard {
  return withoutUndefined({
    uid: spec.uid,
    title: spec.title,
    description: spec.description,
    tags: spec.tags,
    timezone: 'utc',
    editable: false,
    graphTooltip: 1,
    refresh: spec.refresh,
    schemaVersion: SCHEMA_VERSION,
    time: spec.time,
    timepicker: {},
    fiscalYearStartMonth: 0,
    liveNow: false,
    weekStart: '',
    links: spec.links,
    annotations: {
      list: [
        {
          builtIn: 1,
          datasource: { type: 'grafana', uid: '-- Grafana --' },
          enable: true,
          hide: true,
          iconColor: 'rgba(0, 211, 255, 1)',
          name: 'Annotations & Alerts',
          type: 'dashboard',
        },
      ],
    },
    templating: { list: spec.variables },
    panels: layout(spec.rows),
    version: 1,
  });
}

/** A link to the other dashboards of the product, found by tag, keeping time and variables. */
export function productDashboardsLink(tag: string): DashboardLink {
  return {
    title: 'GPT Runner+',
    type: 'dashboards',
    tags: [tag],
    asDropdown: true,
    includeVars: false,
    keepTime: true,
    icon: 'external link',
    targetBlank: false,
    tooltip: '',
  };
}
