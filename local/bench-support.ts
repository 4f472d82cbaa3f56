import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';

/** The value at percentile `p` of ascending `sorted` (nearest rank). */
export const percentile = (sorted: number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;

/** Resident memory of a process, in MB. */
export function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
}

/** `AUTH_TOKENS` holding one token, named `bench`, with `role`. */
export const benchTokens = (token: string, role: 'viewer' | 'analyst' | 'admin'): string =>
  JSON.stringify([{ name: 'bench', sha256: createHash('sha256').update(token).digest('hex'), role }]);
