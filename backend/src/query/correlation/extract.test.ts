import { carriesValue, correlationValues, defaultCorrelationFields } from '@gpt-runner-logs/contract';
import { describe, expect, it } from 'vitest';

const FIELDS = defaultCorrelationFields();
const ORDER = FIELDS.find((f) => f.name === 'order_id')!;

describe('correlation keys', () => {
  it('finds an order id in a pod line’s text, by its prefix', () => {
    const line = { message: 'order filled ord-3f9a01bc77de BUY 10 AAPL @ 189.2', labels: { app: 'trader' } };
    expect(correlationValues(line, FIELDS)).toEqual({ order_id: ['ord-3f9a01bc77de'] });
  });

  it('finds ids in payloads (top level and one down), labels and name=value text', () => {
    const entry = {
      message: 'retrying request_id=abc-123 for the broker',
      labels: { reflection_id: 'refl-00042' },
      payload: { order_id: 'ord-aaa111', fill: { trade_id: 'trd-9' }, qty: 10 },
    };
    expect(correlationValues(entry, FIELDS)).toEqual({
      order_id: ['ord-aaa111'],
      trade_id: ['trd-9'],
      reflection_id: ['refl-00042'],
      request_id: ['abc-123'],
    });
  });

  it('does not take a longer id, or a word merely starting like one, for the value', () => {
    const entry = { message: 'orders ord-aaa111x and word-ord-bbb222 and ord-', labels: {} };
    expect(carriesValue(entry, ORDER, 'ord-aaa111')).toBe(false);
    expect(carriesValue(entry, ORDER, 'ord-aaa111x')).toBe(true);
    expect(carriesValue(entry, ORDER, 'ord-bbb222')).toBe(false);
  });

  it('reads own fields only: a key named like a prototype member is not found on every object', () => {
    const fields = [{ name: 'constructor' }, { name: 'toString' }];
    expect(correlationValues({ message: 'x', labels: {}, payload: {} }, fields)).toEqual({});
  });

  it('ignores a value found in another field', () => {
    const entry = { message: 'x', labels: {}, payload: { trade_id: 'ord-aaa111' } };
    expect(carriesValue(entry, ORDER, 'ord-aaa111')).toBe(false);
  });
});
