import { LabelNamesResponse, LabelValuesResponse } from '@gpt-runner-logs/contract';
import { firstValueFrom } from 'rxjs';

import { FakeBackend, VALID_TOKEN, startFakeBackend } from './__tests__/support/fakeBackend';
import { RANGE_FROM, RANGE_TO, connectDataSource, queryRequest, timeRange } from './__tests__/support/instance';

/** The exact requests ad hoc filters make: what the label endpoints and `/logs` receive. */
let backend: FakeBackend;

beforeAll(async () => {
  backend = await startFakeBackend();
});

afterAll(async () => {
  await backend.close();
});

const STATS = { entries: 3, scanned: 3, tookMs: 1, cache: 'miss' as const };

beforeEach(() => {
  backend.reset();
  backend.handle('GET /logs/labels', () => ({
    body: {
      names: ['side', 'symbol'],
      truncated: false,
      partial: false,
      warnings: [],
      stats: STATS,
    } satisfies LabelNamesResponse,
  }));
  backend.handle('GET /logs/labels/values', (request) => ({
    body: {
      name: request.query.get('name') ?? '',
      values: [{ value: 'AAPL', entries: 2 }],
      truncated: false,
      partial: false,
      warnings: [],
      stats: STATS,
    } satisfies LabelValuesResponse,
  }));
});

const range = () => timeRange(Date.parse(RANGE_FROM), Date.parse(RANGE_TO));
const lastRequest = () => backend.requests[backend.requests.length - 1]!;

describe('ad hoc filter keys and values on the wire', () => {
  it('asks for names in the time range, narrowed by the other filters it can apply', async () => {
    const ds = connectDataSource(backend.url, { token: VALID_TOKEN });
    const keys = await ds.getTagKeys({
      timeRange: range(),
      filters: [
        { key: 'side', operator: '=', value: 'buy' },
        { key: 'qty', operator: '>', value: '5' },
      ],
    });
    expect(keys).toEqual([
      { text: 'side', value: 'side' },
      { text: 'symbol', value: 'symbol' },
    ]);
    const { path, query } = lastRequest();
    expect(path).toBe('/logs/labels');
    expect(query.get('from')).toBe(String(Date.parse(RANGE_FROM)));
    expect(query.get('to')).toBe(String(Date.parse(RANGE_TO)));
    expect(query.getAll('label')).toEqual(['side=buy']);
  });

  it("asks for one key's values without that key's own filter", async () => {
    const ds = connectDataSource(backend.url, { token: VALID_TOKEN });
    const values = await ds.getTagValues({
      key: 'symbol',
      timeRange: range(),
      filters: [
        { key: 'symbol', operator: '=', value: 'TSLA' },
        { key: 'strategy', operator: '=|', value: '', values: ['momentum-v3', 'gpt.swing'] },
      ],
    });
    expect(values).toEqual([{ text: 'AAPL', value: 'AAPL' }]);
    const { path, query } = lastRequest();
    expect(path).toBe('/logs/labels/values');
    expect(query.get('name')).toBe('symbol');
    expect(query.getAll('label')).toEqual(['strategy=~momentum-v3|gpt\\.swing']);
  });
});

describe('ad hoc filters in query()', () => {
  it("sends them as label matchers after the query's own", async () => {
    const ds = connectDataSource(backend.url, { token: VALID_TOKEN });
    const request = queryRequest([{ refId: 'A', labels: [{ name: 'side', op: '=', value: 'buy' }] }], {
      filters: [
        { key: 'symbol', operator: '!=', value: 'TSLA' },
        { key: 'pod', operator: '!=|', value: '', values: ['trader-1', 'trader-2'] },
      ],
    });
    const response = await firstValueFrom(ds.query(request));
    expect(response.errors).toBeUndefined();
    expect(lastRequest().path).toBe('/logs');
    expect(lastRequest().query.getAll('label')).toEqual(['side=buy', 'symbol!=TSLA', 'pod!~trader-1|trader-2']);
  });

  it('fails the query without calling the backend when a filter cannot be applied', async () => {
    const ds = connectDataSource(backend.url, { token: VALID_TOKEN });
    const request = queryRequest([{ refId: 'A' }], { filters: [{ key: 'pnl', operator: '<', value: '0' }] });
    const response = await firstValueFrom(ds.query(request));
    expect(response.errors?.[0]?.message).toContain('pnl < 0');
    expect(backend.requests).toHaveLength(0);
  });
});
