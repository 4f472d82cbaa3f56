import type { LogQuery, SourceName } from '../model/index.js';
import { assertMayRead } from './auth.js';
import type { Principal } from './principal.js';
import { badParam } from './problem.js';

/** What a query may cover for this caller: sources enabled on this server and allowed by the token. */
export const readableSources = (principal: Principal, enabled: SourceName[]): SourceName[] =>
  enabled.filter((source) => principal.sources.includes(source));

/** A source this server does not serve is a 400; one the token may not read, a 403. */
export function assertSourcesQueryable(
  principal: Principal,
  sources: SourceName[],
  enabled: SourceName[],
): void {
  const disabled = sources.filter((s) => !enabled.includes(s));
  if (disabled.length > 0) throw badParam('source', `${disabled.join(', ')} is not enabled on this server`);
  assertMayRead(principal, sources);
}

export const assertQueryable = (principal: Principal, query: LogQuery, enabled: SourceName[]): void =>
  assertSourcesQueryable(principal, query.sources, enabled);
