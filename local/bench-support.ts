import type { ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { startBuiltBackend } from './backend-process.js';
import type { LocalStack } from './stack.js';

/** The bearer token every benchmark sends. */
export const BENCH_TOKEN = 'bench-token-0123456789abcdef';

/** The value at percentile `p` of ascending `sorted` (nearest rank). */
export const percentile = (sorted: number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;

/** p50, p95, p99 and the largest of `samples` (in ms, in any order), rounded to whole ms. */
export function latencySummary(samples: number[]): {
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  maxMs: number;
} {
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    p50Ms: Math.round(percentile(sorted, 50)),
    p95Ms: Math.round(percentile(sorted, 95)),
    p99Ms: Math.round(percentile(sorted, 99)),
    maxMs: Math.round(sorted.at(-1) ?? NaN),
  };
}

/** Resident memory of a process, in MB. */
export function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
}

type Role = 'viewer' | 'analyst' | 'admin';

/** `AUTH_TOKENS` holding one token, named `bench`, with `role`. */
const benchTokens = (token: string, role: Role): string =>
  JSON.stringify([{ name: 'bench', sha256: createHash('sha256').update(token).digest('hex'), role }]);

/**
 * The built backend over `stack` on 127.0.0.1:`port`, logging only warnings, accepting
 * BENCH_TOKEN with `role`; `env` adds the benchmark's own settings.
 */
export function startBenchBackend(
  stack: Pick<LocalStack, 'env'>,
  options: { port: string; role: Role; env?: Record<string, string> },
): ChildProcess {
  return startBuiltBackend({
    ...stack.env,
    HOST: '127.0.0.1',
    PORT: options.port,
    LOG_LEVEL: 'warn',
    ...options.env,
    AUTH_TOKENS: benchTokens(BENCH_TOKEN, options.role),
  });
}
