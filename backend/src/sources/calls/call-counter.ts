import type { SourceName } from '../../model/index.js';
import type { BackendCall, BackendCallObserver } from '../../query/log-source.js';

/**
 * A source's tally point for calls to its backing service. The source and its helpers (listing,
 * downloads, followers) call `count` right where they call the client, so nothing escapes it.
 */
export class CallCounter {
  private observer?: BackendCallObserver;

  constructor(private readonly source: SourceName) {}

  observe(observer: BackendCallObserver): void {
    this.observer = observer;
  }

  /** Bound, so it can be handed to helpers as a plain function. */
  readonly count = (call: BackendCall): void => {
    this.observer?.(this.source, call);
  };
}

/** What helpers take: the counter's `count`. */
export type CountCall = CallCounter['count'];
