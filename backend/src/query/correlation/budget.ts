import { describeError } from '../../model/index.js';

/** What one source call of a correlation read came to. */
export type Budgeted<T> =
  { ok: true; value: T; tookMs: number } | { ok: false; reason: string; tookMs: number };

const TIMEOUT = Symbol('timeout');

/**
 * Runs one source call within the per-source budget (`SOURCE_TIMEOUT_MS`), as the engine
 * does for listings: past it the call is aborted and reported, never awaited, so one slow
 * source costs only its own part of the answer.
 */
export async function withinBudget<T>(
  call: (signal: AbortSignal) => Promise<T>,
  budgetMs: number,
  outer?: AbortSignal,
): Promise<Budgeted<T>> {
  const started = performance.now();
  const controller = new AbortController();
  const abort = (): void => controller.abort(outer?.reason);
  outer?.addEventListener('abort', abort, { once: true });
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<typeof TIMEOUT>((resolve) => {
    timer = setTimeout(() => resolve(TIMEOUT), budgetMs);
  });
  const tookMs = (): number => Math.round(performance.now() - started);
  try {
    const result = await Promise.race([call(controller.signal), timeout]);
    if (result === TIMEOUT) {
      controller.abort(new Error('time budget exceeded'));
      return { ok: false, reason: `did not answer within ${budgetMs} ms`, tookMs: tookMs() };
    }
    return { ok: true, value: result, tookMs: tookMs() };
  } catch (error) {
    return { ok: false, reason: `failed: ${describeError(error)}`, tookMs: tookMs() };
  } finally {
    clearTimeout(timer);
    outer?.removeEventListener('abort', abort);
  }
}
