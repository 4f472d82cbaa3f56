import fs from 'node:fs';
import path from 'node:path';
import {
  DataFrame,
  findHighlightChunksInText,
  hasLogsContextSupport,
  hasQueryModificationSupport,
  hasToggleableQueryFiltersSupport,
} from '@grafana/data';
import { MAX_LIMIT } from '@gpt-runner-logs/contract';

import { DataSource } from './datasource';
import { asGrafanaHoldsIt, connectDataSource, timeRange } from './__tests__/support/instance';
import { MINUTE, labelsOf, lastHourSuite, rowAt, values } from './__tests__/support/realSuite';
import { DEFAULT_MAX_LINES, QueryType, UnifiedLogsQuery } from './types';

/**
 * Explore's and dashboards' logs features, through Grafana's own guards, against the real
 * backend over demo data: roles through the plugin.json routes, multi-value variables, query
 * modifications, the context query, sort order, the maximum lines setting and summaries.
 */
const { backend, runOne, frameOf } = lastHourSuite();
const bodies = (frame: DataFrame) => values<string>(frame, 'body');

/** Both tokens as a Grafana data source holds them: a viewer for reads, an analyst for summaries. */
const pair = () => ({ viewerToken: backend.tokens.viewer, analystToken: backend.tokens.analyst });

describe('roles through the plugin.json routes', () => {
  it('reads with the viewer token whatever the Grafana role, so a Viewer reads what the viewer token may', async () => {
    const viewer = connectDataSource(backend.url, { tokens: pair(), role: 'Viewer' });
    const frame = await frameOf(viewer, { refId: 'A', limit: 20 });
    expect(frame.length).toBe(20);
    const health = await viewer.testDatasource();
    expect(health.message).toContain('Token "grafana" has role viewer');
  });

  it("refuses a Grafana Viewer's summary at Grafana's proxy, before any token is sent", async () => {
    const viewer = connectDataSource(backend.url, { tokens: pair(), role: 'Viewer' });
    const response = await runOne(viewer, { refId: 'S', queryType: QueryType.Summary });
    expect(response.data).toEqual([]);
    expect(response.errors?.[0]).toMatchObject({
      refId: 'S',
      status: 403,
      message: 'Summaries need the Editor or Admin role in Grafana: they are paid for per use.',
    });
  });

  it("runs an Editor's summary with the analyst token, which the backend allows", async () => {
    const editor = connectDataSource(backend.url, { tokens: pair(), role: 'Editor' });
    const frame = await frameOf(editor, { refId: 'S', queryType: QueryType.Summary, maxEntries: 500 });
    expect(values(frame, 'provider')).toEqual(['builtin']);
    expect(values<string>(frame, 'summary')[0]).toContain('## What happened');
  });

  it('sends summaries with the analyst token only: with a viewer token there, the backend refuses', async () => {
    const misconfigured = connectDataSource(backend.url, {
      tokens: { viewerToken: backend.tokens.viewer, analystToken: backend.tokens.viewer },
      role: 'Admin',
    });
    const response = await runOne(misconfigured, { refId: 'S', queryType: QueryType.Summary });
    expect(response.errors?.[0]).toMatchObject({ status: 403, message: expect.stringContaining('viewer role') });
  });
});

describe('multi-value variables in label filters', () => {
  const trades = (labels: UnifiedLogsQuery['labels']): UnifiedLogsQuery => ({
    refId: 'A',
    source: 'gcs',
    labels,
    limit: MAX_LIMIT,
  });

  it('turn `symbol = $symbol` into an alternation of the selected values', async () => {
    const ds = connectDataSource(backend.url, {
      token: backend.tokens.analyst,
      variables: { symbol: ['AAPL', 'MSFT'] },
    });
    const frame = await frameOf(ds, trades([{ name: 'symbol', op: '=', value: '$symbol' }]));
    const symbols = new Set(labelsOf(frame).map((l) => l.symbol));
    expect([...symbols].sort()).toEqual(['AAPL', 'MSFT']);
  });

  it('turn `symbol != $symbol` into a negated alternation', async () => {
    const ds = connectDataSource(backend.url, {
      token: backend.tokens.analyst,
      variables: { symbol: ['AAPL', 'MSFT'] },
    });
    const frame = await frameOf(ds, trades([{ name: 'symbol', op: '!=', value: '$symbol' }]));
    const symbols = new Set(labelsOf(frame).map((l) => l.symbol));
    expect(frame.length).toBeGreaterThan(0);
    expect(symbols.has('AAPL') || symbols.has('MSFT')).toBe(false);
  });

  it('keep a single value an equality, and match exactly that value', async () => {
    const ds = connectDataSource(backend.url, { token: backend.tokens.analyst, variables: { symbol: 'NVDA' } });
    const frame = await frameOf(ds, trades([{ name: 'symbol', op: '=', value: '$symbol' }]));
    expect(frame.length).toBeGreaterThan(0);
    expect(new Set(labelsOf(frame).map((l) => l.symbol))).toEqual(new Set(['NVDA']));
  });
});

describe("query modifications, checked with Grafana's guards", () => {
  const ds = () => connectDataSource(backend.url, { token: backend.tokens.analyst });

  it('passes hasQueryModificationSupport and hasToggleableQueryFiltersSupport, with line filters offered', () => {
    const grafanaHolds = asGrafanaHoldsIt(ds());
    expect(hasQueryModificationSupport(grafanaHolds)).toBe(true);
    expect(hasToggleableQueryFiltersSupport(grafanaHolds)).toBe(true);
    const supported = (grafanaHolds as unknown as DataSource).getSupportedQueryModifications();
    expect(supported).toEqual(
      expect.arrayContaining(['ADD_FILTER', 'ADD_FILTER_OUT', 'ADD_STRING_FILTER', 'ADD_STRING_FILTER_OUT'])
    );
  });

  it('adds a selection as a line filter, then filters out another, and the backend applies both', async () => {
    const source = ds();
    const base: UnifiedLogsQuery = { refId: 'A', source: 'pods', limit: MAX_LIMIT };
    const contains = source.modifyQuery(base, { type: 'ADD_STRING_FILTER', options: { value: 'TICK' } });
    expect(contains.search).toBe('TICK');
    const ticks = await frameOf(source, contains);
    expect(ticks.length).toBeGreaterThan(0);
    bodies(ticks).forEach((body) => expect(body.toLowerCase()).toContain('tick'));
    const aapl = bodies(ticks).filter((body) => body.includes('AAPL')).length;
    expect(aapl).toBeGreaterThan(0);

    const without = source.modifyQuery(contains, { type: 'ADD_STRING_FILTER_OUT', options: { value: 'aapl' } });
    const rest = await frameOf(source, without);
    expect(rest.length).toBe(ticks.length - aapl);
    bodies(rest).forEach((body) => {
      expect(body.toLowerCase()).toContain('tick');
      expect(body).not.toContain('AAPL');
    });

    const both = source.modifyQuery(contains, { type: 'ADD_LINE_FILTER', options: { value: 'AAPL' } });
    const aaplTicks = await frameOf(source, both);
    expect(aaplTicks.length).toBe(aapl);
    // Both filters are highlighted, by Grafana's own highlighter, in every line.
    const searchWords = aaplTicks.meta?.searchWords ?? [];
    bodies(aaplTicks).forEach((body) => {
      const chunks = findHighlightChunksInText({ searchWords, textToHighlight: body });
      const highlighted = chunks.map((chunk) => body.slice(chunk.start, chunk.end).toLowerCase());
      expect(highlighted).toEqual(expect.arrayContaining(['tick', 'aapl']));
    });
  });

  it('filters out the selected source by switching to the other sources, and toggles back', async () => {
    const source = ds();
    const gcs: UnifiedLogsQuery = { refId: 'A', source: 'gcs', limit: 300 };
    const out = source.toggleQueryFilter(gcs, { type: 'FILTER_OUT', options: { key: 'source', value: 'gcs' } });
    expect(source.queryHasFilter(out, { key: 'source', value: 'gcs', type: 'FILTER_OUT' })).toBe(true);
    const others = await frameOf(source, out);
    const sources = new Set(labelsOf(others).map((l) => l.source));
    expect(sources.has('gcs')).toBe(false);
    expect([...sources].sort()).toEqual(['firestore', 'pods']);

    const back = source.toggleQueryFilter(out, { type: 'FILTER_OUT', options: { key: 'source', value: 'gcs' } });
    expect(source.queryHasFilter(back, { key: 'source', value: 'gcs', type: 'FILTER_OUT' })).toBe(false);
    const all = await frameOf(source, back);
    expect(new Set(labelsOf(all).map((l) => l.source)).has('gcs')).toBe(true);
  });

  it('describes a query for history in words', () => {
    const text = ds().getQueryDisplayText({
      refId: 'A',
      source: 'pods',
      severities: ['ERROR'],
      search: 'broker',
      labels: [{ name: 'symbol', op: '=', value: 'AAPL' }],
      limit: 50,
      direction: 'forward',
    });
    expect(text).toBe('Logs: source: pods, severity: ERROR, contains: "broker", symbol=AAPL, limit: 50, oldest first');
  });
});

describe("the context query (Explore's open in split view)", () => {
  it.each([
    ['pods', ['pod', 'container']],
    ['gcs', ['object']],
    ['firestore', ['collection']],
  ] as const)("reads a %s row's own stream", async (source, identity) => {
    const ds = connectDataSource(backend.url, { token: backend.tokens.analyst });
    expect(hasLogsContextSupport(asGrafanaHoldsIt(ds))).toBe(true);
    const frame = await frameOf(ds, { refId: 'A', source, limit: 50 });
    // A row of the stream with the most lines in the frame, so the split view has several to show.
    const keys = labelsOf(frame).map((labels) => identity.map((name) => labels[name]).join('/'));
    const lines = (key: string) => keys.filter((k) => k === key).length;
    const busiest = keys.reduce((best, key) => (lines(key) > lines(best) ? key : best), keys[0] ?? '');
    expect(lines(busiest)).toBeGreaterThan(1);
    const row = rowAt(frame, keys.indexOf(busiest));
    const query = await ds.getLogRowContextQuery(row, undefined, { refId: 'A', source, limit: 200 });
    expect(query).not.toBeNull();
    const stream = await frameOf(ds, query!);
    expect(stream.length).toBeGreaterThanOrEqual(lines(busiest));
    const wanted = Object.fromEntries(identity.map((name) => [name, row.labels[name]]));
    labelsOf(stream).forEach((labels) => expect(labels).toMatchObject({ source, ...wanted }));
    expect(values<string>(stream, 'id')).toContain(row.rowId);
  });
});

describe('sort order', () => {
  it('reads the oldest lines of the range for "oldest first", not the newest re-sorted', async () => {
    const ds = connectDataSource(backend.url, { token: backend.tokens.analyst });
    const everything = await frameOf(ds, { refId: 'A', limit: MAX_LIMIT });
    expect(everything.meta?.custom?.nextCursor).toBeNull();
    const oldest = await frameOf(ds, { refId: 'A', limit: 20, direction: 'forward' });
    const newest = await frameOf(ds, { refId: 'A', limit: 20, direction: 'backward' });
    expect(values(oldest, 'id')).toEqual(values(everything, 'id').slice(-20).reverse());
    expect(values(newest, 'id')).toEqual(values(everything, 'id').slice(0, 20));
  });
});

describe('maximum lines', () => {
  it("applies the data source's setting to queries without a limit, and the query's own limit over it", async () => {
    const configured = connectDataSource(backend.url, { token: backend.tokens.analyst, jsonData: { maxLines: 250 } });
    expect((await frameOf(configured, { refId: 'A' })).length).toBe(250);
    expect((await frameOf(configured, { refId: 'A', limit: 30 })).length).toBe(30);
  });

  it('reads 1000 lines by default, as Loki does', async () => {
    const ds = connectDataSource(backend.url, { token: backend.tokens.analyst });
    const sixHours = { range: timeRange(backend.nowMs - 360 * MINUTE, backend.nowMs) };
    const all = (await frameOf(ds, { refId: 'A', limit: MAX_LIMIT }, sixHours)).length;
    expect(all).toBeGreaterThan(DEFAULT_MAX_LINES);
    expect((await frameOf(ds, { refId: 'A' }, sixHours)).length).toBe(DEFAULT_MAX_LINES);
  });
});

describe('summaries and patterns', () => {
  const SUMMARY_PANEL = path.resolve(__dirname, '../../summary-panel/src/plugin.json');

  it('name the summary panel as the visualisation of a summary frame', async () => {
    const ds = connectDataSource(backend.url, { token: backend.tokens.analyst });
    const frame = await frameOf(ds, { refId: 'S', queryType: QueryType.Summary, maxEntries: 500 });
    const panelId = (JSON.parse(fs.readFileSync(SUMMARY_PANEL, 'utf8')) as { id: string }).id;
    expect(frame.meta?.preferredVisualisationPluginId).toBe(panelId);
  });

  it('mine only the newest maxEntries entries when patterns are bounded', async () => {
    const ds = connectDataSource(backend.url, { token: backend.tokens.analyst });
    const frame = await frameOf(ds, { refId: 'P', queryType: QueryType.Patterns, maxEntries: 50 });
    const counts = values<number>(frame, 'count');
    expect(counts.reduce((sum, n) => sum + n, 0)).toBe(50);
    expect(frame.meta?.notices?.[0]?.text).toMatch(/^Only the newest 50 matching entries were mined/);
  });
});
