/**
 * `npm run bench:engine`: how fast the query engine filters and merges. 1,000,000 synthetic
 * entries in three in-memory sources; every page of a filtered query is walked with its
 * cursor, so each entry is read and tested once. The last line is one JSON object.
 */
import { SEVERITIES, SOURCE_NAMES, formatEpochMs, type LogEntry, type LogQuery } from '../src/model/index.js';
import { CursorCodec } from '../src/query/cursor.js';
import { QueryEngine } from '../src/query/engine.js';
import { sharesOf } from '../src/query/log-reader.js';
import { memorySourcesFor } from '../../local/demo-data/memory-source.js';

const TOTAL = Number(process.env.BENCH_ENTRIES ?? 1_000_000);
const PAGE = 5_000;
const START_MS = Date.UTC(2026, 10, 28);
const WORDS = ['order filled', 'signal evaluated', 'broker error', 'reflection written', 'tick'];
const SYMBOLS = ['AAPL', 'MSFT', 'NVDA', 'TSLA', 'SPY'];

function syntheticEntries(): LogEntry[] {
  const entries: LogEntry[] = [];
  for (let i = 0; i < TOTAL; i++) {
    const source = SOURCE_NAMES[i % 3] ?? 'pods';
    entries.push({
      id: `${source}-${i}`,
      // Several entries share each millisecond, across sources, as real bursts do.
      timestamp: formatEpochMs(START_MS + Math.floor(i / 4)),
      source,
      severity: SEVERITIES[(i * 7) % SEVERITIES.length] ?? 'INFO',
      message: `${WORDS[i % WORDS.length]} ${SYMBOLS[i % SYMBOLS.length]} qty=${i % 100}`,
      labels: { symbol: SYMBOLS[i % SYMBOLS.length] ?? 'SPY', pod: `trader-${i % 4}` },
    });
  }
  return entries;
}

function baseQuery(over: Partial<LogQuery>): LogQuery {
  return {
    sources: [...SOURCE_NAMES],
    from: formatEpochMs(START_MS),
    to: formatEpochMs(START_MS + TOTAL),
    severities: [],
    labels: [],
    limit: PAGE,
    direction: 'backward',
    selectors: {},
    ...over,
  };
}

const round2 = (n: number): number => Math.round(n * 100) / 100;

async function walkAllPages(engine: QueryEngine, query: LogQuery) {
  const codec = new CursorCodec('b'.repeat(32));
  let scanned = 0;
  let returned = 0;
  let pages = 0;
  let cursor: string | undefined;
  const started = performance.now();
  do {
    const position = cursor ? codec.decode(query, cursor) : undefined;
    const page = await engine.page({ ...query, after: position?.after }, undefined, position?.shares);
    scanned += page.stats.scanned;
    returned += page.entries.length;
    pages += 1;
    cursor = page.next ? codec.encode(query, page.next, sharesOf(page.entries)) : undefined;
  } while (cursor);
  const seconds = (performance.now() - started) / 1000;
  // Throughput counts each stored entry once. `scanned` also counts what a page read past its
  // end and the next page read again; reads per returned entry is that cost (a filter adds the
  // entries it rejects, so a filtered walk's floor is entries / matches, `minimumReadsPerEntry`).
  return {
    scanned,
    returned,
    pages,
    seconds,
    entriesPerSecond: Math.round(TOTAL / seconds),
    readsPerReturnedEntry: round2(scanned / Math.max(1, returned)),
    minimumReadsPerEntry: round2(TOTAL / Math.max(1, returned)),
  };
}

async function main(): Promise<void> {
  const entries = syntheticEntries();
  const engine = new QueryEngine({ sources: memorySourcesFor(entries), sourceTimeoutMs: 60_000 });
  const scenarios: Record<string, LogQuery> = {
    // The common dashboard query: a severity floor, a label filter and a text search.
    filtered: baseQuery({
      minSeverity: 'INFO',
      labels: [{ name: 'symbol', op: '!=', value: 'SPY' }],
      search: { text: 'order', regex: false },
    }),
    everything: baseQuery({}),
    regex: baseQuery({ search: { text: 'broker (error|timeout)', regex: true } }),
  };
  await walkAllPages(engine, scenarios.filtered as LogQuery); // warm-up
  const results: Record<string, Awaited<ReturnType<typeof walkAllPages>>> = {};
  for (const [name, query] of Object.entries(scenarios)) {
    // The median of three runs: the machine is shared, and one slow run says little.
    const runs = [];
    for (let i = 0; i < 3; i++) runs.push(await walkAllPages(engine, query));
    runs.sort((a, b) => a.seconds - b.seconds);
    const r = runs[1] as (typeof runs)[number];
    results[name] = r;
    console.log(
      `${name.padEnd(10)} ${TOTAL} entries (${r.scanned} reads) → ${r.returned} returned in ${r.pages} pages: ` +
        `${r.seconds.toFixed(3)} s, ${r.entriesPerSecond.toLocaleString('en-US')} entries/s, ` +
        `${r.readsPerReturnedEntry} reads per returned entry (at least ${r.minimumReadsPerEntry})`,
    );
  }
  const headline = results.filtered as (typeof results)[string];
  console.log(
    JSON.stringify({
      entries: TOTAL,
      sources: SOURCE_NAMES.length,
      pageSize: PAGE,
      entriesPerSecond: headline.entriesPerSecond,
      readsPerReturnedEntry: (results.everything as (typeof results)[string]).readsPerReturnedEntry,
      scenarios: results,
      node: process.version,
    }),
  );
}

await main();
