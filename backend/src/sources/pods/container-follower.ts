import { ApiException, type CoreV1Api, type Log } from '@kubernetes/client-node';
import type { FollowSink, ResumeMark } from '../../query/log-source.js';
import { deliver } from '../follow/batch.js';
import { Backoff, Timers } from '../follow/backoff.js';
import { guard } from '../follow/guard.js';
import { parsePodLog, sinceTimeOf, splitTimestampedLine, type PodLogOrigin } from './line-parser.js';
import { LineStream } from './line-stream.js';
import type { CountCall } from '../calls/call-counter.js';

/** The API clients a container log is followed with: the source's own. */
export interface PodClients {
  core: CoreV1Api;
  log: Log;
  /** Told about each call made with these clients. */
  countCall?: CountCall;
}

export interface ContainerTarget {
  namespace: string;
  pod: string;
  uid: string;
  container: string;
  /** The metric's origin label: `namespace/app`. */
  origin: string;
}

export interface ContainerFollowerOptions {
  clients: PodClients;
  sink: FollowSink;
  /** Where delivery starts: lines stamped before `time` (and the first `count` at it) were delivered or are too old. */
  mark: ResumeMark;
  maxBackoffMs: number;
  /** Called once the pod is gone (deleted, replaced, or no longer running). */
  onGone: () => void;
}

/** Lines are held this long for the rest of their record (a stack trace arrives in pieces). */
const FLUSH_MS = 200;
const MAX_BUFFERED_LINES = 2_000;
/** A stream that stayed open this long was healthy: the next failure starts the back-off over. */
const HEALTHY_MS = 30_000;

/**
 * Follows one container's log (`follow`, `timestamps`, `sinceTime`) and delivers its records.
 * When the stream ends or breaks it reconnects after a capped, jittered back-off, resuming
 * from the newest line delivered: `sinceTime` has whole seconds, so the lines of that instant
 * already delivered are skipped by number. Records are joined (tracebacks, stack frames) only
 * within what arrives together, so a record split across chunks more than `FLUSH_MS` apart
 * is delivered as two: close enough for volume metrics and a tail.
 */
export class ContainerFollower {
  private readonly backoff: Backoff;
  private readonly timers = new Timers();
  private mark: ResumeMark;
  /** Lines at `mark.time` a new connection repeats and must skip. */
  private repeats = 0;
  private buffered: string[] = [];
  private flushTimer?: NodeJS.Timeout;
  private controller?: AbortController;
  /** Bumped per connection, so a late event of a replaced connection is ignored. */
  private connection = 0;
  private connectedAt = 0;
  private stopped = false;
  lastDataAt = Date.now();

  constructor(
    readonly target: ContainerTarget,
    private readonly options: ContainerFollowerOptions,
  ) {
    this.backoff = new Backoff(options.maxBackoffMs);
    this.mark = { ...options.mark };
  }

  /** Where a follower of the same container would resume without delivering a line twice. */
  get resumeMark(): ResumeMark {
    return { ...this.mark };
  }

  get key(): string {
    const { namespace, pod, container, uid } = this.target;
    return `${namespace}/${pod}/${container}@${uid}`;
  }

  start(): void {
    guard(this.options.sink, 'stream', () => this.connect());
  }

  stop(): void {
    this.stopped = true;
    this.connection += 1;
    this.timers.clear();
    clearTimeout(this.flushTimer);
    this.controller?.abort();
    this.controller = undefined;
  }

  /** Drops the connection and opens a new one at once: a quiet stream may be a dead one. */
  refresh(): void {
    if (this.stopped || !this.controller) return;
    this.connection += 1;
    this.controller.abort();
    this.controller = undefined;
    this.flush();
    guard(this.options.sink, 'stream', () => this.connect());
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    const connection = ++this.connection;
    const { namespace, pod, container } = this.target;
    this.repeats = this.mark.count;
    const sink = new LineStream({
      onLines: (lines) => {
        if (connection === this.connection) this.take(lines);
      },
      onClose: (error) => {
        if (connection === this.connection) this.ended(error);
      },
    });
    try {
      this.options.clients.countCall?.('stream');
      const controller = await this.options.clients.log.log(namespace, pod, container, sink, {
        follow: true,
        timestamps: true,
        sinceTime: sinceTimeOf(this.mark.time),
      });
      if (connection !== this.connection) {
        controller.abort();
        return;
      }
      this.controller = controller;
      this.connectedAt = Date.now();
      this.lastDataAt = Date.now();
      this.options.sink.connected(this.key);
    } catch (error) {
      if (connection === this.connection) this.failed(error);
    }
  }

  private take(lines: string[]): void {
    this.lastDataAt = Date.now();
    for (const line of lines) if (this.isNew(line)) this.buffered.push(line);
    if (this.buffered.length >= MAX_BUFFERED_LINES) this.flush();
    else if (this.buffered.length > 0 && !this.flushTimer) {
      this.flushTimer = setTimeout(() => this.flush(), FLUSH_MS);
      this.flushTimer.unref();
    }
  }

  /** Moves the mark; false for a line delivered before (or stamped before `since`). */
  private isNew(line: string): boolean {
    const raw = splitTimestampedLine(line);
    if (!raw) return line !== '';
    if (raw.time < this.mark.time) return false;
    if (raw.time === this.mark.time) {
      if (this.repeats > 0) {
        this.repeats -= 1;
        return false;
      }
      this.mark.count += 1;
      return true;
    }
    this.mark = { time: raw.time, count: 1 };
    this.repeats = 0;
    return true;
  }

  private flush(): void {
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    if (this.buffered.length === 0) return;
    const body = this.buffered.join('\n');
    this.buffered = [];
    const { sink } = this.options;
    try {
      const entries = parsePodLog(body, this.originOf());
      deliver(sink, { stream: this.key, origin: this.target.origin, entries, resume: this.resumeMark });
    } catch (error) {
      sink.failed('read', error);
    }
  }

  private originOf(): PodLogOrigin {
    const { namespace, pod, container } = this.target;
    return { namespace, pod, container, previous: false, labels: {} };
  }

  /** The server ended the stream (container restarted, pod deleted) or the connection broke. */
  private ended(error: unknown): void {
    this.flush();
    this.controller = undefined;
    if (error !== undefined) this.options.sink.failed('stream', error, this.key);
    if (Date.now() - this.connectedAt >= HEALTHY_MS) this.backoff.reset();
    this.retryLater();
  }

  private failed(error: unknown): void {
    if (error instanceof ApiException && error.code === 404) {
      this.gone();
      return;
    }
    // A container still starting (400) is the pod's state, not the source failing.
    const sourceFailing = !(error instanceof ApiException && error.code >= 400 && error.code < 500);
    this.options.sink.failed('stream', error, sourceFailing ? this.key : undefined);
    this.retryLater();
  }

  private retryLater(): void {
    if (this.stopped) return;
    const connection = this.connection;
    this.timers.after(this.backoff.next(), () => {
      if (connection === this.connection) guard(this.options.sink, 'stream', () => this.reconnect());
    });
  }

  /** Reconnects if the same pod still runs; a deleted or finished pod is let go. */
  private async reconnect(): Promise<void> {
    const { namespace, pod, uid } = this.target;
    const connection = this.connection;
    try {
      this.options.clients.countCall?.('read_pod');
      const current = await this.options.clients.core.readNamespacedPod({ name: pod, namespace });
      if (connection !== this.connection || this.stopped) return;
      if (current.metadata?.uid !== uid || current.status?.phase !== 'Running') {
        this.gone();
        return;
      }
    } catch (error) {
      if (connection !== this.connection || this.stopped) return;
      if (error instanceof ApiException && error.code === 404) {
        this.gone();
        return;
      }
      this.options.sink.failed('stream', error, this.key);
      this.retryLater();
      return;
    }
    this.options.sink.reconnected();
    await this.connect();
  }

  private gone(): void {
    this.stop();
    this.options.sink.gone(this.key);
    this.options.onGone();
  }
}
