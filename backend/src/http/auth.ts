import { createHash, timingSafeEqual } from 'node:crypto';
import { mayRoleSummarize } from '@gpt-runner-logs/contract';
import type { Next } from 'koa';
import type { SourceName } from '../model/index.js';
import type { AppContext } from './context.js';
import type { Principal } from './principal.js';
import { HttpProblem } from './problem.js';

/** What a configured token grants; the configuration's token entries have this shape. */
export type TokenGrant = Principal & {
  /** Hex SHA-256 of the token: the environment never holds a usable secret. */
  sha256: string;
};

export const canSummarize = (principal: Principal): boolean => mayRoleSummarize(principal.role);

const sha256 = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest();

/**
 * Tokens are configured as SHA-256 hashes, so the environment never holds a usable secret,
 * and the presented token's hash is compared with every configured one in constant time.
 */
export class TokenAuthenticator {
  private readonly entries: { hash: Buffer; principal: Principal }[];

  constructor(tokens: readonly TokenGrant[]) {
    this.entries = tokens.map((t) => ({
      hash: Buffer.from(t.sha256, 'hex'),
      principal: { name: t.name, role: t.role, sources: [...t.sources] },
    }));
  }

  identify(token: string): Principal | undefined {
    const presented = sha256(token);
    let found: Principal | undefined;
    // No early exit: the time taken must not say which entry matched.
    for (const entry of this.entries) {
      if (timingSafeEqual(presented, entry.hash)) found = entry.principal;
    }
    return found;
  }
}

const REALM = 'Bearer realm="gpt-runner-logs"';

function unauthorized(detail: string, error?: 'invalid_request' | 'invalid_token'): HttpProblem {
  const challenge = error ? `${REALM}, error="${error}"` : REALM;
  return new HttpProblem(401, detail, { headers: { 'WWW-Authenticate': challenge } });
}

/** Koa middleware: a valid bearer token or a 401 that says what was wrong with it. */
export function requireToken(authenticator: TokenAuthenticator) {
  return async (ctx: AppContext, next: Next): Promise<void> => {
    const header = ctx.get('Authorization');
    if (!header)
      throw unauthorized('This endpoint needs an API token: send "Authorization: Bearer <token>".');
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!match?.[1]) {
      throw unauthorized('The Authorization header must be "Bearer <token>".', 'invalid_request');
    }
    const principal = authenticator.identify(match[1]);
    if (!principal) throw unauthorized('The API token is not valid.', 'invalid_token');
    ctx.state.principal = principal;
    await next();
  };
}

export function principalOf(ctx: AppContext): Principal {
  const principal = ctx.state.principal;
  if (!principal) throw new Error('route mounted without requireToken');
  return principal;
}

export function assertMayRead(principal: Principal, sources: SourceName[]): void {
  const denied = sources.filter((s) => !principal.sources.includes(s));
  if (denied.length === 0) return;
  throw new HttpProblem(
    403,
    `The token "${principal.name}" may not read ${denied.join(', ')}; it may read ${principal.sources.join(', ')}.`,
    { param: 'source' },
  );
}

export function assertMaySummarize(principal: Principal): void {
  if (canSummarize(principal)) return;
  throw new HttpProblem(
    403,
    `Summaries need the analyst or admin role; the token "${principal.name}" has the ${principal.role} role.`,
  );
}
