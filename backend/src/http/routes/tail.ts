import type { TailEndReason, TailStreamEvent } from '@gpt-runner-logs/contract';
import Router from '@koa/router';
import { PassThrough } from 'node:stream';
import type { Redactor } from '../../insight/redaction/index.js';
import { type Clock, type LogEntry, type SourceName } from '../../model/index.js';
import { compileFilter } from '../../query/filter.js';
import type { TailBatch } from '../../tail/ring.js';
import type { Subscription, TailHub } from '../../tail/hub.js';
import { principalOf } from '../auth.js';
import { assertQueryable, readableSources } from '../caller-scope.js';
import type { AppContext, AppState } from '../context.js';
import { parseTailQuery } from '../params/index.js';
import { redactEntry } from './logs.js';

export interface TailStreamSettings {
  /** A stream ends itself after this long; the client reconnects with its last event id. */
  maxStreamMs: number;
  /** A comment line this often keeps idle proxies and load balancers from closing the stream. */
  heartbeatMs: number;
}

/** Every open tail stream of the process, so shutdown can end them at once instead of waiting. */
export class TailStreams {
  private readonly open = new Set<(reason: TailEndReason) => void>();

  add(end: (reason: TailEndReason) => void): () => void {
    this.open.add(end);
    return () => this.open.delete(end);
  }

  endAll(reason: TailEndReason): void {
    for (const end of [...this.open]) end(reason);
  }
}

export interface TailRouteDeps {
  hub: TailHub;
  streams: TailStreams;
  settings: TailStreamSettings;
  enabledSources: SourceName[];
  clock: Clock;
  /** Set when REDACT_RESPONSES is on, as for `/logs`. */
  redactor?: Redactor;
  /** A subscriber refused past a bound (the 429 itself is rendered like every error). */
  onRejected?: () => void;
}

/** Past this much unsent output the client is not keeping up: the stream ends and it resumes from its cursor. */
const MAX_PENDING_BYTES = 1024 * 1024;

/** `GET /logs/tail`: server-sent events of new entries, resumable by event id. */
export function tailRoutes(deps: TailRouteDeps): Router<AppState> {
  const router = new Router<AppState>();
  router.get('/logs/tail', (ctx) => tail(ctx, deps));
  return router;
}

const frame = (event: TailStreamEvent): string =>
  `id: ${event.id}\nevent: ${event.event}\ndata: ${JSON.stringify(event.data)}\n\n`;

/** The same batch, unfiltered, is sent alike to every stream that keeps all of it: serialized once. */
const unfiltered = new WeakMap<TailBatch, string>();

/** The `entries` event of a batch for one subscriber, or nothing when it keeps none of it. */
function entriesEvent(
  batch: TailBatch,
  keeps: (entry: LogEntry) => boolean,
  redactor?: Redactor,
): string | undefined {
  const kept = batch.entries.filter(keeps);
  if (kept.length === 0) return undefined;
  // The redactor is the router's, the same for every stream: a whole batch reads alike for all.
  const whole = kept.length === batch.entries.length;
  const cached = whole ? unfiltered.get(batch) : undefined;
  if (cached !== undefined) return cached;
  // Batches are published oldest first (TailHub.publish); a filtered one still is.
  const entries = redactor ? kept.map((entry) => redactEntry(entry, redactor)) : kept;
  const text = frame({ event: 'entries', id: batch.id, data: { entries } });
  if (whole) unfiltered.set(batch, text);
  return text;
}

/** What a stream starts with: the reconnect delay, `open`, and `gap` when the cursor was too old. */
function openingEvents({ start, replay, oldest }: Subscription): string {
  // Reconnect soon after a stream ends; EventSource reads `retry:`, other clients may.
  let text = `retry: 1000\n\n${frame({ event: 'open', id: start, data: { cursor: start } })}`;
  if (replay.gap) {
    const detail = `entries after ${start} are no longer kept here; resuming from the oldest kept (${oldest})`;
    text += frame({ event: 'gap', id: oldest, data: { detail, resumedFrom: oldest } });
  }
  return text;
}

/** The caller's filters and source scope, as one check per entry, and where to resume. */
function readTail(ctx: AppContext, deps: TailRouteDeps) {
  const principal = principalOf(ctx);
  const { query, cursor } = parseTailQuery(ctx.query, ctx.get('Last-Event-ID') || undefined, {
    defaultSources: readableSources(principal, deps.enabledSources),
    nowMs: deps.clock.now(),
  });
  assertQueryable(principal, query, deps.enabledSources);
  const sources = new Set(query.sources);
  const filter = compileFilter(query);
  const keeps = (entry: LogEntry): boolean => sources.has(entry.source) && filter(entry);
  return { token: principal.name, cursor, keeps };
}

/**
 * One subscriber's event stream: writes what its filters keep, remembers the newest id it
 * passed (what `end` tells the client to resume from, kept or not), and ends once, for
 * whichever reason comes first.
 */
class TailResponse {
  readonly stream = new PassThrough();
  private last = '';
  private ended = false;
  private readonly cleanups: (() => void)[] = [];

  constructor(
    private readonly keeps: (entry: LogEntry) => boolean,
    private readonly redactor?: Redactor,
  ) {}

  begin(subscription: Subscription, onEnd: () => void): void {
    this.last = subscription.start;
    this.cleanups.push(onEnd);
    this.send(openingEvents(subscription));
    for (const batch of subscription.replay.batches) this.batch(batch);
  }

  batch(batch: TailBatch): void {
    this.last = batch.id;
    const text = entriesEvent(batch, this.keeps, this.redactor);
    if (text !== undefined) this.send(text);
  }

  send(text: string): void {
    if (this.ended || this.stream.destroyed) return;
    this.stream.write(text);
    if (this.stream.writableLength > MAX_PENDING_BYTES) this.end('slow-client');
  }

  onEnd(cleanup: () => void): void {
    this.cleanups.push(cleanup);
  }

  end(reason: TailEndReason): void {
    if (this.ended) return;
    this.ended = true;
    for (const cleanup of this.cleanups) cleanup();
    if (this.stream.writableEnded || this.stream.destroyed) return;
    this.stream.write(frame({ event: 'end', id: this.last, data: { reason, cursor: this.last } }));
    this.stream.end();
  }
}

function tail(ctx: AppContext, deps: TailRouteDeps): void {
  const { token, cursor, keeps } = readTail(ctx, deps);
  const response = new TailResponse(keeps, deps.redactor);
  let subscription: Subscription;
  try {
    subscription = deps.hub.subscribe(token, cursor, (batch) => response.batch(batch));
  } catch (error) {
    if ((error as { status?: number }).status === 429) deps.onRejected?.();
    throw error;
  }
  ctx.status = 200;
  ctx.type = 'text/event-stream';
  ctx.set('Cache-Control', 'no-cache, no-transform');
  // Proxies such as nginx would otherwise hold the events back.
  ctx.set('X-Accel-Buffering', 'no');
  ctx.body = response.stream;
  response.begin(subscription, () => subscription.close());

  const heartbeat = setInterval(() => response.send(': keep-alive\n\n'), deps.settings.heartbeatMs);
  const lifetime = setTimeout(() => response.end('max-duration'), deps.settings.maxStreamMs);
  response.onEnd(() => clearInterval(heartbeat));
  response.onEnd(() => clearTimeout(lifetime));
  response.onEnd(deps.streams.add((reason) => response.end(reason)));
  // The client went away: nothing more to send, and its place is free again.
  ctx.res.once('close', () => response.end('shutdown'));
}
