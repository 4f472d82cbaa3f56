import { formatEpochMs, type Timestamp } from '../../backend/src/model/index.js';
import type { JsonRecord } from '../../backend/src/sources/mapping/record-mapper.js';
import { Random } from './random.js';

/**
 * Realistic GPT Runner+ data for the demo and the benchmarks: trades, GPT reflections and
 * strategy versions as the services write them to GCS and Firestore, and the pod logs of
 * three deployments — with an error burst (the broker answering 503) in the last hour,
 * Python tracebacks, a crash-looping container and a few secrets that must be redacted.
 */
export type ObjectFormat = 'json' | 'json-array' | 'jsonl' | 'jsonl-gzip' | 'text';

export interface DemoObject {
  name: string;
  format: ObjectFormat;
  /** Structured records (all formats but text). */
  records: JsonRecord[];
  /** Plain lines (text format). */
  lines: string[];
}

export interface DemoDocument {
  collection: string;
  id: string;
  data: JsonRecord;
}

export interface DemoLogLine {
  time: Timestamp;
  text: string;
}

export interface DemoContainer {
  name: string;
  lines: DemoLogLine[];
  /** The last terminated instance's log, for crash loops. */
  previous?: DemoLogLine[];
  restartCount: number;
}

export interface DemoPod {
  namespace: string;
  name: string;
  labels: Record<string, string>;
  nodeName: string;
  containers: DemoContainer[];
}

export interface DemoDataset {
  bucket: string;
  objects: DemoObject[];
  documents: DemoDocument[];
  pods: DemoPod[];
  /** The error burst, so tests and the demo's hints can point at it. */
  burst: { from: Timestamp; to: Timestamp };
  /** The deliberate disagreements between the GCS archive and Firestore (see `archiveMismatches`). */
  mismatches: ArchiveMismatches;
}

/** Trades the archive got wrong on purpose, so reconciliation and the related view have something to show. */
export interface ArchiveMismatches {
  /** In Firestore, never archived to GCS. */
  firestoreOnly: string;
  /** Archived before its fill: GCS says `partially_filled`, Firestore `filled`. */
  statusDiffers: string;
}

export interface DatasetOptions {
  nowMs: number;
  days: number;
  seed?: number;
  /** Trades per hour across all symbols. */
  tradesPerHour?: number;
  /** How many objects each hour's trades are split into (the writer flushes per batch). */
  tradeObjectsPerHour?: number;
  /** Replicas of the trader deployment. */
  traderReplicas?: number;
  /** Mean gap between a trader's log lines. */
  traderLineIntervalMs?: number;
}

const SYMBOLS = ['AAPL', 'MSFT', 'NVDA', 'TSLA', 'AMZN', 'GOOGL', 'META', 'SPY'] as const;
const STRATEGIES = ['momentum-v3', 'mean-reversion-v2', 'gpt-swing-v5'] as const;
const MODELS = ['gpt-4o', 'gpt-4o-mini'] as const;
const BASE_PRICE: Record<string, number> = {
  AAPL: 189,
  MSFT: 415,
  NVDA: 124,
  TSLA: 242,
  AMZN: 186,
  GOOGL: 171,
  META: 512,
  SPY: 558,
};
const HOUR = 3_600_000;
const MINUTE = 60_000;

interface Clock {
  start: number;
  end: number;
  burstFrom: number;
  burstTo: number;
}

const inBurst = (clock: Clock, t: number): boolean => t >= clock.burstFrom && t < clock.burstTo;

function price(random: Random, symbol: string): number {
  return Math.round((BASE_PRICE[symbol] ?? 100) * (1 + (random.next() - 0.5) * 0.04) * 100) / 100;
}

function trade(random: Random, clock: Clock, t: number): JsonRecord {
  const symbol = random.pick(SYMBOLS);
  const rejected = inBurst(clock, t) ? random.chance(0.7) : random.chance(0.01);
  return {
    timestamp: formatEpochMs(t),
    order_id: `ord-${random.hex(12)}`,
    symbol,
    side: random.pick(['buy', 'sell']),
    qty: random.int(1, 50) * 5,
    price: price(random, symbol),
    pnl: Math.round((random.next() - 0.45) * 4000) / 100,
    strategy: random.pick(STRATEGIES),
    status: rejected ? 'rejected' : 'filled',
    level: rejected ? 'ERROR' : 'INFO',
    ...(rejected ? { error: 'broker returned 503 Service Unavailable' } : {}),
  };
}

function reflection(random: Random, clock: Clock, t: number): JsonRecord {
  const strategy = random.pick(STRATEGIES);
  const symbol = random.pick(SYMBOLS);
  const troubled = inBurst(clock, t);
  const summary = troubled
    ? `Order rejections spiked for ${strategy}; broker availability, not the signal, is the likely cause. Pausing new entries on ${symbol}.`
    : random.pick([
        `${strategy} kept its edge on ${symbol}; momentum confirmed by volume. Keep position sizing unchanged.`,
        `Slippage on ${symbol} above 8 bps for ${strategy}; consider limit orders near the open.`,
        `Mean reversion on ${symbol} failed twice after earnings; widen the z-score threshold to 2.3.`,
        `Risk within limits; ${symbol} exposure at ${random.int(5, 30)}% of book for ${strategy}.`,
      ]);
  return {
    created_at: formatEpochMs(t),
    model: random.pick(MODELS),
    strategy,
    symbol,
    summary,
    confidence: Math.round(random.next() * 100) / 100,
    prompt_tokens: random.int(800, 4000),
    completion_tokens: random.int(100, 600),
    level: troubled ? 'WARNING' : 'INFO',
  };
}

function strategyVersion(random: Random, t: number, strategy: string, version: number): JsonRecord {
  return {
    timestamp: formatEpochMs(t),
    strategy,
    version: `${strategy.split('-v')[0]}-v${version}`,
    author: 'gpt-runner',
    change: random.pick([
      'raise stop-loss to 1.8 ATR',
      'lower max position to 20% of book',
      'add volume confirmation to entries',
      'switch reflection model to gpt-4o-mini for intraday',
    ]),
    params: {
      lookback: random.int(10, 60),
      stop_atr: random.int(12, 25) / 10,
      max_position_pct: random.int(10, 30),
    },
  };
}

/** `2026/11/29/07`: the writers' date-and-hour folders. */
function hourPath(t: number): string {
  return `${formatEpochMs(t).slice(0, 10).replaceAll('-', '/')}/${formatEpochMs(t).slice(11, 13)}`;
}

function tradeObjects(
  random: Random,
  clock: Clock,
  perHour: number,
  objectsPerHour: number,
): { objects: DemoObject[]; trades: JsonRecord[] } {
  const objects: DemoObject[] = [];
  const trades: JsonRecord[] = [];
  // Folders are clock hours, as the writer names them; each holds that hour's records.
  for (let hour = Math.floor(clock.start / HOUR) * HOUR; hour < clock.end; hour += HOUR) {
    const records: JsonRecord[] = [];
    for (let i = 0; i < perHour; i++) {
      const t = hour + Math.floor(random.next() * HOUR);
      if (t >= clock.start && t < clock.end) records.push(trade(random, clock, t));
    }
    records.sort((a, b) => String(a.timestamp).localeCompare(String(b.timestamp)));
    trades.push(...records);
    // Older hours are compacted into gzip JSONL, the current day is plain JSONL, as the writer does.
    const gzip = clock.end - hour > 24 * HOUR;
    const per = Math.ceil(records.length / objectsPerHour);
    for (let part = 0; part < objectsPerHour; part++) {
      const suffix = objectsPerHour === 1 ? '' : `-${String(part).padStart(3, '0')}`;
      objects.push({
        name: `trades/${hourPath(hour)}/trades${suffix}.jsonl${gzip ? '.gz' : ''}`,
        format: gzip ? 'jsonl-gzip' : 'jsonl',
        records: records.slice(part * per, (part + 1) * per),
        lines: [],
      });
    }
  }
  return { objects, trades };
}

/** The newest trade of `symbol` in the hour before `t`: what a reflection looks back on. */
function lastOrderOf(trades: JsonRecord[], symbol: unknown, t: number): string | undefined {
  const at = formatEpochMs(t);
  const since = formatEpochMs(t - HOUR);
  for (let i = trades.length - 1; i >= 0; i--) {
    const candidate = trades[i] as JsonRecord;
    const time = String(candidate.timestamp);
    if (time >= at || candidate.symbol !== symbol) continue;
    return time >= since ? String(candidate.order_id) : undefined;
  }
  return undefined;
}

function reflectionObjects(
  random: Random,
  clock: Clock,
  trades: JsonRecord[],
): { objects: DemoObject[]; reflections: JsonRecord[] } {
  const objects: DemoObject[] = [];
  const reflections: JsonRecord[] = [];
  for (let t = clock.start; t < clock.end; t += 20 * MINUTE) {
    const at = Math.min(t + random.int(0, 60_000), clock.end - 1);
    const drawn = reflection(random, clock, at);
    const orderId = lastOrderOf(trades, drawn.symbol, at);
    const record = orderId ? { ...drawn, order_id: orderId } : drawn;
    reflections.push(record);
    objects.push({
      name: `reflections/${hourPath(at)}/reflection-${formatEpochMs(at).slice(14, 16)}.json`,
      format: 'json',
      records: [record],
      lines: [],
    });
  }
  return { objects, reflections };
}

function strategyObjects(random: Random, clock: Clock): DemoObject[] {
  return STRATEGIES.map((strategy, index) => {
    const records: JsonRecord[] = [];
    for (let version = 1; version <= 4; version++) {
      const t = clock.start + ((clock.end - clock.start) * (version - 0.5 + index * 0.2)) / 4;
      records.push(strategyVersion(random, Math.floor(t), strategy, version));
    }
    return { name: `strategies/${strategy}.json`, format: 'json-array' as const, records, lines: [] };
  });
}

function runnerJournal(random: Random, clock: Clock): DemoObject {
  // A plain-text journal the runner appends to; one line carries a leaked key on purpose.
  const lines: string[] = [];
  for (let t = clock.end - 6 * HOUR; t < clock.end; t += 15 * MINUTE) {
    const level = inBurst(clock, t) ? 'ERROR' : 'INFO';
    lines.push(`${formatEpochMs(t)} ${level} runner: cycle complete, ${random.int(3, 12)} signals evaluated`);
  }
  lines.push(
    `${formatEpochMs(clock.end - 5 * HOUR)} WARNING runner: OPENAI_API_KEY=sk-proj-demo${random.hex(32)} loaded from env`,
  );
  lines.sort();
  return {
    name: `trades/journal/${formatEpochMs(clock.end).slice(0, 10)}/runner-journal.log`,
    format: 'text',
    records: [],
    lines,
  };
}

/**
 * Picks two trades of the last hours and makes the archive disagree with Firestore about
 * them: one is left out of its GCS object, the other was archived before its fill. Picked
 * by time, not by a random draw, so the rest of the data set stays as the seed made it.
 */
function archiveMismatches(
  objects: DemoObject[],
  trades: JsonRecord[],
  clock: Clock,
): { objects: DemoObject[]; mismatches: ArchiveMismatches } {
  const firstAfter = (t: number, keep: (trade: JsonRecord) => boolean): JsonRecord => {
    const at = formatEpochMs(t);
    const found = trades.find((trade) => String(trade.timestamp) >= at && keep(trade));
    if (!found) throw new Error(`the data set has no trade after ${at} to disagree about`);
    return found;
  };
  const missing = firstAfter(clock.end - 3 * HOUR, () => true);
  const unfilled = firstAfter(clock.end - 5 * HOUR, (trade) => trade.status === 'filled');
  const archived = objects.map((object) => ({
    ...object,
    records: object.records
      .filter((record) => record !== missing)
      .map((record) => (record === unfilled ? { ...record, status: 'partially_filled' } : record)),
  }));
  return {
    objects: archived,
    mismatches: { firestoreOnly: String(missing.order_id), statusDiffers: String(unfilled.order_id) },
  };
}

function documents(trades: JsonRecord[], reflections: JsonRecord[]): DemoDocument[] {
  return [
    ...trades.map((data) => ({ collection: 'gpt_runner_trades', id: String(data.order_id), data })),
    ...reflections.map((data, i) => ({
      collection: 'gpt_runner_reflections',
      id: `refl-${String(i).padStart(5, '0')}`,
      data,
    })),
  ];
}

const TRACEBACK = [
  'Traceback (most recent call last):',
  '  File "/app/gpt_runner/broker/client.py", line 88, in submit_order',
  '    response.raise_for_status()',
  '  File "/usr/local/lib/python3.11/site-packages/requests/models.py", line 1021, in raise_for_status',
  '    raise HTTPError(http_error_msg, response=self)',
  'requests.exceptions.HTTPError: 503 Server Error: Service Unavailable for url: https://broker.example/v2/orders',
];

function traderLines(random: Random, clock: Clock, pod: string, intervalMs: number): DemoLogLine[] {
  const lines: DemoLogLine[] = [];
  const push = (t: number, text: string, offsetUs = 0): void => {
    lines.push({ time: formatEpochMs(t + offsetUs / 1000), text });
  };
  for (let t = clock.start; t < clock.end; t += intervalMs + random.int(0, intervalMs / 6)) {
    const symbol = random.pick(SYMBOLS);
    if (inBurst(clock, t) && random.chance(0.6)) {
      push(
        t,
        JSON.stringify({
          severity: 'ERROR',
          message: `order submission failed for ${symbol}: broker returned 503`,
          symbol,
          pod,
        }),
      );
      if (random.chance(0.3)) TRACEBACK.forEach((text, i) => push(t, text, 50 + i * 10));
      continue;
    }
    push(
      t,
      JSON.stringify({
        severity: random.chance(0.05) ? 'WARNING' : 'INFO',
        message: random.pick([
          `quote received ${symbol}`,
          `signal evaluated ${symbol}`,
          `position updated ${symbol}`,
        ]),
        symbol,
        strategy: random.pick(STRATEGIES),
        latency_ms: random.int(20, 400),
      }),
    );
  }
  push(
    clock.end - 3 * HOUR,
    'DEBUG http: POST /v2/orders Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJydW5uZXIifQ.c2lnbmF0dXJl',
  );
  return lines.sort((a, b) => a.time.localeCompare(b.time));
}

/** Which trader replica placed an order: the same one for every line about it. */
const replicaOf = (orderId: string, replicas: number): number =>
  [...orderId].reduce((sum, c) => sum + c.charCodeAt(0), 0) % replicas;

const orderLine = (severity: string, message: string, trade: JsonRecord): string =>
  JSON.stringify({ severity, message, symbol: trade.symbol, strategy: trade.strategy });

/**
 * What a trader replica logs about each order it places: the submission a moment before the
 * record's time, then the fill or the broker's rejection. The id is only in the text, as the
 * trader writes it, so finding it there is part of what the related view does.
 */
function orderLines(trades: JsonRecord[], replica: number, replicas: number): DemoLogLine[] {
  const lines: DemoLogLine[] = [];
  for (const trade of trades) {
    const orderId = String(trade.order_id);
    if (replicaOf(orderId, replicas) !== replica) continue;
    const t = Date.parse(String(trade.timestamp));
    const what = `${String(trade.side).toUpperCase()} ${String(trade.qty)} ${String(trade.symbol)} @ ${String(trade.price)}`;
    lines.push({
      time: formatEpochMs(t - 120),
      text: orderLine('INFO', `order submitted ${orderId} ${what}`, trade),
    });
    const outcome =
      trade.status === 'rejected'
        ? orderLine('ERROR', `order rejected ${orderId}: ${String(trade.error)}`, trade)
        : orderLine('INFO', `order filled ${orderId} ${what}`, trade);
    lines.push({ time: formatEpochMs(t), text: outcome });
  }
  return lines;
}

function reflectorLines(random: Random, clock: Clock): DemoLogLine[] {
  const lines: DemoLogLine[] = [];
  for (let t = clock.start; t < clock.end; t += 2 * MINUTE + random.int(0, 20_000)) {
    const level = inBurst(clock, t) ? 'WARNING' : 'INFO';
    const tokens = random.int(900, 4200);
    lines.push({
      time: formatEpochMs(t),
      text: `${formatEpochMs(t).slice(0, 23).replace('T', ' ')} ${level} gpt_runner.reflector: reflection written model=${random.pick(MODELS)} tokens=${tokens}`,
    });
  }
  return lines;
}

function feedLines(random: Random, from: number, to: number, crash: boolean): DemoLogLine[] {
  const lines: DemoLogLine[] = [];
  for (let t = from; t < to; t += 15_000 + random.int(0, 3000)) {
    const symbol = random.pick(SYMBOLS);
    lines.push({
      time: formatEpochMs(t),
      text: `I${formatEpochMs(t).slice(5, 7)}${formatEpochMs(t).slice(8, 10)} ${formatEpochMs(t).slice(11, 23)} feed.go:212] tick ${symbol} ${price(random, symbol)}`,
    });
  }
  if (crash) {
    const t = to - 1000;
    lines.push({
      time: formatEpochMs(t),
      text: 'panic: runtime error: invalid memory address or nil pointer dereference',
    });
    lines.push({
      time: formatEpochMs(t + 1),
      text: '[signal SIGSEGV: segmentation violation code=0x1 addr=0x18 pc=0x4a3f2e]',
    });
    lines.push({ time: formatEpochMs(t + 2), text: 'goroutine 41 [running]:' });
    lines.push({
      time: formatEpochMs(t + 3),
      text: '\tgithub.com/gpt-runner/market-data/feed.(*Stream).Next(0x0)',
    });
  }
  return lines;
}

interface PodOptions {
  traderReplicas: number;
  traderLineIntervalMs: number;
}

function traderPodNames(random: Random, replicas: number): string[] {
  const names = ['trader-7d9f8c6b5-x2kqp', 'trader-7d9f8c6b5-m8zrt'];
  while (names.length < replicas) names.push(`trader-7d9f8c6b5-${random.hex(5)}`);
  return names.slice(0, replicas);
}

function pods(random: Random, clock: Clock, options: PodOptions, trades: JsonRecord[]): DemoPod[] {
  const namespace = 'gpt-runner';
  const traderPods = traderPodNames(random, options.traderReplicas);
  const withOrders = (lines: DemoLogLine[], replica: number): DemoLogLine[] =>
    [...lines, ...orderLines(trades, replica, traderPods.length)].sort((a, b) =>
      a.time.localeCompare(b.time),
    );
  const crashStart = clock.end - 10 * MINUTE;
  return [
    ...traderPods.map((name, i) => ({
      namespace,
      name,
      labels: { app: 'trader', 'pod-template-hash': '7d9f8c6b5' },
      nodeName: `gke-runner-pool-1-${i % 3}`,
      containers: [
        {
          name: 'trader',
          lines: withOrders(traderLines(random, clock, name, options.traderLineIntervalMs), i),
          restartCount: 0,
        },
      ],
    })),
    {
      namespace,
      name: 'reflector-5c4b7d9f6-qq7wn',
      labels: { app: 'reflector', 'pod-template-hash': '5c4b7d9f6' },
      nodeName: 'gke-runner-pool-1-0',
      containers: [{ name: 'reflector', lines: reflectorLines(random, clock), restartCount: 0 }],
    },
    {
      namespace,
      name: 'market-data-6f7c9d8b4-tj5vx',
      labels: { app: 'market-data', 'pod-template-hash': '6f7c9d8b4' },
      nodeName: 'gke-runner-pool-1-1',
      containers: [
        {
          name: 'feed',
          lines: feedLines(random, crashStart, clock.end, false),
          previous: feedLines(random, crashStart - 30 * MINUTE, crashStart, true),
          restartCount: 7,
        },
        {
          name: 'metrics-exporter',
          lines: feedLines(random, clock.end - 2 * HOUR, clock.end, false).map((l) => ({
            ...l,
            text: 'level=info msg="scrape ok" duration_ms=12',
          })),
          restartCount: 0,
        },
      ],
    },
  ];
}

export function generateDataset(options: DatasetOptions): DemoDataset {
  const random = new Random(options.seed ?? 20261129);
  const end = Math.floor(options.nowMs / 1000) * 1000;
  const clock: Clock = {
    start: end - options.days * 24 * HOUR,
    end,
    burstFrom: end - 40 * MINUTE,
    burstTo: end - 25 * MINUTE,
  };
  const { objects: tradeObjs, trades } = tradeObjects(
    random,
    clock,
    options.tradesPerHour ?? 40,
    options.tradeObjectsPerHour ?? 1,
  );
  const { objects: reflectionObjs, reflections } = reflectionObjects(random, clock, trades);
  const { objects: archivedTrades, mismatches } = archiveMismatches(tradeObjs, trades, clock);
  return {
    bucket: 'gpt-runner-logs',
    objects: [
      ...archivedTrades,
      ...reflectionObjs,
      ...strategyObjects(random, clock),
      runnerJournal(random, clock),
    ],
    documents: documents(trades, reflections),
    pods: pods(
      random,
      clock,
      {
        traderReplicas: options.traderReplicas ?? 2,
        traderLineIntervalMs: options.traderLineIntervalMs ?? 30_000,
      },
      trades,
    ),
    burst: { from: formatEpochMs(clock.burstFrom), to: formatEpochMs(clock.burstTo) },
    mismatches,
  };
}
