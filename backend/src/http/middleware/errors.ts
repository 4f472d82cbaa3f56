import type { Next } from 'koa';
import type { Logger } from 'pino';
import { errorForLog } from '../../logger.js';
import type { AppContext } from '../context.js';
import { HttpProblem, renderProblem, titleFor } from '../problem.js';

/** Statuses set without a body: no route (404), or the router's 405/501 with its `Allow` header. */
function bodilessProblem(ctx: AppContext): HttpProblem {
  if (ctx.status === 404) return new HttpProblem(404, `There is no endpoint at ${ctx.path}.`);
  if (ctx.status === 405) {
    return new HttpProblem(
      405,
      `${ctx.path} does not support ${ctx.method}; it supports ${ctx.response.get('Allow')}.`,
    );
  }
  return new HttpProblem(ctx.status, titleFor(ctx.status), { expose: true });
}

/** Renders every failure as a problem document; a stack trace goes to the log, never to the client. */
export function problemResponses(logger: Logger) {
  return async (ctx: AppContext, next: Next): Promise<void> => {
    try {
      await next();
      if (ctx.body === undefined && ctx.status >= 400) throw bodilessProblem(ctx);
    } catch (error) {
      const problem = renderProblem(error, ctx.state.requestId);
      if (problem.unexpected)
        logger.error({ err: errorForLog(error), requestId: ctx.state.requestId }, 'request failed');
      ctx.set(problem.headers);
      ctx.status = problem.status;
      ctx.type = 'application/problem+json';
      ctx.body = problem.body;
    }
  };
}
