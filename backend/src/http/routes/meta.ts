import {
  isMetaField,
  type MetaScopeParamName,
  type MetaValuesResponse,
  type SourcesResponse,
  type WhoAmIResponse,
} from '@gpt-runner-logs/contract';
import Router from '@koa/router';
import { describeError, SOURCE_NAMES, type SourceName } from '../../model/index.js';
import { META_FIELDS, type LogSource } from '../../query/log-source.js';
import { canSummarize, principalOf } from '../auth.js';
import type { AppState } from '../context.js';
import { validateParams } from '../params/index.js';
import { HttpProblem } from '../problem.js';
import { z } from 'zod';

export interface MetaDeps {
  sources: ReadonlyMap<SourceName, LogSource>;
  sourceTimeoutMs: number;
}

const SCOPE_PARAMS = {
  namespace: z.string().min(1).optional(),
  pod: z.string().min(1).optional(),
  bucket: z.string().min(1).optional(),
} satisfies Record<MetaScopeParamName, z.ZodType>;

/** Values for Grafana variables and the query editor's suggestions, plus who the caller is. */
export function metaRoutes(deps: MetaDeps): Router<AppState> {
  const router = new Router<AppState>();

  router.get('/meta/whoami', (ctx) => {
    const principal = principalOf(ctx);
    ctx.body = { ...principal, canSummarize: canSummarize(principal) } satisfies WhoAmIResponse;
  });

  router.get('/meta/sources', (ctx) => {
    const principal = principalOf(ctx);
    ctx.body = {
      sources: SOURCE_NAMES.map((name) => ({
        name,
        enabled: deps.sources.has(name),
        allowed: principal.sources.includes(name),
      })),
    } satisfies SourcesResponse;
  });

  router.get('/meta/:field', async (ctx) => {
    const field = ctx.params.field ?? '';
    if (!isMetaField(field)) {
      throw new HttpProblem(404, `There is no list of "${field}"; try ${META_FIELDS.join(', ')}.`);
    }
    const scope = validateParams(ctx.query, SCOPE_PARAMS);
    const principal = principalOf(ctx);
    const signal = AbortSignal.timeout(deps.sourceTimeoutMs);
    const readable = [...deps.sources.values()].filter((s) => principal.sources.includes(s.name));
    const warnings: { source: SourceName; message: string }[] = [];
    const lists = await Promise.all(
      readable.map((source) =>
        source.listValues(field, scope, signal).catch((error: unknown) => {
          warnings.push({ source: source.name, message: `could not list ${field}: ${describeError(error)}` });
          return undefined;
        }),
      ),
    );
    const values = new Set(lists.flatMap((list) => list ?? []));
    ctx.body = { values: [...values].sort(), warnings } satisfies MetaValuesResponse;
  });

  return router;
}
