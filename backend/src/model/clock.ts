/**
 * Where "now" comes from. Production reads the system clock; tests and the demo pass a
 * clock that starts at a chosen instant, so relative windows (`now-1h`) and generated data
 * agree on the same "now" whatever the calendar says.
 */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** A clock that reads `startMs` now and runs at the system clock's pace from there. */
export function clockStartingAt(startMs: number, base: Clock = systemClock): Clock {
  const offset = startMs - base.now();
  return { now: () => base.now() + offset };
}
