import { LOGS_QUERY_MODEL_FIELDS, QUERY_TYPES } from '@gpt-runner-logs/contract';

import { DEFAULT_QUERY, QueryType } from './types';

describe('the query model', () => {
  it('names every query type of the contract, and only those', () => {
    expect(Object.values(QueryType).sort()).toEqual([...QUERY_TYPES].sort());
  });

  it("fills in only the contract's query fields by default", () => {
    for (const key of Object.keys(DEFAULT_QUERY)) {
      expect(LOGS_QUERY_MODEL_FIELDS).toContain(key);
    }
  });
});
