import { compareKeys, type LogEntry } from '../../model/index.js';
import type { FollowSink, ResumeMark } from '../../query/log-source.js';

/** The newest time among `entries` and how many share it: where a re-read would resume. */
export function resumeAfter(entries: readonly LogEntry[], before: ResumeMark): ResumeMark {
  let mark = before;
  for (const { timestamp } of entries) {
    if (timestamp > mark.time) mark = { time: timestamp, count: 1 };
    else if (timestamp === mark.time) mark = { time: mark.time, count: mark.count + 1 };
  }
  return mark;
}

/**
 * Hands one stream's new entries to the sink, oldest first whatever order they arrived in;
 * nothing new is not a batch.
 */
export function deliver(
  sink: FollowSink,
  batch: { stream: string; origin: string; entries: LogEntry[]; resume: ResumeMark },
): void {
  if (batch.entries.length === 0) return;
  sink.entries({ ...batch, entries: batch.entries.sort(compareKeys) });
}
