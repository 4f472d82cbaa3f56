import { SEVERITIES_MOST_SEVERE_FIRST, Severity } from '@gpt-runner-logs/contract';

import { DigestHighlights, DigestSpike, DigestTemplate } from '../types';

/** Error templates shown in the compact table; the digest keeps up to ten. */
export const MAX_ERROR_TEMPLATES = 5;

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const num = (value: unknown): number => (typeof value === 'number' && Number.isFinite(value) ? value : 0);
const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);

function readSpike(value: unknown): DigestSpike | undefined {
  if (!isRecord(value) || !str(value.start) || !str(value.end)) {
    return undefined;
  }
  return {
    start: str(value.start)!,
    end: str(value.end)!,
    errors: num(value.errors),
    peakErrors: num(value.peakErrors),
    // An older backend sends no baseline; the panel then says nothing about one.
    baseline: typeof value.baseline === 'number' && Number.isFinite(value.baseline) ? value.baseline : undefined,
  };
}

/** Variables shown per template: a named or repeating few tell more than every id. */
const MAX_SPREADS = 2;

/**
 * The variables worth a line under a pattern: more than one value, values that repeat
 * (ids that never do only add noise), named ones first, then those with the fewest values.
 */
function readSpreads(value: unknown): string[] {
  return list(value)
    .filter(isRecord)
    .filter((v) => num(v.distinct) > 1 && num(v.distinct) < num(v.lines))
    .sort(
      (a, b) =>
        Number(str(b.name) !== undefined) - Number(str(a.name) !== undefined) || num(a.distinct) - num(b.distinct)
    )
    .slice(0, MAX_SPREADS)
    .map(readSpread);
}

/** `symbol 8: TSLA 7, MSFT 6, META 5, …`. */
function readSpread(value: Record<string, unknown>): string {
  const name = str(value.name) ?? `<*>${num(value.index) + 1}`;
  const top = list(value.top)
    .filter(isRecord)
    .map((v) => `${str(v.value) ?? ''} ${num(v.count)}`);
  const more = num(value.distinct) > top.length ? ', …' : '';
  return `${name} ${num(value.distinct)}${value.distinctCapped === true ? '+' : ''}: ${top.join(', ')}${more}`;
}

function readTemplate(value: unknown): DigestTemplate | undefined {
  if (!isRecord(value) || !str(value.id) || !str(value.template)) {
    return undefined;
  }
  return {
    id: str(value.id)!,
    template: str(value.template)!,
    count: num(value.count),
    errors: num(value.errors),
    lastSeen: str(value.lastSeen),
    spread: readSpreads(value.variables),
  };
}

const present = <T>(value: T | undefined): value is T => value !== undefined;

/**
 * Reads the highlights out of a digest value. Returns undefined for anything that is not a
 * digest (an older backend, a `{}` placeholder), so the panel simply leaves them out.
 */
export function readDigest(value: unknown): DigestHighlights | undefined {
  if (!isRecord(value) || !isRecord(value.totals)) {
    return undefined;
  }
  const totals = value.totals;
  const bySeverity = isRecord(value.bySeverity) ? value.bySeverity : {};
  const templates = isRecord(value.templates) ? value.templates : {};
  const input = isRecord(value.input) ? value.input : {};
  return {
    totals: {
      entries: num(totals.entries),
      errors: num(totals.errors),
      warnings: num(totals.warnings),
      errorRate: num(totals.errorRate),
    },
    bySeverity: SEVERITIES_MOST_SEVERE_FIRST.filter((s) => num(bySeverity[s]) > 0).map((s): [Severity, number] => [
      s,
      num(bySeverity[s]),
    ]),
    spikes: list(value.spikes).map(readSpike).filter(present),
    errorTemplates: list(templates.errors).map(readTemplate).filter(present).slice(0, MAX_ERROR_TEMPLATES),
    truncated: input.truncated === true,
    partial: input.partial === true,
    warnings: list(input.warnings).map(str).filter(present),
  };
}
