import { describe, expect, it } from 'vitest';
import { SummaryFailure } from '../insight/summary/provider.js';
import { HttpProblem, badParam, renderProblem } from './problem.js';

const UNEXPECTED = 'The request failed unexpectedly. Quote the X-Request-Id header when reporting it.';

describe('renderProblem', () => {
  it('shows a 4xx raised on purpose with its parameter, headers and request id', () => {
    const problem = renderProblem(badParam('limit', 'must be a whole number'), 'req-1');
    expect(problem).toEqual({
      status: 400,
      headers: {},
      unexpected: false,
      body: {
        type: 'about:blank',
        title: 'Bad Request',
        status: 400,
        detail: 'limit: must be a whole number',
        param: 'limit',
        instance: 'req-1',
      },
    });
  });

  it("never shows a 5xx's message unless the error says it is meant for the client", () => {
    const hidden = renderProblem(new HttpProblem(503, 'pool exhausted at 10.0.0.7'));
    expect(hidden.status).toBe(500);
    expect(hidden.body.detail).toBe(UNEXPECTED);
    expect(hidden.unexpected).toBe(true);

    const plain = renderProblem(new Error('ECONNREFUSED 10.0.0.7:6379'));
    expect(plain.body).toMatchObject({ status: 500, title: 'Internal Server Error', detail: UNEXPECTED });
    expect(plain.headers).toEqual({});
  });

  it("renders Koa's own errors by their status and expose flag (a body too large)", () => {
    const tooLarge = Object.assign(new Error('request entity too large'), { status: 413, expose: true });
    expect(renderProblem(tooLarge).body).toMatchObject({ status: 413, detail: 'request entity too large' });
    const notExposed = Object.assign(new Error('secret detail'), { status: 400, expose: false });
    expect(renderProblem(notExposed).body.detail).toBe(UNEXPECTED);
  });

  it("renders a summary provider's failure with its own status and Retry-After", () => {
    const failure = new SummaryFailure('rate_limit', 'The summary provider is rate-limiting.', 429, 7);
    const problem = renderProblem(failure);
    expect(problem.status).toBe(503);
    expect(problem.headers).toEqual({ 'Retry-After': '7' });
    expect(problem.body.detail).toBe('The summary provider is rate-limiting.');
    expect(renderProblem(new SummaryFailure('timeout', 'No answer.')).status).toBe(504);
  });
});
