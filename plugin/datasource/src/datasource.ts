import {
  AdHocVariableFilter,
  CoreApp,
  DataFrame,
  DataQueryRequest,
  DataQueryResponse,
  DataSourceApi,
  DataSourceGetTagKeysOptions,
  DataSourceGetTagValuesOptions,
  DataSourceInstanceSettings,
  DataSourceWithLogsContextSupport,
  DataSourceWithQueryModificationSupport,
  DataSourceWithSupplementaryQueriesSupport,
  DataSourceWithToggleableQueryFiltersSupport,
  LegacyMetricFindQueryOptions,
  LoadingState,
  LogRowContextOptions,
  LogRowContextQueryDirection,
  LogRowModel,
  MetricFindValue,
  QueryFilterOptions,
  QueryFixAction,
  ScopedVars,
  SupplementaryQueryOptions,
  SupplementaryQueryType,
  TimeRange,
  ToggleFilterAction,
} from '@grafana/data';
import { TemplateSrv, getTemplateSrv } from '@grafana/runtime';
import {
  ContextParamName,
  ContextResponse,
  DEFAULT_CONTEXT_LINES,
  LogsResponse,
  MAX_CONTEXT_LINES,
  MetaField,
  MetaScopeParamName,
  CorrelationField,
  PatternsResponse,
  ReconcileResponse,
  RelatedResponse,
  SummaryResponse,
  VolumeResponse,
} from '@gpt-runner-logs/contract';
import { Observable, catchError, defer, filter, map, merge, of } from 'rxjs';

import { annotationSupport } from './annotations/annotationSupport';
import { DEFAULT_TIMEOUT_SECONDS, QueryParams, UnifiedLogsApi } from './api';
import { EditorDataSource } from './editorDataSource';
import { toDataQueryError } from './errors';
import { withDerivedFields } from './frames/derived';
import {
  LinkTarget,
  addCorrelationLinks,
  correlationFieldsOf,
  reconcileFrame,
  relatedFrames,
} from './frames/correlation';
import { logsFrame, logsResponseToFrame } from './frames/logs';
import { toNotices } from './frames/notices';
import { PatternLinkTarget, patternsFrame } from './frames/patterns';
import { GrafanaLinks, grafanaBaseUrl } from './grafanaUrl';
import { summaryFrame } from './frames/summary';
import { appendEntries, tailFrame } from './frames/tail';
import { nanosToRfc3339 } from './frames/time';
import { volumeFrames } from './frames/volume';
import { HealthResult, checkHealth } from './health';
import { withAdHocFilters } from './labels/adhoc';
import { fetchLabelNames, fetchLabelValues } from './labels/client';
import { adHocLabelScope } from './labels/scope';
import {
  SUPPORTED_MODIFICATIONS,
  hasLabelFilter,
  lineFilterWords,
  modifyQuery,
  toggleLabelFilter,
} from './modifyQuery';
import { streamQuery } from './querybuilder/contextQuery';
import { queryDisplayText } from './querybuilder/displayText';
import { interpolateQuery } from './querybuilder/interpolate';
import {
  clampCount,
  clampLimit,
  logsParams,
  patternsParams,
  reconcileParams,
  relatedParams,
  summaryBody,
  tailParams,
  volumeParams,
} from './querybuilder/params';
import { tailEvents } from './tail/tailStream';
import { DEFAULT_MAX_LINES, DEFAULT_QUERY, QueryType, UnifiedLogsOptions, UnifiedLogsQuery } from './types';
import { UnifiedLogsVariableSupport } from './variableSupport';
import { UnifiedLogsVariableQuery, toVariableQuery, variableValues } from './variables';

/** Grafana asks for a number of context lines; the backend refuses more than its maximum. */
const CONTEXT_BOUNDS = { fallback: DEFAULT_CONTEXT_LINES, max: MAX_CONTEXT_LINES };

export class DataSource
  extends DataSourceApi<UnifiedLogsQuery, UnifiedLogsOptions>
  implements
    DataSourceWithLogsContextSupport<UnifiedLogsQuery>,
    DataSourceWithQueryModificationSupport<UnifiedLogsQuery>,
    DataSourceWithToggleableQueryFiltersSupport<UnifiedLogsQuery>,
    DataSourceWithSupplementaryQueriesSupport<UnifiedLogsQuery>,
    EditorDataSource
{
  readonly api: UnifiedLogsApi;
  /** Fields whose values link to the Related view (the backend's CORRELATION_FIELDS). */
  readonly correlationFields: CorrelationField[];
  private readonly linkTarget: LinkTarget;
  /** Lines a logs query asks for when its own limit is empty (the "Maximum lines" setting). */
  readonly maxLines: number;

  constructor(
    private readonly instanceSettings: DataSourceInstanceSettings<UnifiedLogsOptions>,
    private readonly templateSrv: TemplateSrv = getTemplateSrv()
  ) {
    super(instanceSettings);
    const timeout = Number(instanceSettings.jsonData?.timeout) || DEFAULT_TIMEOUT_SECONDS;
    this.api = new UnifiedLogsApi(instanceSettings.url ?? '', timeout);
    this.correlationFields = correlationFieldsOf(instanceSettings.jsonData?.correlationFields);
    this.linkTarget = { uid: instanceSettings.uid, name: instanceSettings.name };
    this.maxLines = clampLimit(instanceSettings.jsonData?.maxLines, DEFAULT_MAX_LINES);
    this.variables = new UnifiedLogsVariableSupport((query, options) => this.metricFindQuery(query, options));
    this.annotations = annotationSupport;
  }

  getDefaultQuery(_app: CoreApp): Partial<UnifiedLogsQuery> {
    return DEFAULT_QUERY;
  }

  filterQuery(query: UnifiedLogsQuery): boolean {
    return !query.hide;
  }

  applyTemplateVariables(query: UnifiedLogsQuery, scopedVars: ScopedVars): UnifiedLogsQuery {
    return interpolateQuery(query, scopedVars, this.templateSrv);
  }

  interpolateVariablesInQueries(
    queries: UnifiedLogsQuery[],
    scopedVars: ScopedVars,
    filters?: AdHocVariableFilter[]
  ): UnifiedLogsQuery[] {
    return queries.map((query) => ({
      ...withAdHocFilters(this.applyTemplateVariables(query, scopedVars), filters),
      datasource: this.getRef(),
    }));
  }

  /**
   * Each query runs on its own and answers under its own key, so one slow source or a failed
   * summary does not hold back the others. A live logs query (Explore's Live mode, or a
   * panel's query with `live` set) answers with a long-lived stream of frames instead.
   */
  query(request: DataQueryRequest<UnifiedLogsQuery>): Observable<DataQueryResponse> {
    const targets = request.targets.filter((target) => this.filterQuery(target));
    if (targets.length === 0) {
      return of({ data: [], state: LoadingState.Done });
    }
    return merge(
      ...targets.map((target) => {
        // The dashboard's ad hoc filters (`request.filters`) narrow every query, as in Loki; an
        // operator the backend cannot apply throws, and `defer` makes that this query's error.
        return defer(() => {
          const query = withAdHocFilters(this.applyTemplateVariables(target, request.scopedVars), request.filters);
          return isLive(query, request)
            ? this.runTail(query, request.range)
            : this.runQuery(query, request).pipe(
                map((data): DataQueryResponse => ({ data, key: target.refId, state: LoadingState.Done }))
              );
        }).pipe(
          catchError((error: unknown) =>
            of<DataQueryResponse>({
              data: [],
              key: target.refId,
              state: LoadingState.Error,
              errors: [toDataQueryError(error, target.refId)],
            })
          )
        );
      })
    );
  }

  private runQuery(query: UnifiedLogsQuery, request: DataQueryRequest<UnifiedLogsQuery>): Observable<DataFrame[]> {
    const range = request.range;
    const requestId = `${request.requestId}_${query.refId}`;
    switch (query.queryType ?? QueryType.Logs) {
      case QueryType.Volume:
        return this.api
          .get<VolumeResponse>('/logs/volume', volumeParams(query, range, request.intervalMs), { requestId })
          .pipe(map((response) => volumeFrames(response, query.refId)));
      case QueryType.Patterns:
        return this.api
          .get<PatternsResponse>('/logs/patterns', patternsParams(query, range), { requestId })
          .pipe(map((response) => [patternsFrame(response, query.refId, this.patternLink(query))]));
      case QueryType.Summary:
        return this.api
          .postSummary<SummaryResponse>(summaryBody(query, range, this.grafanaLinks()), { requestId })
          .pipe(map((response) => [summaryFrame(response, query.refId)]));
      case QueryType.Related:
        // Nothing to relate until a value is given (the backend would refuse the request).
        if (!query.correlationValue?.trim()) {
          return of([]);
        }
        return this.api
          .get<RelatedResponse>('/logs/related', relatedParams(query), { requestId })
          .pipe(map((response) => relatedFrames(response, query.refId, this.correlationFields, this.linkTarget)));
      case QueryType.Reconcile:
        return this.api
          .get<ReconcileResponse>('/logs/reconcile', reconcileParams(range), { requestId })
          .pipe(map((response) => [reconcileFrame(response, query.refId, this.linkTarget)]));
      case QueryType.Logs:
      default:
        return this.runLogs(query, range, requestId);
    }
  }

  /** A click on a pattern runs a logs query in this data source. */
  private patternLink(query: UnifiedLogsQuery): PatternLinkTarget {
    return { datasourceUid: this.uid, datasourceName: this.name, query };
  }

  /** Where this Grafana is, so the summary's "check next" items link into its Explore. */
  private grafanaLinks(): GrafanaLinks | undefined {
    const base = grafanaBaseUrl();
    return base ? { grafanaUrl: base, datasourceUid: this.uid } : undefined;
  }

  private runLogs(query: UnifiedLogsQuery, range: TimeRange, requestId: string): Observable<DataFrame[]> {
    const limit = clampLimit(query.limit, this.maxLines);
    return this.api.get<LogsResponse>('/logs', logsParams(query, range, limit), { requestId }).pipe(
      map((response) => {
        const entries = response.entries ?? [];
        const frame = withSearchWords(
          logsResponseToFrame(response, { refId: query.refId, search: query.search, regex: query.regex, limit }),
          lineFilterWords(query)
        );
        const linked = addCorrelationLinks(frame, entries, this.correlationFields, this.linkTarget);
        return [withDerivedFields(linked, entries, this.instanceSettings.jsonData?.derivedFields, this.linkTarget)];
      })
    );
  }

  /**
   * New entries as they arrive (`GET /logs/tail` through the proxy route), appended to a
   * frame of at most `limit` rows that is emitted, growing, with `LoadingState.Streaming`.
   * The stream reconnects on its own from its last event id, so the panel never has to.
   */
  private runTail(query: UnifiedLogsQuery, range: TimeRange): Observable<DataQueryResponse> {
    const frame = tailFrame({
      refId: query.refId,
      capacity: clampLimit(query.limit, this.maxLines),
      search: query.search,
      regex: query.regex,
    });
    const stream = (data: DataFrame[]): DataQueryResponse => ({
      data,
      key: query.refId,
      state: LoadingState.Streaming,
    });
    return tailEvents({ url: this.api.url('/logs/tail', tailParams(query, range)) }).pipe(
      filter((event) => event.event !== 'end'),
      map((event) => {
        if (event.event === 'entries') {
          appendEntries(frame, event.data.entries);
        } else if (event.event === 'gap') {
          frame.meta = { ...frame.meta, notices: [{ severity: 'warning', text: event.data.detail }] };
        }
        return stream([frame]);
      })
    );
  }

  // ---- Logs experience ---------------------------------------------------------------

  modifyQuery(query: UnifiedLogsQuery, action: QueryFixAction): UnifiedLogsQuery {
    return modifyQuery(query, action);
  }

  getSupportedQueryModifications(): string[] {
    return [...SUPPORTED_MODIFICATIONS];
  }

  /** Log details' filter buttons toggle: a second click removes the filter again. */
  toggleQueryFilter(query: UnifiedLogsQuery, filter: ToggleFilterAction): UnifiedLogsQuery {
    const { key, value } = filter.options;
    if (!key || value === undefined) {
      return query;
    }
    return toggleLabelFilter(query, filter.type === 'FILTER_OUT' ? '!=' : '=', key, value);
  }

  /** Grafana passes the button's kind as `type` (FILTER_FOR when it does not say). */
  queryHasFilter(query: UnifiedLogsQuery, filter: QueryFilterOptions): boolean {
    const op = filter.type === 'FILTER_OUT' ? '!=' : '=';
    return (
      filter.key !== undefined && filter.value !== undefined && hasLabelFilter(query, filter.key, filter.value, op)
    );
  }

  /** Query history and the query library show this for a query. */
  getQueryDisplayText(query: UnifiedLogsQuery): string {
    return queryDisplayText(query);
  }

  /**
   * Lines around a row come from the same stream (object, document collection or container),
   * which the backend finds from the entry's source, id and exact timestamp.
   */
  async getLogRowContext(row: LogRowModel, options?: LogRowContextOptions): Promise<DataQueryResponse> {
    const direction = options?.direction === LogRowContextQueryDirection.Forward ? 'forward' : 'backward';
    const { source, id } = entryRef(row);
    const params: QueryParams<ContextParamName> = [
      ['source', source],
      ['id', id],
      ['timestamp', nanosToRfc3339(row.timeEpochNs)],
      ['direction', direction],
      ['limit', String(clampCount(options?.limit, CONTEXT_BOUNDS))],
    ];
    const response = await this.api.getOnce<ContextResponse>('/logs/context', params);
    const refId = `context-${row.dataFrame.refId ?? 'A'}-${direction}`;
    const frame = logsFrame(response.entries ?? [], { refId });
    frame.meta = { ...frame.meta, notices: toNotices(response.warnings, response.partial) };
    return { data: [frame] };
  }

  /** "Open in split view": a logs query of the row's own stream. */
  async getLogRowContextQuery(
    row: LogRowModel,
    _options?: LogRowContextOptions,
    query?: UnifiedLogsQuery
  ): Promise<UnifiedLogsQuery | null> {
    return streamQuery(row.labels ?? {}, query);
  }

  /** Explore's histogram above the log lines is our Volume query over the same filters. */
  getSupportedSupplementaryQueryTypes(): SupplementaryQueryType[] {
    return [SupplementaryQueryType.LogsVolume];
  }

  /**
   * What Explore runs for the histogram: the request's logs queries turned into Volume
   * queries (Grafana's `hasSupplementaryQuerySupport` needs this as well as the two above;
   * without it Explore draws a "limited" histogram from the loaded lines only).
   */
  getSupplementaryRequest(
    type: SupplementaryQueryType,
    request: DataQueryRequest<UnifiedLogsQuery>,
    _options?: SupplementaryQueryOptions
  ): DataQueryRequest<UnifiedLogsQuery> | undefined {
    if (type !== SupplementaryQueryType.LogsVolume) {
      return undefined;
    }
    const targets = request.targets
      .map((query) => this.getSupplementaryQuery({ type }, query))
      .filter((query): query is UnifiedLogsQuery => query !== undefined);
    return targets.length === 0 ? undefined : { ...request, targets };
  }

  getSupplementaryQuery(options: SupplementaryQueryOptions, query: UnifiedLogsQuery): UnifiedLogsQuery | undefined {
    const isLogs = (query.queryType ?? QueryType.Logs) === QueryType.Logs;
    if (options.type !== SupplementaryQueryType.LogsVolume || !isLogs || query.hide) {
      return undefined;
    }
    return { ...query, refId: `log-volume-${query.refId}`, queryType: QueryType.Volume };
  }

  // ---- Variables and editor suggestions ---------------------------------------------

  /**
   * Variable options: label values or names in the dashboard's time range (`$symbol`), or a
   * list the backend keeps (`pods namespace=$ns`); text queries saved before the variable
   * editor still work.
   */
  async metricFindQuery(
    saved: string | UnifiedLogsVariableQuery,
    options?: LegacyMetricFindQueryOptions
  ): Promise<MetricFindValue[]> {
    const query = toVariableQuery(saved);
    if (!query) {
      return [];
    }
    const scopedVars = options?.scopedVars ?? {};
    const replace = (text: string | undefined) => this.templateSrv.replace(text ?? '', scopedVars);
    const { source, labels } = this.applyTemplateVariables(
      { refId: query.refId, source: query.source, labels: query.labels },
      scopedVars
    );
    const scope = Object.fromEntries(Object.entries(query.scope ?? {}).map(([name, value]) => [name, replace(value)]));
    const resolved = { ...query, label: replace(query.label), scope };
    return variableValues(this.api, resolved, { range: options?.range, source, labels });
  }

  /** Suggestions for the query editor; template variables in the scope are resolved first. */
  async suggest(field: MetaField, params: Partial<Record<MetaScopeParamName, string>> = {}): Promise<string[]> {
    const pairs = Object.entries(params)
      .map(([key, value]): [MetaScopeParamName, string] => [
        key as MetaScopeParamName,
        this.templateSrv.replace(value ?? ''),
      ])
      .filter(([, value]) => value !== '');
    return this.api.metaValues(field, pairs);
  }

  /** Ad hoc filter keys: label names in the time range, narrowed by the other filters. */
  async getTagKeys(options?: DataSourceGetTagKeysOptions<UnifiedLogsQuery>): Promise<MetricFindValue[]> {
    const names = await fetchLabelNames(this.api, adHocLabelScope(options));
    return names.map((text) => ({ text, value: text }));
  }

  /** Ad hoc filter values: the key's values in the time range, narrowed by the other filters. */
  async getTagValues(options: DataSourceGetTagValuesOptions<UnifiedLogsQuery>): Promise<MetricFindValue[]> {
    const values = await fetchLabelValues(this.api, options.key, adHocLabelScope(options));
    return values.map(({ value }) => ({ text: value, value }));
  }

  /** `$name` of every dashboard variable, offered in the editor's pickers. */
  variableNames(): string[] {
    return this.templateSrv.getVariables().map((variable) => `$${variable.name}`);
  }

  async testDatasource(): Promise<HealthResult> {
    return checkHealth(this.api);
  }
}

/** Line filters added from selections are highlighted like the search. */
function withSearchWords(frame: DataFrame, words: string[]): DataFrame {
  if (words.length === 0) {
    return frame;
  }
  frame.meta = { ...frame.meta, searchWords: [...(frame.meta?.searchWords ?? []), ...words] };
  return frame;
}

/** Explore's Live button sets `liveStreaming`; a dashboard panel's logs query sets `live`. */
function isLive(query: UnifiedLogsQuery, request: DataQueryRequest<UnifiedLogsQuery>): boolean {
  const isLogs = (query.queryType ?? QueryType.Logs) === QueryType.Logs;
  return isLogs && (request.liveStreaming === true || query.live === true);
}

/** The frame's id is `source:id` (ids are unique only within a source); labels carry the source. */
function entryRef(row: LogRowModel): { source: string; id: string } {
  const rawId = row.rowId ?? row.uid;
  const source = row.labels?.source ?? rawId.split(':')[0] ?? '';
  const id = rawId.startsWith(`${source}:`) ? rawId.slice(source.length + 1) : rawId;
  return { source, id };
}
