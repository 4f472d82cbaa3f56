import { createTemplateSrv } from '../__tests__/support/templateSrv';
import { UnifiedLogsQuery } from '../types';
import { interpolateQuery } from './interpolate';

/**
 * Label filters with multi-value variables, through a template service that calls format
 * functions as Grafana's does (the raw values, a list for a multi-value variable).
 */
const variables = {
  symbol: ['AAPL', 'MSFT'],
  one: ['NVDA'],
  single: 'TSLA',
  classes: ['B', 'A.X'],
  exchange: ['NYSE', 'NASDAQ'],
};

const labelsAfter = (labels: UnifiedLogsQuery['labels']) =>
  interpolateQuery({ refId: 'A', labels }, {}, createTemplateSrv(variables)).labels;

describe('label filters with template variables', () => {
  it('turn a multi-value = into an escaped =~ alternation, as Loki does', () => {
    expect(labelsAfter([{ name: 'symbol', op: '=', value: '$symbol' }])).toEqual([
      { name: 'symbol', op: '=~', value: 'AAPL|MSFT' },
    ]);
    expect(labelsAfter([{ name: 'class', op: '=', value: '${classes}' }])).toEqual([
      { name: 'class', op: '=~', value: 'B|A\\.X' },
    ]);
  });

  it('turn a multi-value != into !~', () => {
    expect(labelsAfter([{ name: 'symbol', op: '!=', value: '$symbol' }])).toEqual([
      { name: 'symbol', op: '!~', value: 'AAPL|MSFT' },
    ]);
  });

  it('escape the text around the values and group each variable', () => {
    expect(labelsAfter([{ name: 'listing', op: '=', value: 'BRK.$classes@$exchange' }])).toEqual([
      { name: 'listing', op: '=~', value: 'BRK\\.(B|A\\.X)@(NYSE|NASDAQ)' },
    ]);
  });

  it('keep an equality for single values, a multi-value variable with one value selected included', () => {
    expect(
      labelsAfter([
        { name: 'symbol', op: '=', value: '$single' },
        { name: 'symbol', op: '!=', value: '$one' },
        { name: 'listing', op: '=', value: 'X.$single' },
        { name: 'missing', op: '=', value: '$undefined' },
      ])
    ).toEqual([
      { name: 'symbol', op: '=', value: 'TSLA' },
      { name: 'symbol', op: '!=', value: 'NVDA' },
      { name: 'listing', op: '=', value: 'X.TSLA' },
      { name: 'missing', op: '=', value: '$undefined' },
    ]);
  });

  it('leave regex matchers to the regex format', () => {
    expect(labelsAfter([{ name: 'symbol', op: '=~', value: '$symbol' }])).toEqual([
      { name: 'symbol', op: '=~', value: '(AAPL|MSFT)' },
    ]);
  });
});
