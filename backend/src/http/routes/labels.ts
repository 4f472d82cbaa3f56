import type {
  LabelNamesResponse,
  LabelStats,
  LabelValueCount,
  LabelValuesResponse,
  Warning,
} from '@gpt-runner-logs/contract';
import Router from '@koa/router';
import type { Redactor } from '../../insight/redaction/index.js';
import type { Clock, SourceName } from '../../model/index.js';
import type { Cached, LabelRead, LabelReader } from '../../query/labels.js';
import { principalOf } from '../auth.js';
import { assertQueryable, readableSources } from '../caller-scope.js';
import type { AppContext, AppState } from '../context.js';
import { parseLabelNamesQuery, parseLabelValuesQuery, type LabelQuery } from '../params/index.js';
import type { QueryContext } from '../params/log-query.js';

export interface LabelRouteDeps {
  labels: LabelReader;
  enabledSources: SourceName[];
  clock: Clock;
  /** Set when REDACT_RESPONSES is on: values are redacted as `/logs` redacts labels. */
  redactor?: Redactor;
}

/**
 * Label names and values in the caller's scope (the token's sources) and the query's time
 * range, for Grafana's label browser, ad hoc filters and label-values variables.
 */
export function labelRoutes(deps: LabelRouteDeps): Router<AppState> {
  const router = new Router<AppState>();
  router.get('/logs/labels', (ctx) => names(ctx, deps));
  router.get('/logs/labels/values', (ctx) => values(ctx, deps));
  return router;
}

function scope(ctx: AppContext, deps: LabelRouteDeps): QueryContext {
  const principal = principalOf(ctx);
  return { defaultSources: readableSources(principal, deps.enabledSources), nowMs: deps.clock.now() };
}

function allowed<Q extends LabelQuery>(ctx: AppContext, deps: LabelRouteDeps, parsed: Q): Q {
  assertQueryable(principalOf(ctx), parsed.query, deps.enabledSources);
  return parsed;
}

/**
 * What both answers share: whether a bound cut them, with warnings saying which (so a short
 * list is never mistaken for the whole truth), and what was read.
 */
function outcome(
  answer: Cached<LabelRead> & { listCut: boolean },
  request: LabelQuery,
  what: string,
  started: number,
) {
  const warnings: Warning[] = [...answer.warnings];
  if (answer.entriesCut) {
    warnings.push({
      message: `${what} come from the newest ${request.maxEntries} matching entries of each source; older entries were not read (raise maxEntries or narrow the query)`,
    });
  }
  if (answer.listCut)
    warnings.push({ message: `more than ${request.limit} ${what}; the first ${request.limit} are listed` });
  const { entries, scanned, cache } = answer;
  const stats: LabelStats = { entries, scanned, tookMs: Math.round(performance.now() - started), cache };
  return { truncated: answer.entriesCut || answer.listCut, partial: answer.partial, warnings, stats };
}

async function names(ctx: AppContext, deps: LabelRouteDeps): Promise<void> {
  const request = allowed(ctx, deps, parseLabelNamesQuery(ctx.query, scope(ctx, deps)));
  const started = performance.now();
  const answer = await deps.labels.names(request);
  ctx.body = {
    names: answer.names,
    ...outcome(answer, request, 'label names', started),
  } satisfies LabelNamesResponse;
}

/** Redacted values that become equal (two keys, one `[REDACTED:…]`) are counted together, in value order again. */
function redactValues(values: LabelValueCount[], redactor: Redactor): LabelValueCount[] {
  const counts = new Map<string, number>();
  for (const { value, entries } of values) {
    const shown = redactor.redactText(value);
    counts.set(shown, (counts.get(shown) ?? 0) + entries);
  }
  return [...counts]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([value, entries]) => ({ value, entries }));
}

async function values(ctx: AppContext, deps: LabelRouteDeps): Promise<void> {
  const request = allowed(ctx, deps, parseLabelValuesQuery(ctx.query, scope(ctx, deps)));
  const started = performance.now();
  const answer = await deps.labels.values(request);
  ctx.body = {
    name: request.name,
    values: deps.redactor ? redactValues(answer.values, deps.redactor) : answer.values,
    ...outcome(answer, request, 'label values', started),
  } satisfies LabelValuesResponse;
}
