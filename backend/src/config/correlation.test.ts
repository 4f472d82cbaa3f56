import { describe, expect, it } from 'vitest';
import { BASE_ENV, problemsOf } from './env.fixture.js';
import { loadConfig } from './index.js';

describe('correlation configuration', () => {
  it('defaults to the four GPT Runner+ keys with their id prefixes, and order ids expected in three places', () => {
    const config = loadConfig(BASE_ENV);
    expect(config.correlation.fields).toEqual([
      { name: 'order_id', textPrefix: 'ord-' },
      { name: 'trade_id', textPrefix: 'trd-' },
      { name: 'reflection_id', textPrefix: 'refl-' },
      { name: 'request_id', textPrefix: 'req-' },
    ]);
    expect(config.correlation.expected.order_id?.map((p) => p.name)).toEqual([
      'gcs prefix=trades/',
      'firestore collection=gpt_runner_trades',
      'pods app=trader',
    ]);
    expect(config.reconcile).toMatchObject({ key: 'order_id', fields: ['status', 'qty', 'price', 'pnl'] });
  });

  it('reads field:prefix pairs and places', () => {
    const config = loadConfig({
      ...BASE_ENV,
      CORRELATION_FIELDS: 'order_id, job_id:job-',
      CORRELATION_EXPECTED_PLACES: JSON.stringify({ job_id: ['pods app=worker'] }),
    });
    expect(config.correlation.fields).toEqual([
      { name: 'order_id', textPrefix: 'ord-' },
      { name: 'job_id', textPrefix: 'job-' },
    ]);
    expect(config.correlation.expected).toEqual({
      job_id: [{ source: 'pods', label: 'app', value: 'worker', name: 'pods app=worker' }],
    });
  });

  it.each([
    [{ CORRELATION_FIELDS: 'order id' }, 'CORRELATION_FIELDS: "order id" is not field or field:id-prefix'],
    [{ CORRELATION_FIELDS: 'order_id,order_id' }, 'CORRELATION_FIELDS: order_id is listed twice'],
    [
      { CORRELATION_FIELDS: 'order_id:a:b' },
      'CORRELATION_FIELDS: "order_id:a:b" is not field or field:id-prefix',
    ],
    [
      { CORRELATION_EXPECTED_PLACES: '{"order_id":["s3 prefix=x"]}' },
      'CORRELATION_EXPECTED_PLACES (at order_id.0)',
    ],
    [{ RECONCILE_FIELDS: 'status,' + 'x y' }, 'RECONCILE_FIELDS'],
    [{ RECONCILE_INTERVAL_SECONDS: '-1' }, 'RECONCILE_INTERVAL_SECONDS'],
    [{ CORRELATION_FIELD: 'order_id' }, 'did you mean CORRELATION_FIELDS?'],
  ])('refuses %j, naming the variable', (env, problem) => {
    const problems = problemsOf(env);
    expect(problems.join('\n')).toContain(problem);
  });
});
