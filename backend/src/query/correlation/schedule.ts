import type { Clock } from '../../model/index.js';
import type { QueryEngine } from '../engine.js';
import {
  defaultReconcileWindow,
  mismatchCounts,
  reconcile,
  type ReconcileObserver,
  type ReconcileSettings,
} from './reconcile.js';

export interface ReconcileScheduleOptions {
  engine: Pick<QueryEngine, 'page'>;
  settings: ReconcileSettings;
  clock: Clock;
  intervalMs: number;
  /** How far back each run looks … */
  windowMs: number;
  /** … up to this long ago: younger trades may not be archived yet. */
  settleMs: number;
  observe: ReconcileObserver;
  onError: (error: unknown) => void;
}

/**
 * Reconciles the last window on an interval so the mismatch metric (and its alert) stays
 * current without anyone asking. Runs where the collector runs (one replica): each run reads
 * the window's trades from both stores. A run never overlaps the previous one, and a run with
 * a failed source reports nothing rather than counting that source's trades as missing.
 */
export class ReconcileSchedule {
  private timer?: NodeJS.Timeout;
  private running = false;
  private readonly controller = new AbortController();

  constructor(private readonly options: ReconcileScheduleOptions) {}

  start(): void {
    if (this.timer || this.options.intervalMs <= 0) return;
    this.timer = setInterval(() => void this.runOnce(), this.options.intervalMs);
    this.timer.unref();
    void this.runOnce();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    this.controller.abort();
  }

  async runOnce(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      const window = defaultReconcileWindow(this.options.clock.now(), this.options);
      const result = await reconcile(
        this.options.engine,
        this.options.settings,
        window,
        this.controller.signal,
      );
      if (!result.partial) this.options.observe(mismatchCounts(result));
    } catch (error) {
      if (!this.controller.signal.aborted) this.options.onError(error);
    } finally {
      this.running = false;
    }
  }
}
