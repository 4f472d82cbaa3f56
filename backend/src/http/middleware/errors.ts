import type { Next } from 'koa';
import type { Logger } from 'pino';
import type { AppContext } from '../context.js';
import { HttpProblem, titleFor, type ProblemBody } from '../problem.js';

interface KoaHttpError {
  status?: number;
  expose?: boolean;
  message?: string;
  headers?: Record<string, string>;
}

function toProblem(error: unknown): { problem: HttpProblem; unexpected: boolean } {
  if (error instanceof HttpProblem) return { problem: error, unexpected: false };
  const httpError = error as KoaHttpError;
  const status = httpError?.status;
  // Errors Koa and its parsers raise on purpose (413 from the body parser, 405 from the router).
  if (typeof status === 'number' && status >= 400 && status < 500 && httpError.expose) {
    const headers = httpError.headers ?? {};
    return {
      problem: new HttpProblem(status, httpError.message ?? titleFor(status), { headers }),
      unexpected: false,
    };
  }
  return {
    problem: new HttpProblem(
      500,
      'The request failed unexpectedly. Quote the X-Request-Id header when reporting it.',
    ),
    unexpected: true,
  };
}

/** Statuses set without a body: no route (404), or the router's 405/501 with its `Allow` header. */
function bodilessProblem(ctx: AppContext): HttpProblem {
  if (ctx.status === 404) return new HttpProblem(404, `There is no endpoint at ${ctx.path}.`);
  if (ctx.status === 405) {
    return new HttpProblem(
      405,
      `${ctx.path} does not support ${ctx.method}; it supports ${ctx.response.get('Allow')}.`,
    );
  }
  return new HttpProblem(ctx.status, titleFor(ctx.status));
}

/** Renders every failure as a problem document; a stack trace goes to the log, never to the client. */
export function problemResponses(logger: Logger) {
  return async (ctx: AppContext, next: Next): Promise<void> => {
    try {
      await next();
      if (ctx.body === undefined && ctx.status >= 400) throw bodilessProblem(ctx);
    } catch (error) {
      const { problem, unexpected } = toProblem(error);
      if (unexpected) logger.error({ err: error, requestId: ctx.state.requestId }, 'request failed');
      for (const [name, value] of Object.entries(problem.extra.headers ?? {})) ctx.set(name, value);
      const body: ProblemBody = problem.body(ctx.state.requestId);
      ctx.status = problem.status;
      ctx.type = 'application/problem+json';
      ctx.body = body;
    }
  };
}
