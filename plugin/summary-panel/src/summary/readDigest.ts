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
    factor: num(value.factor),
    // An older backend sends no baseline; the panel then says nothing about one.
    baseline: typeof value.baseline === 'number' && Number.isFinite(value.baseline) ? value.baseline : undefined,
  };
}

/** `symbol 8: TSLA 7, MSFT 6, META 5, …` for a variable with more than one value; the rest say nothing. */
function readSpread(value: unknown): string | undefined {
  if (!isRecord(value) || num(value.distinct) < 2) {
    return undefined;
  }
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
    spread: list(value.variables).map(readSpread).filter(present),
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
