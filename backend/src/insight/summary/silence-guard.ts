/**
 * Aborts a stream that stays silent for `ms`: the client's time-out ends with the response
 * headers, after which a stalled body would hang. Armed by the first `heard()`, so the
 * client's retries and back-off before the stream opens are not cut short.
 */
export class SilenceGuard {
  private readonly controller = new AbortController();
  private timer: NodeJS.Timeout | undefined;
  fired = false;

  constructor(private readonly ms: number) {}

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  heard(): void {
    clearTimeout(this.timer);
    this.timer = this.arm();
  }

  stop(): void {
    clearTimeout(this.timer);
  }

  private arm(): NodeJS.Timeout {
    return setTimeout(() => {
      this.fired = true;
      this.controller.abort();
    }, this.ms);
  }
}
