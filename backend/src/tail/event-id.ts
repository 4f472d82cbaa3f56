/**
 * Event ids of the live tail, in Redis Streams' form `<ms>-<seq>`: ordered by time of
 * publication, then by sequence. The in-process bus issues them the same way, so a cursor
 * reads alike whichever bus issued it, and a cursor of a process that restarted is simply
 * older than anything its successor kept.
 */
export interface EventId {
  ms: number;
  seq: number;
}

const FORM = /^(\d{1,15})-(\d{1,15})$/;

export const ZERO_ID = '0-0';

export function parseEventId(text: string): EventId | undefined {
  const match = FORM.exec(text);
  if (!match) return undefined;
  return { ms: Number(match[1]), seq: Number(match[2]) };
}

export const formatEventId = ({ ms, seq }: EventId): string => `${ms}-${seq}`;

/** Negative, zero or positive as `a` is before, equal to or after `b`; both must parse. */
export function compareEventIds(a: string, b: string): number {
  const x = parseEventId(a) ?? { ms: 0, seq: 0 };
  const y = parseEventId(b) ?? { ms: 0, seq: 0 };
  return x.ms - y.ms || x.seq - y.seq;
}

/** Issues increasing ids from a clock, as Redis does for `XADD … *` (a clock going back keeps the last ms). */
export class EventIdIssuer {
  private last: EventId;

  constructor(
    private readonly now: () => number = Date.now,
    start: string = ZERO_ID,
  ) {
    this.last = parseEventId(start) ?? { ms: 0, seq: 0 };
  }

  next(): string {
    const ms = this.now();
    this.last = ms > this.last.ms ? { ms, seq: 0 } : { ms: this.last.ms, seq: this.last.seq + 1 };
    return formatEventId(this.last);
  }
}
