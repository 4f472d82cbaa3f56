import {
  SEVERITIES,
  SEVERITIES_MOST_SEVERE_FIRST,
  isSeverity,
  type Severity,
} from '@gpt-runner-logs/contract';

// The scale itself (names, order, rank) is the contract's; this file only reads levels onto it.
export {
  ERROR_SEVERITIES,
  SEVERITIES,
  SEVERITIES_MOST_SEVERE_FIRST,
  isSeverity,
  severityRank,
  type Severity,
} from '@gpt-runner-logs/contract';

/** Level words as the ecosystems that write our logs spell them (lower-cased). */
const NAMED_LEVELS: Record<string, Severity> = {
  default: 'DEFAULT',
  notset: 'DEFAULT',
  trace: 'DEBUG',
  verbose: 'DEBUG',
  debug: 'DEBUG',
  fine: 'DEBUG',
  finer: 'DEBUG',
  finest: 'DEBUG',
  d: 'DEBUG',
  v: 'DEBUG',
  t: 'DEBUG',
  info: 'INFO',
  information: 'INFO',
  informational: 'INFO',
  config: 'INFO',
  i: 'INFO',
  notice: 'NOTICE',
  n: 'NOTICE',
  warn: 'WARNING',
  warning: 'WARNING',
  w: 'WARNING',
  err: 'ERROR',
  error: 'ERROR',
  severe: 'ERROR',
  exception: 'ERROR',
  e: 'ERROR',
  crit: 'CRITICAL',
  critical: 'CRITICAL',
  fatal: 'CRITICAL',
  panic: 'CRITICAL',
  f: 'CRITICAL',
  c: 'CRITICAL',
  alert: 'ALERT',
  a: 'ALERT',
  emerg: 'EMERGENCY',
  emergency: 'EMERGENCY',
};

/**
 * syslog (RFC 5424) numeric severities, 0 the most severe: Cloud Logging's scale mirrors
 * syslog's eight levels above DEFAULT, so syslog level n is the n-th most severe of them.
 */
const SYSLOG_LEVELS: readonly Severity[] = SEVERITIES_MOST_SEVERE_FIRST.filter((s) => s !== 'DEFAULT');

/** pino and bunyan numeric levels (10 trace … 60 fatal). */
const PINO_LEVELS: Record<number, Severity> = {
  10: 'DEBUG',
  20: 'DEBUG',
  30: 'INFO',
  40: 'WARNING',
  50: 'ERROR',
  60: 'CRITICAL',
};

function fromNumber(level: number): Severity {
  if (!Number.isInteger(level) || level < 0) return 'DEFAULT';
  if (level <= 7) return SYSLOG_LEVELS[level] ?? 'DEFAULT';
  const pino = PINO_LEVELS[level];
  if (pino) return pino;
  // Cloud Logging's own numbers: 0, 100 … 800.
  if (level % 100 === 0 && level <= 800) return SEVERITIES[level / 100] ?? 'DEFAULT';
  return 'DEFAULT';
}

/**
 * Normalizes any level a log writer may have used. Unknown values are DEFAULT rather than
 * an error: a record with an odd level is still a record an operator wants to see.
 */
export function normalizeSeverity(level: unknown): Severity {
  if (typeof level === 'number') return fromNumber(level);
  if (typeof level !== 'string') return 'DEFAULT';
  const word = level.trim().toLowerCase();
  if (word === '') return 'DEFAULT';
  if (/^\d+$/.test(word)) return fromNumber(Number(word));
  // Own properties only: `constructor` or `__proto__` must not resolve to Object's members.
  return Object.hasOwn(NAMED_LEVELS, word) ? (NAMED_LEVELS[word] ?? 'DEFAULT') : 'DEFAULT';
}

/** Parses a severity named by a caller (API parameter): strict, unlike `normalizeSeverity`. */
export function parseSeverityName(name: string): Severity | undefined {
  const upper = name.trim().toUpperCase();
  if (isSeverity(upper)) return upper;
  const normalized = normalizeSeverity(name);
  return normalized === 'DEFAULT' ? undefined : normalized;
}
