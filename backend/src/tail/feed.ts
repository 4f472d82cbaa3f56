import type { Logger } from 'pino';
import { describeError, type LogEntry, type SourceName } from '../model/index.js';
import type { Follower, FollowOptions, FollowSink, LogSource } from '../query/log-source.js';

/**
 * What feeds the tail: something started when this process should follow and stopped when it
 * should not, handing what it reads to `publish`. This process's own followers are it; the hub
 * takes the feed as this interface so it depends on the job, not on the sources.
 */
export interface TailFeed {
  start(publish: (entries: LogEntry[]) => void): void;
  stop(): void;
}

export interface FollowerFeedDeps {
  sources: readonly LogSource[];
  /** Pacing of each source's follower from the instant it starts (the collector's settings). */
  options: (source: SourceName, sinceMs: number) => FollowOptions;
  /** Per source, the pod log streams and Firestore listeners open now. */
  onUpstream: (source: SourceName, open: number) => void;
  logger: Logger;
  now?: () => number;
}

/**
 * Connections that hold a stream against a backing service: a container log (`ns/pod/c@uid`)
 * or a collection listener. Pod listings (`list:`) and GCS prefix listings are polls.
 */
const isStream = (source: SourceName, key: string): boolean => source !== 'gcs' && !key.startsWith('list:');

/**
 * One follower per source that can follow, shared by every viewer of this process: one log
 * stream per container and one listener per collection, however many subscribe.
 */
export class FollowerFeed implements TailFeed {
  private followers: Follower[] = [];
  private readonly open = new Map<SourceName, Set<string>>();

  constructor(private readonly deps: FollowerFeedDeps) {}

  start(publish: (entries: LogEntry[]) => void): void {
    if (this.followers.length > 0) return;
    const sinceMs = (this.deps.now ?? Date.now)();
    for (const source of this.deps.sources) {
      if (!source.follow) continue;
      const sink = this.sinkFor(source.name, publish);
      this.followers.push(source.follow(sink, this.deps.options(source.name, sinceMs)));
    }
    for (const follower of this.followers) follower.start();
    this.deps.logger.info({ followers: this.followers.length }, 'live tail: following the sources');
  }

  stop(): void {
    for (const follower of this.followers) follower.stop();
    if (this.followers.length > 0) this.deps.logger.info('live tail: no viewers left, stopped following');
    this.followers = [];
    for (const source of this.open.keys()) this.deps.onUpstream(source, 0);
    this.open.clear();
  }

  private sinkFor(source: SourceName, publish: (entries: LogEntry[]) => void): FollowSink {
    const { logger } = this.deps;
    return {
      entries: (batch) => publish(batch.entries),
      connected: (key) => this.track(source, key, true),
      failed: (stage, error, key) => {
        logger.debug(
          { source, stage, follower: key, err: describeError(error) },
          'live tail follower failed',
        );
        if (key !== undefined) this.track(source, key, false);
      },
      reconnected: () => undefined,
      gone: (key) => this.track(source, key, false),
      warn: (message, details) => logger.warn({ source, ...details }, message),
    };
  }

  private track(source: SourceName, key: string, connected: boolean): void {
    if (!isStream(source, key)) return;
    const keys = this.open.get(source) ?? new Set<string>();
    this.open.set(source, keys);
    if (connected) keys.add(key);
    else keys.delete(key);
    this.deps.onUpstream(source, keys.size);
  }
}
