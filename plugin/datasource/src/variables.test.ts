import { parseVariableQuery } from './variables';

describe('parseVariableQuery', () => {
  it('reads a field and its parameters', () => {
    expect(parseVariableQuery('containers namespace=trading pod=p1')).toEqual({
      field: 'containers',
      params: [
        ['namespace', 'trading'],
        ['pod', 'p1'],
      ],
    });
    expect(parseVariableQuery('  Prefixes   bucket=gpt-runner-logs ')).toEqual({
      field: 'prefixes',
      params: [['bucket', 'gpt-runner-logs']],
    });
  });

  it('drops unknown or empty parameters', () => {
    expect(parseVariableQuery('pods namespace= other=x =y')).toEqual({ field: 'pods', params: [] });
  });

  it('rejects unknown fields', () => {
    expect(parseVariableQuery('tokens')).toBeUndefined();
    expect(parseVariableQuery('')).toBeUndefined();
  });
});
