import type { LogEntry } from '../../model/index.js';
import type { SourceStats } from '../log-source.js';

/** One unfiltered read of a source's fresh edge: every entry from `startMs` to `toMs`, oldest first. */
export interface EdgeRead {
  startMs: number;
  toMs: number;
  /** When the read was asked of the source: nothing written later is in it. */
  readAtMs: number;
  entries: LogEntry[];
  stats: SourceStats;
  warnings: string[];
}

interface Pending {
  startMs: number;
  toMs: number;
  readAtMs: number;
  result: Promise<EdgeRead>;
}

/**
 * The latest read of one source's fresh edge, shared by every request it can answer. A
 * request may use a read (finished or still under way) that covers its window and was asked
 * of the source at most `maxAgeMs` before the request arrived: the request then sees what an
 * uncached read at that moment would have seen. With 0, only reads started in the same
 * millisecond are shared. Concurrent requests that find no such read start one between them
 * (single-flight), so however many viewers refresh, the source sees one read per `maxAgeMs`.
 */
export class FreshEdge {
  private latest?: Pending;

  constructor(private readonly maxAgeMs: number) {}

  /**
   * The read serving `[needFromMs, needToMs)`; `read` is called, once for all concurrent
   * callers, when none is fresh enough. `shared`: the caller did not start it (its cost is
   * someone else's).
   */
  serve(
    needFromMs: number,
    needToMs: number,
    next: { startMs: number; toMs: number; readAtMs: number },
    read: () => Promise<EdgeRead>,
  ): Promise<{ edge: EdgeRead; shared: boolean }> {
    const latest = this.latest;
    if (latest && this.covers(latest, needFromMs, needToMs, next.readAtMs))
      return latest.result.then((edge) => ({ edge, shared: true }));
    const pending: Pending = { ...next, result: read() };
    this.latest = pending;
    // A failed read is not kept: the next request asks the source again.
    pending.result.catch(() => {
      if (this.latest === pending) this.latest = undefined;
    });
    return pending.result.then((edge) => ({ edge, shared: false }));
  }

  private covers(read: Pending, fromMs: number, toMs: number, nowMs: number): boolean {
    return read.startMs <= fromMs && toMs <= read.toMs && nowMs - read.readAtMs <= this.maxAgeMs;
  }
}
