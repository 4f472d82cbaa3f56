import type { Follower } from '../../query/log-source.js';

/** Several followers started and stopped as one (a listener per collection). */
export class FollowerGroup implements Follower {
  constructor(private readonly members: readonly Follower[]) {}

  start(): void {
    for (const member of this.members) member.start();
  }

  stop(): void {
    for (const member of this.members) member.stop();
  }
}
