import type { TailEndReason, TailStreamEvent } from '@gpt-runner-logs/contract';
import Router from '@koa/router';
import { PassThrough } from 'node:stream';
import type { Redactor } from '../../insight/redaction/index.js';
import { compareKeys, type Clock, type LogEntry, type SourceName } from '../../model/index.js';
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
const MAX_PENDING_BYTES = 4 * 1024 * 1024;

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

function tail(ctx: AppContext, deps: TailRouteDeps): void {
  const principal = principalOf(ctx);
  const { query, cursor } = parseTailQuery(ctx.query, ctx.get('Last-Event-ID') || undefined, {
    defaultSources: readableSources(principal, deps.enabledSources),
    nowMs: deps.clock.now(),
  });
  assertQueryable(principal, query, deps.enabledSources);
  const sources = new Set(query.sources);
  const filter = compileFilter(query);
  const keeps = (entry: LogEntry): boolean => sources.has(entry.source) && filter(entry);

  let subscription: Subscription | undefined;
  try {
    subscription = deps.hub.subscribe(principal.name, cursor, (batch) => sendBatch(batch));
  } catch (error) {
    if ((error as { status?: number }).status === 429) deps.onRejected?.();
    throw error;
  }
  const { start, replay, oldest } = subscription;
  const stream = new PassThrough();
  let last = start;
  let ended = false;
  const timers: NodeJS.Timeout[] = [];
  const forget = deps.streams.add((reason) => end(reason));

  function end(reason: TailEndReason): void {
    if (ended) return;
    ended = true;
    for (const timer of timers) clearTimeout(timer);
    forget();
    subscription?.close();
    if (!stream.writableEnded && !stream.destroyed) {
      stream.write(frame({ event: 'end', id: last, data: { reason, cursor: last } }));
      stream.end();
    }
  }
  function send(text: string): void {
    if (ended || stream.destroyed) return;
    stream.write(text);
    if (stream.writableLength > MAX_PENDING_BYTES) end('slow-client');
  }
  function sendBatch(batch: TailBatch): void {
    last = batch.id;
    const kept = batch.entries.filter(keeps);
    if (kept.length === 0) return;
    if (kept.length === batch.entries.length && !deps.redactor) {
      let text = unfiltered.get(batch);
      if (text === undefined) {
        text = frame({ event: 'entries', id: batch.id, data: { entries: [...kept].sort(compareKeys) } });
        unfiltered.set(batch, text);
      }
      send(text);
      return;
    }
    const { redactor } = deps;
    const entries = kept.sort(compareKeys).map((entry) => (redactor ? redactEntry(entry, redactor) : entry));
    send(frame({ event: 'entries', id: batch.id, data: { entries } }));
  }

  ctx.status = 200;
  ctx.type = 'text/event-stream';
  ctx.set('Cache-Control', 'no-cache, no-transform');
  ctx.set('X-Accel-Buffering', 'no');
  ctx.body = stream;
  // Reconnect soon after a stream ends; EventSource reads this, other clients may.
  send('retry: 1000\n\n');
  send(frame({ event: 'open', id: start, data: { cursor: start } }));
  if (replay.gap)
    send(
      frame({
        event: 'gap',
        id: oldest,
        data: {
          detail: `entries after ${start} are no longer kept here; resuming from the oldest kept (${oldest})`,
          resumedFrom: oldest,
        },
      }),
    );
  for (const batch of replay.batches) sendBatch(batch);

  timers.push(setInterval(() => send(': keep-alive\n\n'), deps.settings.heartbeatMs));
  timers.push(setTimeout(() => end('max-duration'), deps.settings.maxStreamMs));
  // The client went away: nothing more to send, and its place is free again.
  stream.once('close', () => end('shutdown'));
  ctx.res.once('close', () => end('shutdown'));
}
