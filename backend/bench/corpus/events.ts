/**
 * The logging statements of GPT Runner+ that the corpus samples: trades and orders of the
 * trader, GPT reflections, strategy versions, and the pods' own logs (Python and Go).
 * Each event is one statement: its template marks with `<*>` every value the statement
 * formats in, and its weight is how often it is drawn relative to the others.
 */

/** The random choices an event may make; all come from one seeded generator. */
export interface Draw {
  int(min: number, max: number): number;
  pick<T>(items: readonly T[]): T;
  chance(p: number): boolean;
}

export interface CorpusEvent {
  id: string;
  template: string;
  weight: number;
  line(draw: Draw): string;
}

const TICKERS = [
  'AAPL', 'MSFT', 'NVDA', 'TSLA', 'AMZN', 'META', 'GOOGL', 'SPY', 'QQQ', 'IWM', 'BRK.B', 'BF.B',
  'JPM', 'XOM', 'AMD', 'NFLX', 'COIN', 'PLTR', 'SMCI', 'V', 'KO', 'DIS', 'UBER', 'TLT',
] as const; // prettier-ignore
const EXCHANGES = ['NASDAQ', 'NYSE', 'ARCA', 'BATS', 'IEX', 'XNAS', 'XNYS', 'EDGX'] as const;
const SIDES = ['BUY', 'SELL'] as const;
const MODELS = ['gpt-4o', 'gpt-4o-mini', 'o3-mini', 'gpt-4.1', 'gpt-4.1-mini', 'o4-mini'] as const;
const STRATEGIES = ['momentum', 'mean-reversion', 'breakout', 'pairs', 'earnings-drift', 'gap-fade'] as const;
const SERVICES = ['trader', 'reflector', 'strategist', 'feed'] as const;
const MODULES = ['broker', 'orders', 'signals', 'risk', 'reflect', 'storage', 'main'] as const;
const FUNCTIONS = [
  'submit_order', 'place', 'evaluate', 'check_exposure', '_post', 'request', 'run', 'reflect_on',
  'upload_batch', 'handle', 'wrapper', '_retry',
] as const; // prettier-ignore
const BROKER_ERRORS = [
  'insufficient_buying_power',
  'market_closed',
  'symbol_halted',
  'rate_limited',
] as const;
const CLOSE_REASONS = ['EOF', 'i/o timeout', 'going away', 'connection reset by peer'] as const;

/** Prose of a GPT rationale: varying length, words mostly, a few numbers and tickers. */
const OPENINGS = ['The', 'Momentum on', 'Given', 'Overall', 'Because', 'After', 'Price action in'] as const;
const WORDS = [
  'signal', 'was', 'weak', 'strong', 'volume', 'confirmed', 'the', 'breakout', 'and', 'risk', 'of',
  'reversal', 'remained', 'elevated', 'so', 'position', 'size', 'should', 'be', 'reduced', 'earnings',
  'guidance', 'sector', 'rotation', 'into', 'defensives', 'suggests', 'trimming', 'exposure', 'while',
  'spreads', 'widened', 'near', 'close', 'entry', 'was', 'early', 'stop', 'too', 'tight', 'for',
  'intraday', 'volatility', 'trend', 'intact', 'despite', 'pullback', 'macro', 'data', 'surprised',
  'to', 'upside', 'keep', 'holding', 'until', 'target', 'is', 'reached',
] as const; // prettier-ignore

function hex(draw: Draw, length: number): string {
  let out = String(draw.int(1, 9));
  while (out.length < length) out += draw.int(0, 15).toString(16);
  return out;
}

const order = (d: Draw): string => `ord-${hex(d, 8)}`;
const price = (d: Draw): string => `${d.int(5, 950)}.${String(d.int(0, 99)).padStart(2, '0')}`;
const pnl = (d: Draw): string =>
  `${d.pick(['+', '-'])}${d.int(0, 2500)}.${String(d.int(0, 99)).padStart(2, '0')}`;
const pct = (d: Draw): string => `${d.int(0, 40)}.${d.int(0, 9)}`;
const pod = (d: Draw, service = d.pick(SERVICES)): string =>
  `${service}-${hex(d, 9)}-${d.pick(['x2kqz', 'p7r4m', 'b9wtl', 'h3j8n', 'qz5fd', 'mm2c7'])}`;
const klog = (d: Draw, level: string, line: number): string =>
  `${level}1129 ${String(d.int(13, 20)).padStart(2, '0')}:${String(d.int(0, 59)).padStart(2, '0')}:${String(d.int(0, 59)).padStart(2, '0')}.${d.int(100000, 999999)}       1 feed.go:${line}]`;
const version = (d: Draw): string => `v${d.int(1, 60)}`;
const seconds = (d: Draw): string => `${d.int(0, 9)}.${d.int(0, 9)}s`;
const gcsObject = (d: Draw): string =>
  `gs://gptrunner-trades/trades/2026/11/${String(d.int(1, 29)).padStart(2, '0')}/${pod(d, 'trader')}-${d.int(0, 999)}.jsonl`;

function prose(d: Draw): string {
  const words: string[] = [d.pick(OPENINGS)];
  const length = d.int(5, 36);
  while (words.length < length) {
    if (d.chance(0.06)) words.push(d.pick(TICKERS));
    else if (d.chance(0.05)) words.push(`${pct(d)}%`);
    else words.push(d.pick(WORDS));
  }
  return `${words.join(' ')}.`;
}

const events: Omit<CorpusEvent, 'id'>[] = [
  // Trader: orders and trades.
  {
    template: 'order submitted <*> <*> <*> <*> limit=<*> tif=<*>',
    weight: 6,
    line: (d) =>
      `order submitted ${order(d)} ${d.pick(SIDES)} ${d.int(1, 500)} ${d.pick(TICKERS)} limit=${price(d)} tif=${d.pick(['DAY', 'GTC', 'IOC'])}`,
  },
  {
    template: 'order filled <*> <*> <*>@<*> venue=<*>',
    weight: 5,
    line: (d) =>
      `order filled ${order(d)} ${d.pick(TICKERS)} ${d.int(1, 500)}@${price(d)} venue=${d.pick(EXCHANGES)}`,
  },
  {
    template: 'order submission failed for <*>: broker returned <*>',
    weight: 3,
    line: (d) =>
      `order submission failed for ${d.pick(TICKERS)}: broker returned ${d.pick([400, 403, 422, 429, 500, 503])}`,
  },
  {
    template: 'order <*> rejected by broker: <*> (<*>)',
    weight: 2,
    line: (d) => `order ${order(d)} rejected by broker: ${d.pick(BROKER_ERRORS)} (${d.pick(TICKERS)})`,
  },
  {
    template: 'order <*> cancelled after <*> unfilled',
    weight: 2,
    line: (d) => `order ${order(d)} cancelled after ${d.int(5, 900)}s unfilled`,
  },
  {
    template: '<*> <*> <*> @ <*> pnl=<*> strategy=<*> model=<*>',
    weight: 5,
    line: (d) =>
      `${d.pick(SIDES)} ${d.int(1, 500)} ${d.pick(TICKERS)} @ ${price(d)} pnl=${pnl(d)} strategy=${d.pick(STRATEGIES)}-${version(d)} model=${d.pick(MODELS)}`,
  },
  {
    template: 'position <*> qty=<*> avg=<*> unrealized=<*>',
    weight: 4,
    line: (d) => `position ${d.pick(TICKERS)} qty=${d.int(-300, 900)} avg=${price(d)} unrealized=${pnl(d)}`,
  },
  {
    template: 'signal evaluated <*> score=<*> threshold=<*> action=<*>',
    weight: 8,
    line: (d) =>
      `signal evaluated ${d.pick(TICKERS)} score=0.${d.int(0, 999)} threshold=0.${d.int(50, 90)} action=${d.pick(['BUY', 'SELL', 'HOLD'])}`,
  },
  {
    template: 'risk limit breached for <*>: exposure <*>% exceeds <*>%',
    weight: 2,
    line: (d) => `risk limit breached for ${d.pick(TICKERS)}: exposure ${pct(d)}% exceeds ${d.int(5, 25)}%`,
  },
  {
    template: 'market <*> closed, deferring <*> orders',
    weight: 1,
    line: (d) => `market ${d.pick(EXCHANGES)} closed, deferring ${d.int(1, 40)} orders`,
  },
  {
    template: 'market session PREMARKET -> OPEN',
    weight: 1,
    line: () => 'market session PREMARKET -> OPEN',
  },
  {
    template: 'market session OPEN -> CLOSED',
    weight: 1,
    line: () => 'market session OPEN -> CLOSED',
  },
  {
    template: 'kill switch ARMED by <*>',
    weight: 1,
    line: (d) => `kill switch ARMED by ${d.pick(['risk-manager', 'operator', 'drawdown-guard'])}`,
  },
  {
    template: 'kill switch DISARMED by <*>',
    weight: 1,
    line: (d) => `kill switch DISARMED by ${d.pick(['risk-manager', 'operator', 'drawdown-guard'])}`,
  },
  // Reflector: GPT reflections.
  {
    template: 'reflection on <*>: <*>',
    weight: 6,
    line: (d) => `reflection on ${order(d)}: ${prose(d)}`,
  },
  {
    template: 'requesting reflection model=<*> prompt_tokens=<*> max_tokens=<*>',
    weight: 4,
    line: (d) =>
      `requesting reflection model=${d.pick(MODELS)} prompt_tokens=${d.int(300, 9000)} max_tokens=${d.pick([256, 512, 1024])}`,
  },
  {
    template: 'reflection completed model=<*> prompt_tokens=<*> completion_tokens=<*> latency_ms=<*>',
    weight: 4,
    line: (d) =>
      `reflection completed model=${d.pick(MODELS)} prompt_tokens=${d.int(300, 9000)} completion_tokens=${d.int(20, 1024)} latency_ms=${d.int(300, 30000)}`,
  },
  {
    template:
      'Rate limit reached for <*> in organization <*> on tokens per min (TPM): Limit <*>, Used <*>, Requested <*>. Please try again in <*>.',
    weight: 3,
    line: (d) =>
      `Rate limit reached for ${d.pick(MODELS)} in organization org-${hex(d, 24)} on tokens per min (TPM): Limit 30000, Used ${d.int(25000, 30000)}, Requested ${d.int(100, 4000)}. Please try again in ${seconds(d)}.`,
  },
  {
    template: 'openai call failed with RateLimitError, retrying in <*> (attempt <*>)',
    weight: 3,
    line: (d) =>
      `openai call failed with RateLimitError, retrying in ${seconds(d)} (attempt ${d.int(1, 5)}/5)`,
  },
  {
    template: 'stored reflection <*> in collection reflections',
    weight: 3,
    line: (d) => `stored reflection ${hex(d, 20)} in collection reflections`,
  },
  // Strategist: strategy versions.
  {
    template: 'strategy <*> promoted to <*> (sharpe=<*>, max_drawdown=<*>)',
    weight: 2,
    line: (d) =>
      `strategy ${d.pick(STRATEGIES)} promoted to ${version(d)} (sharpe=${d.int(0, 3)}.${d.int(0, 99)}, max_drawdown=-${pct(d)}%)`,
  },
  {
    template: 'strategy <*> rolled back from <*> to <*>: drawdown <*>% over limit',
    weight: 1,
    line: (d) =>
      `strategy ${d.pick(STRATEGIES)} rolled back from ${version(d)} to ${version(d)}: drawdown ${pct(d)}% over limit`,
  },
  {
    template: 'strategy <*> <*> universe <*> on <*>',
    weight: 2,
    line: (d) =>
      `strategy ${d.pick(STRATEGIES)} ${version(d)} universe ${[d.pick(TICKERS), d.pick(TICKERS), d.pick(TICKERS)].join(',')} on ${d.pick(EXCHANGES)}`,
  },
  {
    template: 'strategy <*> <*> rationale: <*>',
    weight: 3,
    line: (d) => `strategy ${d.pick(STRATEGIES)} ${version(d)} rationale: ${prose(d)}`,
  },
  // Feed (Go, klog headers).
  {
    template: '<*> feed.go:<*>] tick <*> <*> <*>',
    weight: 10,
    line: (d) => `${klog(d, 'I', 88)} tick ${d.pick(TICKERS)} ${price(d)} ${d.int(1, 5000)}`,
  },
  {
    template: '<*> feed.go:<*>] subscribed to <*> symbols on <*>',
    weight: 2,
    line: (d) => `${klog(d, 'I', 61)} subscribed to ${d.int(5, 120)} symbols on ${d.pick(EXCHANGES)}`,
  },
  {
    template: '<*> feed.go:<*>] websocket <*> closed: <*>, reconnecting in <*>',
    weight: 2,
    line: (d) =>
      `${klog(d, 'W', 142)} websocket wss://stream.data.broker.example/v2/${d.pick(['iex', 'sip'])} closed: ${d.pick(CLOSE_REASONS)}, reconnecting in ${d.int(1, 30)}s`,
  },
  // Pods: Python tracebacks, Kubernetes events, storage, HTTP.
  {
    template: 'Traceback (most recent call last):',
    weight: 2,
    line: () => 'Traceback (most recent call last):',
  },
  {
    template: 'File <*>, line <*>, in <*>',
    weight: 5,
    line: (d) =>
      `  File "/app/gptrunner/${d.pick(MODULES)}.py", line ${d.int(10, 900)}, in ${d.pick(FUNCTIONS)}`,
  },
  {
    template:
      'requests.exceptions.ReadTimeout: HTTPSConnectionPool(host=<*>, port=<*>): Read timed out. (read timeout=<*>)',
    weight: 1,
    line: (d) =>
      `requests.exceptions.ReadTimeout: HTTPSConnectionPool(host='${d.pick(['paper-api.broker.example', 'api.openai.com'])}', port=443): Read timed out. (read timeout=${d.int(5, 60)})`,
  },
  {
    template: 'openai.RateLimitError: Error code: 429 - <*>',
    weight: 1,
    line: (d) =>
      `openai.RateLimitError: Error code: 429 - {'error': {'message': 'Rate limit reached for ${d.pick(MODELS)}', 'type': 'tokens', 'code': 'rate_limit_exceeded'}}`,
  },
  {
    template: 'Started container <*> in pod <*>',
    weight: 2,
    line: (d) => {
      const service = d.pick(SERVICES);
      return `Started container ${service} in pod ${pod(d, service)}`;
    },
  },
  {
    template: 'Back-off restarting failed container <*> in pod <*>',
    weight: 2,
    line: (d) => {
      const service = d.pick(SERVICES);
      return `Back-off restarting failed container ${service} in pod ${pod(d, service)}`;
    },
  },
  {
    template: 'Liveness probe failed: Get <*>: context deadline exceeded',
    weight: 2,
    line: (d) =>
      `Liveness probe failed: Get "http://10.4.${d.int(0, 255)}.${d.int(2, 254)}:8080/healthz": context deadline exceeded`,
  },
  {
    template: 'container <*> in pod <*> terminated: OOMKilled (exit code 137)',
    weight: 1,
    line: (d) => {
      const service = d.pick(SERVICES);
      return `container ${service} in pod ${pod(d, service)} terminated: OOMKilled (exit code 137)`;
    },
  },
  {
    template: 'uploaded <*> trades to <*>',
    weight: 3,
    line: (d) => `uploaded ${d.int(1, 400)} trades to ${gcsObject(d)}`,
  },
  {
    template: 'upload of <*> failed: 503 Service Unavailable, will retry',
    weight: 1,
    line: (d) => `upload of ${gcsObject(d)} failed: 503 Service Unavailable, will retry`,
  },
  {
    template: 'GET /api/v1/positions <*> <*>',
    weight: 3,
    line: (d) => `GET /api/v1/positions ${d.pick([200, 200, 200, 304, 500])} ${d.int(1, 250)}ms`,
  },
  {
    template: 'POST /api/v1/orders <*> <*>',
    weight: 3,
    line: (d) => `POST /api/v1/orders ${d.pick([201, 201, 400, 422, 503])} ${d.int(5, 900)}ms`,
  },
  {
    template: 'heartbeat from <*> ok, <*> open positions',
    weight: 4,
    line: (d) => `heartbeat from ${pod(d)} ok, ${d.int(0, 30)} open positions`,
  },
];

export const EVENTS: readonly CorpusEvent[] = events.map((event, i) => ({ id: `E${i + 1}`, ...event }));
