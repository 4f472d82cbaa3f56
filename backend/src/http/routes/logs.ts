import type { LogsResponse } from '@gpt-runner-logs/contract';
import Router from '@koa/router';
import type { Clock, SourceName } from '../../model/index.js';
import type { CursorCodec } from '../../query/cursor.js';
import type { Redactor } from '../../insight/redaction/index.js';
import type { LogReader, PageResponse } from '../../query/log-reader.js';
import { principalOf } from '../auth.js';
import { assertQueryable, readableSources } from '../caller-scope.js';
import type { AppContext, AppState } from '../context.js';
import type { HttpMetrics } from '../../metrics/metrics.js';
import { dedupePage } from '../dedupe-page.js';
import { decodeCursorParam, parseListing } from '../params/index.js';
import { badParam } from '../problem.js';

export interface LogRouteDeps {
  reader: LogReader;
  cursors: CursorCodec;
  metrics: HttpMetrics;
  enabledSources: SourceName[];
  clock: Clock;
  /** Set when REDACT_RESPONSES is on: messages, payloads and labels are redacted on the way out. */
  redactor?: Redactor;
}

/** `GET /logs` over every source the caller may read, and one route per source. */
export function logRoutes(deps: LogRouteDeps): Router<AppState> {
  const router = new Router<AppState>();
  router.get('/logs', (ctx) => listLogs(ctx, deps));
  for (const source of deps.enabledSources) {
    router.get(`/logs/${source}`, (ctx) => listLogs(ctx, deps, source));
  }
  return router;
}

async function listLogs(ctx: AppContext, deps: LogRouteDeps, only?: SourceName): Promise<void> {
  const principal = principalOf(ctx);
  if (only && 'source' in ctx.query) throw badParam('source', `is fixed by the path /logs/${only}`);
  const { query, cursor, dedupe } = parseListing(ctx.query, {
    defaultSources: only ? [only] : readableSources(principal, deps.enabledSources),
    nowMs: deps.clock.now(),
  });
  assertQueryable(principal, query, deps.enabledSources);
  if (cursor) Object.assign(query, decodeCursorParam(deps.cursors, query, cursor));

  const read = await deps.reader.page(query);
  const page = dedupe ? await dedupePage(read, query, deps) : read;
  countReturned(deps.metrics, page.entries);
  ctx.body = (deps.redactor ? redactPage(page, deps.redactor) : page) satisfies LogsResponse;
}

/** Redacts a copy: a cached page is shared by every request that hits it and must not change. */
function redactPage(page: PageResponse, redactor: Redactor): PageResponse {
  const entries = page.entries.map((entry) => ({
    ...entry,
    message: redactor.redactText(entry.message),
    labels: redactor.redactValue(entry.labels),
    ...(entry.payload === undefined ? {} : { payload: redactor.redactValue(entry.payload) }),
  }));
  return { ...page, entries };
}

function countReturned(metrics: HttpMetrics, entries: { source: SourceName }[]): void {
  const counts = new Map<SourceName, number>();
  for (const { source } of entries) counts.set(source, (counts.get(source) ?? 0) + 1);
  for (const [source, count] of counts) metrics.entriesReturned.inc({ source }, count);
}
