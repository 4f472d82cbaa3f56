/**
 * Every error a client sees is an RFC 9457 problem: `application/problem+json` with a title,
 * the status, a detail a person can act on, and for bad input the parameter at fault.
 */
export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail: string;
  param?: string;
  instance?: string;
  errors?: { param: string; detail: string }[];
}

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

export class HttpProblem extends Error {
  constructor(
    readonly status: number,
    readonly detail: string,
    readonly extra: { param?: string; headers?: Record<string, string>; errors?: ProblemBody['errors'] } = {},
  ) {
    super(detail);
  }

  body(instance?: string): ProblemBody {
    return {
      type: 'about:blank',
      title: titleFor(this.status),
      status: this.status,
      detail: this.detail,
      ...(this.extra.param ? { param: this.extra.param } : {}),
      ...(this.extra.errors ? { errors: this.extra.errors } : {}),
      ...(instance ? { instance } : {}),
    };
  }
}

export const badParam = (param: string, detail: string): HttpProblem =>
  new HttpProblem(400, `${param}: ${detail}`, { param });
