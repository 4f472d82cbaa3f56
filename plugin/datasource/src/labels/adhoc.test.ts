import { UnsupportedAdHocFilterError, adHocToLabelFilter, withAdHocFilters } from './adhoc';
import { selectionFilter } from './suggest';

describe('ad hoc filters as label matchers', () => {
  it('keeps the operators the backend has', () => {
    for (const operator of ['=', '!=', '=~', '!~']) {
      expect(adHocToLabelFilter({ key: 'symbol', operator, value: 'AAPL' })).toEqual({
        name: 'symbol',
        op: operator,
        value: 'AAPL',
      });
    }
  });

  it('turns "one of" lists into anchored alternations of escaped values', () => {
    expect(adHocToLabelFilter({ key: 'symbol', operator: '=|', value: '', values: ['BRK.B', 'AAPL'] })).toEqual({
      name: 'symbol',
      op: '=~',
      value: 'BRK\\.B|AAPL',
    });
    expect(adHocToLabelFilter({ key: 'pod', operator: '!=|', value: 'a+b' })).toEqual({
      name: 'pod',
      op: '!~',
      value: 'a\\+b',
    });
  });

  it('skips half-typed rows and refuses operators it cannot apply', () => {
    expect(adHocToLabelFilter({ key: '', operator: '=', value: 'x' })).toBeUndefined();
    expect(() => adHocToLabelFilter({ key: 'qty', operator: '<', value: '5' })).toThrow(UnsupportedAdHocFilterError);
  });

  it("adds the filters after the query's own", () => {
    const query = { refId: 'A', labels: [{ name: 'side', op: '=' as const, value: 'buy' }] };
    expect(withAdHocFilters(query, [{ key: 'symbol', operator: '!=', value: 'TSLA' }]).labels).toEqual([
      { name: 'side', op: '=', value: 'buy' },
      { name: 'symbol', op: '!=', value: 'TSLA' },
    ]);
    expect(withAdHocFilters(query, undefined)).toBe(query);
  });
});

describe("the label browser's selection", () => {
  it('is an equality for one value and an escaped alternation for several', () => {
    expect(selectionFilter('symbol', ['AAPL'])).toEqual({ name: 'symbol', op: '=', value: 'AAPL' });
    expect(selectionFilter('symbol', ['AAPL', 'BRK.B'], true)).toEqual({
      name: 'symbol',
      op: '!~',
      value: 'AAPL|BRK\\.B',
    });
    expect(selectionFilter('symbol', [])).toBeUndefined();
  });
});
