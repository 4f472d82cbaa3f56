import type { FollowSink, FollowStage } from '../../query/log-source.js';

/**
 * Runs background work whose failure must reach the sink, never become an unhandled
 * rejection: followers share the process with the request path.
 */
export function guard(sink: FollowSink, stage: FollowStage, work: () => Promise<void>): void {
  work().catch((error: unknown) => sink.failed(stage, error));
}
