import {
  compareKeys,
  labelValue,
  severityRank,
  type LogEntry,
  type LabelMatcher,
  type LogQuery,
} from '../model/index.js';
import { compileSafeRegex, compileSubstring } from './safe-regex.js';

export type EntryPredicate = (entry: LogEntry) => boolean;

/**
 * A label's value; `source`, `severity` and `message` read the entry's own fields when no
 * label has that name, so "filter out this source" from a log row works like any label, and
 * `message!~"(?i).*heartbeat.*"` is a "line does not contain" filter. A missing label reads
 * as the empty string, as in Prometheus, so `x!=""` means "has x".
 */
function labelReader(name: string): (entry: LogEntry) => string {
  if (name === 'source') return (entry) => labelValue(entry.labels, 'source') ?? entry.source;
  if (name === 'severity') return (entry) => labelValue(entry.labels, 'severity') ?? entry.severity;
  if (name === 'message') return (entry) => labelValue(entry.labels, 'message') ?? entry.message;
  return (entry) => labelValue(entry.labels, name) ?? '';
}

function labelPredicate({ name, op, value }: LabelMatcher): EntryPredicate {
  const read = labelReader(name);
  switch (op) {
    case '=':
      return (entry) => read(entry) === value;
    case '!=':
      return (entry) => read(entry) !== value;
    case '=~': {
      const re = compileSafeRegex(value);
      return (entry) => re.matchesWhole(read(entry));
    }
    case '!~': {
      const re = compileSafeRegex(value);
      return (entry) => !re.matchesWhole(read(entry));
    }
  }
}

function severityPredicate(query: LogQuery): EntryPredicate | undefined {
  const allowed = new Set(query.severities);
  const min = query.minSeverity ? severityRank(query.minSeverity) : undefined;
  if (allowed.size === 0 && min === undefined) return undefined;
  return (entry) =>
    (allowed.size === 0 || allowed.has(entry.severity)) &&
    (min === undefined || severityRank(entry.severity) >= min);
}

function searchPredicate(query: LogQuery): EntryPredicate | undefined {
  if (!query.search || query.search.text === '') return undefined;
  if (query.search.regex) {
    const re = compileSafeRegex(query.search.text, { caseInsensitive: true });
    return (entry) => re.test(entry.message);
  }
  const contains = compileSubstring(query.search.text);
  return (entry) => contains(entry.message);
}

/** A source's selector narrows only that source's entries; the others pass. */
function forSource(source: LogEntry['source'], check: EntryPredicate): EntryPredicate {
  return (entry) => entry.source !== source || check(entry);
}

/**
 * Selectors are pushed down by each source; checking them here as well keeps every source,
 * the in-memory one included, to one meaning of "this namespace", "these prefixes"….
 */
function selectorPredicates({ selectors }: LogQuery): EntryPredicate[] {
  const checks: EntryPredicate[] = [];
  const { gcs, firestore, pods } = selectors;
  if (gcs?.bucket) checks.push(forSource('gcs', (e) => e.labels.bucket === gcs.bucket));
  const prefixes = gcs?.prefixes;
  if (prefixes?.length) {
    checks.push(forSource('gcs', (e) => prefixes.some((p) => (e.labels.object ?? '').startsWith(p))));
  }
  const collections = firestore?.collections;
  if (collections?.length)
    checks.push(forSource('firestore', (e) => collections.includes(e.labels.collection ?? '')));
  if (pods?.namespace) checks.push(forSource('pods', (e) => e.labels.namespace === pods.namespace));
  const names = pods?.pods;
  if (names?.length) checks.push(forSource('pods', (e) => names.includes(e.labels.pod ?? '')));
  if (pods?.container) checks.push(forSource('pods', (e) => e.labels.container === pods.container));
  // A terminated instance's lines only when asked for, as `kubectl logs --previous`.
  const previous = pods?.previous ?? false;
  checks.push(forSource('pods', (e) => (e.labels.previous === 'true') === previous));
  return checks;
}

function afterPredicate(query: LogQuery): EntryPredicate | undefined {
  const after = query.after;
  if (!after) return undefined;
  const sign = query.direction === 'backward' ? -1 : 1;
  return (entry) => sign * compareKeys(entry, after) > 0;
}

/**
 * Compiles the whole query into one predicate, cheapest checks first. Regex syntax errors
 * surface here, before any source is called. Sources apply it to everything they read, and
 * the engine trusts their output, so this is the single definition of "matches".
 */
export function compileFilter(query: LogQuery): EntryPredicate {
  const { from, to } = query;
  const checks = [
    severityPredicate(query),
    afterPredicate(query),
    ...selectorPredicates(query),
    ...query.labels.map(labelPredicate),
    searchPredicate(query),
  ].filter((check): check is EntryPredicate => check !== undefined);
  return (entry) => {
    if (entry.timestamp < from || entry.timestamp >= to) return false;
    for (const check of checks) if (!check(entry)) return false;
    return true;
  };
}
