import { SupplementaryQueryType } from '@grafana/data';

import { DataSource } from './datasource';
import { instanceSettings } from './__tests__/support/instance';
import { createTemplateSrv } from './__tests__/support/templateSrv';
import { hasLabelFilter, modifyQuery, toggleLabelFilter } from './modifyQuery';
import { QueryType, UnifiedLogsQuery } from './types';

const base: UnifiedLogsQuery = { refId: 'A', source: 'all', labels: [{ name: 'symbol', op: '=', value: 'BTCUSDT' }] };

describe('modifyQuery', () => {
  it('adds an equality matcher for ADD_FILTER', () => {
    const next = modifyQuery(base, { type: 'ADD_FILTER', options: { key: 'side', value: 'BUY' } });
    expect(next.labels).toEqual([
      { name: 'symbol', op: '=', value: 'BTCUSDT' },
      { name: 'side', op: '=', value: 'BUY' },
    ]);
    expect(base.labels).toHaveLength(1);
  });

  it('adds a negative matcher for ADD_FILTER_OUT, replacing the opposite one', () => {
    const next = modifyQuery(base, { type: 'ADD_FILTER_OUT', options: { key: 'symbol', value: 'BTCUSDT' } });
    expect(next.labels).toEqual([{ name: 'symbol', op: '!=', value: 'BTCUSDT' }]);
  });

  it('does not duplicate a matcher that is already there', () => {
    const next = modifyQuery(base, { type: 'ADD_FILTER', options: { key: 'symbol', value: 'BTCUSDT' } });
    expect(next.labels).toEqual(base.labels);
  });

  it('narrows the source when filtering for the source label', () => {
    const next = modifyQuery(base, { type: 'ADD_FILTER', options: { key: 'source', value: 'pods' } });
    expect(next.source).toBe('pods');
    expect(next.labels).toEqual(base.labels);
  });

  it('ignores unknown actions and actions without a key', () => {
    expect(modifyQuery(base, { type: 'ADD_STRING_FILTER', options: { value: 'x' } })).toBe(base);
    expect(modifyQuery(base, { type: 'ADD_FILTER', options: {} })).toBe(base);
  });

  it('toggles filters on and off', () => {
    const on = toggleLabelFilter(base, '=', 'side', 'SELL');
    expect(hasLabelFilter(on, 'side', 'SELL')).toBe(true);
    const off = toggleLabelFilter(on, '=', 'side', 'SELL');
    expect(hasLabelFilter(off, 'side', 'SELL')).toBe(false);
    expect(toggleLabelFilter({ ...base, source: 'gcs' }, '=', 'source', 'gcs').source).toBe('all');
  });

  it('is what the data source offers Grafana', () => {
    const ds = new DataSource(instanceSettings(), createTemplateSrv());
    const next = ds.modifyQuery(base, { type: 'ADD_FILTER', options: { key: 'pod', value: 'p1' } });
    expect(ds.queryHasFilter(next, { key: 'pod', value: 'p1' })).toBe(true);
    const toggled = ds.toggleQueryFilter(next, { type: 'FILTER_FOR', options: { key: 'pod', value: 'p1' } });
    expect(ds.queryHasFilter(toggled, { key: 'pod', value: 'p1' })).toBe(false);
  });
});

describe('logs volume in Explore', () => {
  const ds = new DataSource(instanceSettings(), createTemplateSrv());

  it('derives a Volume query from a Logs query', () => {
    expect(ds.getSupportedSupplementaryQueryTypes()).toEqual([SupplementaryQueryType.LogsVolume]);
    const volume = ds.getSupplementaryQuery({ type: SupplementaryQueryType.LogsVolume }, { ...base, search: 'x' });
    expect(volume).toEqual({ ...base, search: 'x', refId: 'log-volume-A', queryType: QueryType.Volume });
  });

  it('offers nothing for other query types or hidden queries', () => {
    const volumeOf = (query: UnifiedLogsQuery) =>
      ds.getSupplementaryQuery({ type: SupplementaryQueryType.LogsVolume }, query);
    expect(volumeOf({ ...base, queryType: QueryType.Patterns })).toBeUndefined();
    expect(volumeOf({ ...base, hide: true })).toBeUndefined();
    expect(ds.getSupplementaryQuery({ type: SupplementaryQueryType.LogsSample }, base)).toBeUndefined();
  });
});
