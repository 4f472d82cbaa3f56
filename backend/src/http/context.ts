import type { ParameterizedContext } from 'koa';
import type { Principal } from './principal.js';

/** Per-request state shared by the middleware chain. */
export interface AppState {
  requestId: string;
  principal?: Principal;
}

export type AppContext = ParameterizedContext<AppState>;
