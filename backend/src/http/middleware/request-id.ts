import { randomUUID } from 'node:crypto';
import type { Next } from 'koa';
import type { AppContext } from '../context.js';

// Echo a caller's id only when it is a plausible id, so logs cannot be polluted through it.
const ACCEPTABLE_ID = /^[\w.:-]{1,128}$/;

/** Every response carries `X-Request-Id`, the caller's own when it sent one. */
export async function requestId(ctx: AppContext, next: Next): Promise<void> {
  const given = ctx.get('X-Request-Id');
  ctx.state.requestId = ACCEPTABLE_ID.test(given) ? given : randomUUID();
  ctx.set('X-Request-Id', ctx.state.requestId);
  await next();
}
