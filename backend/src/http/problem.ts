import type { ProblemBody } from '@gpt-runner-logs/contract';

/**
 * Every error a client sees is an RFC 9457 problem: `application/problem+json` with a title,
 * the status, a detail a person can act on, and for bad input the parameter at fault.
 *
 * Errors follow Koa's convention (that of `http-errors`): an error carries its `status` and
 * whether its message is meant for the client (`expose`, true for 4xx unless said otherwise).
 * Any layer may throw such an error; `renderProblem` is the one place one becomes a response.
 */
export type { ProblemBody };

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  501: 'Not Implemented',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

export const titleFor = (status: number): string =>
  TITLES[status] ?? (status >= 500 ? 'Server Error' : 'Client Error');

/** What an error may carry besides its status and message, all optional (as in `http-errors`). */
export interface ProblemExtras {
  /** The parameter at fault. */
  param?: string;
  /** Response headers, such as `WWW-Authenticate` or `Retry-After`. */
  headers?: Record<string, string>;
  errors?: ProblemBody['errors'];
  /** Whether the message is meant for the client; 4xx by default, never a 5xx unless said so. */
  expose?: boolean;
}

/** An error raised on purpose with the status the client should see. */
export class HttpProblem extends Error {
  readonly expose: boolean;
  readonly headers: Record<string, string>;
  readonly param?: string;
  readonly errors?: ProblemBody['errors'];

  constructor(
    readonly status: number,
    detail: string,
    extras: ProblemExtras = {},
  ) {
    super(detail);
    this.expose = extras.expose ?? status < 500;
    this.headers = extras.headers ?? {};
    this.param = extras.param;
    this.errors = extras.errors;
  }
}

export const badParam = (param: string, detail: string): HttpProblem =>
  new HttpProblem(400, `${param}: ${detail}`, { param });

/** The shape Koa, its parsers, the router and this backend's domain errors share. */
interface StatusError extends ProblemExtras {
  status: number;
  message: string;
}

const isStatusError = (error: unknown): error is StatusError => {
  const status = (error as { status?: unknown } | null)?.status;
  return typeof status === 'number' && Number.isInteger(status) && status >= 400 && status <= 599;
};

const UNEXPECTED = 'The request failed unexpectedly. Quote the X-Request-Id header when reporting it.';

export interface RenderedProblem {
  status: number;
  headers: Record<string, string>;
  body: ProblemBody;
  /** Not raised on purpose (or not meant for the client): worth a log line with the stack. */
  unexpected: boolean;
}

/**
 * The one renderer. An error with a status and `expose` shows its message; any other error
 * is a 500 whose message (and stack) stays in the log, because it may name internals.
 */
export function renderProblem(error: unknown, instance?: string): RenderedProblem {
  const known = isStatusError(error) && error.expose === true;
  const status = known ? error.status : 500;
  const body: ProblemBody = {
    type: 'about:blank',
    title: titleFor(status),
    status,
    detail: known ? error.message : UNEXPECTED,
    ...(known && error.param ? { param: error.param } : {}),
    ...(known && error.errors ? { errors: error.errors } : {}),
    ...(instance ? { instance } : {}),
  };
  const headers = known ? (error.headers ?? {}) : {};
  return { status, headers, body, unexpected: !known };
}
