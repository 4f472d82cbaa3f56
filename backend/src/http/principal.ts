import type { Role } from '@gpt-runner-logs/contract';
import type { SourceName } from '../model/index.js';

/**
 * Who is calling, resolved from their bearer token. A module of its own: the request state
 * (`context.ts`) and the authenticator (`auth.ts`) both need it, and neither needs the other.
 */
export interface Principal {
  name: string;
  role: Role;
  sources: SourceName[];
}
