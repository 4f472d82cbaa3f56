import { yieldToLoop } from '../model/index.js';

/**
 * Work written once as a generator that yields where it may pause (between slices of lines,
 * between passes over entries), run either at once or with the event loop served at each
 * pause: tests and benchmarks call the former, the request path the latter, and both give
 * the same result because they run the same code.
 */
export type Staged<T> = Generator<void, T, void>;

export function runAtOnce<T>(work: Staged<T>): T {
  for (;;) {
    const step = work.next();
    if (step.done) return step.value;
  }
}

export async function runInSlices<T>(work: Staged<T>): Promise<T> {
  for (;;) {
    const step = work.next();
    if (step.done) return step.value;
    await yieldToLoop();
  }
}
