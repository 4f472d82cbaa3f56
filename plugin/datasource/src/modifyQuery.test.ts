import { SupplementaryQueryType } from '@grafana/data';

import { DataSource } from './datasource';
import { instanceSettings } from './__tests__/support/instance';
import { createTemplateSrv } from './__tests__/support/templateSrv';
import {
  MESSAGE_LABEL,
  SUPPORTED_MODIFICATIONS,
  hasLabelFilter,
  lineFilterWords,
  modifyQuery,
  toggleLabelFilter,
} from './modifyQuery';
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

  describe('filtering out a source', () => {
    const out = (query: UnifiedLogsQuery, value: string) =>
      modifyQuery(query, { type: 'ADD_FILTER_OUT', options: { key: 'source', value } });

    it('switches from the selected source to the others, never to nothing', () => {
      const next = out({ ...base, source: 'gcs' }, 'gcs');
      expect(next.source).toBe('all');
      expect(next.labels).toEqual([...base.labels!, { name: 'source', op: '!=', value: 'gcs' }]);
      expect(hasLabelFilter(next, 'source', 'gcs', '!=')).toBe(true);
    });

    it('excludes it from All, and changes nothing when another source is selected', () => {
      expect(out(base, 'pods').labels).toContainEqual({ name: 'source', op: '!=', value: 'pods' });
      const firestore = { ...base, source: 'firestore' as const };
      expect(out(firestore, 'gcs')).toBe(firestore);
      expect(hasLabelFilter(firestore, 'source', 'gcs', '!=')).toBe(true);
    });

    it('is undone by filtering for that source, which selects it', () => {
      const next = modifyQuery(out({ ...base, source: 'gcs' }, 'gcs'), {
        type: 'ADD_FILTER',
        options: { key: 'source', value: 'gcs' },
      });
      expect(next.source).toBe('gcs');
      expect(next.labels).toEqual(base.labels);
    });
  });

  describe('line filters from a selection', () => {
    const add = (query: UnifiedLogsQuery, type: string, value: string) =>
      modifyQuery(query, { type, options: { value } });

    it('puts the first "contains" into the search, and later ones on the line as case-insensitive matchers', () => {
      const first = add(base, 'ADD_STRING_FILTER', 'order (rejected)');
      expect(first).toMatchObject({ search: 'order (rejected)', regex: false, labels: base.labels });
      const second = add(first, 'ADD_LINE_FILTER', 'AAPL');
      expect(second.search).toBe('order (rejected)');
      expect(second.labels).toContainEqual({ name: MESSAGE_LABEL, op: '=~', value: '(?is).*AAPL.*' });
      expect(add(first, 'ADD_LINE_FILTER', 'ORDER (REJECTED)')).toBe(first);
      expect(lineFilterWords(add(second, 'ADD_LINE_FILTER_OUT', 'MSFT'))).toEqual(['(?i)AAPL']);
    });

    it('makes "does not contain" a negated matcher on the line, its text escaped', () => {
      const next = add(base, 'ADD_STRING_FILTER_OUT', 'qty=1.5 (partial)');
      expect(next.search).toBeUndefined();
      expect(next.labels).toContainEqual({ name: MESSAGE_LABEL, op: '!~', value: '(?is).*qty=1\\.5 \\(partial\\).*' });
      const again = add(next, 'ADD_LINE_FILTER_OUT', 'qty=1.5 (partial)');
      expect(again.labels).toEqual(next.labels);
    });

    it('are all offered to Grafana', () => {
      const ds = new DataSource(instanceSettings(), createTemplateSrv());
      expect(ds.getSupportedQueryModifications()).toEqual([...SUPPORTED_MODIFICATIONS]);
      expect(SUPPORTED_MODIFICATIONS).toEqual(
        expect.arrayContaining(['ADD_STRING_FILTER', 'ADD_STRING_FILTER_OUT', 'ADD_LINE_FILTER', 'ADD_LINE_FILTER_OUT'])
      );
    });
  });

  it('ignores unknown actions and actions without a key or value', () => {
    expect(modifyQuery(base, { type: 'ADD_LOGFMT_PARSER', options: { key: 'a', value: 'x' } })).toBe(base);
    expect(modifyQuery(base, { type: 'ADD_FILTER', options: { value: 'x' } })).toBe(base);
    expect(modifyQuery(base, { type: 'ADD_FILTER', options: { key: 'side' } })).toBe(base);
    expect(modifyQuery(base, { type: 'ADD_STRING_FILTER', options: { value: '' } })).toBe(base);
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
