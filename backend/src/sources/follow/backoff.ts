/**
 * Reconnect delays: exponential from `baseMs`, capped at `maxMs`, with "equal jitter"
 * (half fixed, half random) so followers that failed together do not retry together.
 */
export class Backoff {
  private attempt = 0;

  constructor(
    private readonly maxMs: number,
    private readonly baseMs = 500,
    private readonly random: () => number = Math.random,
  ) {}

  next(): number {
    const ceiling = Math.min(this.maxMs, this.baseMs * 2 ** Math.min(this.attempt, 30));
    this.attempt += 1;
    return ceiling / 2 + (this.random() * ceiling) / 2;
  }

  reset(): void {
    this.attempt = 0;
  }
}

/** A timer that never keeps the process alive on its own and is cleared by `stop()`. */
export class Timers {
  private readonly pending = new Set<NodeJS.Timeout>();

  after(ms: number, run: () => void): void {
    const timer = setTimeout(() => {
      this.pending.delete(timer);
      run();
    }, ms);
    timer.unref();
    this.pending.add(timer);
  }

  every(ms: number, run: () => void): void {
    const timer = setInterval(run, ms);
    timer.unref();
    this.pending.add(timer);
  }

  clear(): void {
    for (const timer of this.pending) clearTimeout(timer);
    this.pending.clear();
  }
}
