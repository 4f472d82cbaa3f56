import {
  SEVERITIES,
  SOURCE_NAMES,
  compareKeys,
  formatEpochMs,
  labelValue,
  SLICE_SIZE,
  severityRank,
  timestampMs,
  type LogEntry,
  type Severity,
  type Timestamp,
} from '../model/index.js';
import {
  DIGEST_LABEL_GROUPS as LABEL_GROUPS,
  type Digest,
  type DigestInput,
  type DigestLabelGroup as LabelGroup,
  type ErrorRateBucket,
  type LabelCount,
  type Spike,
  type TemplateDigest,
} from '@gpt-runner-logs/contract';
import {
  PatternMiner,
  firstLine,
  spreadVariables,
  type PatternTemplate,
  type VariableLine,
} from './patterns/index.js';
import { runAtOnce, runInSlices, type Staged } from './stages.js';

/**
 * The digest: what a query's result looks like in numbers, small enough for a prompt and
 * for a panel. It is a pure function of the entries (in any order) and the window, so the
 * same logs always give the same digest, the same template ids and the same prompt.
 */

// The digest's shape is the contract's: the summary panel reads exactly what is built here.
export {
  LABEL_GROUPS,
  type Digest,
  type DigestInput,
  type LabelGroup,
  type ErrorRateBucket,
  type LabelCount,
  type Spike,
  type TemplateDigest,
};

export interface DigestOptions {
  /** The window the entries cover, `[from, to)`. */
  from: Timestamp;
  to: Timestamp;
  input?: Partial<DigestInput>;
  /** Entries per list of templates; 10 unless set. */
  topTemplates?: number;
  /** Values per label group; 5 unless set. */
  topLabels?: number;
  /** Most buckets of the error-rate series; 48 unless set. */
  maxBuckets?: number;
  /** A bucket is a spike at this many times the median; 3 unless set. */
  spikeFactor?: number;
  /** …and with at least this many errors, so one stray error is not a spike; 3 unless set. */
  spikeMinErrors?: number;
}

const DEFAULTS = { topTemplates: 10, topLabels: 5, maxBuckets: 48, spikeFactor: 3, spikeMinErrors: 3 };

/** Long enough to recognise a line; short enough that ten of them stay cheap in a prompt. */
export const MAX_DIGEST_TEXT = 240;

/** Top values per variable in the digest: enough to show a spread, few enough for a prompt. */
const DIGEST_VALUES = 3;

const ERROR_RANK = severityRank('ERROR');
const WARNING_RANK = severityRank('WARNING');
export const isError = (severity: Severity): boolean => severityRank(severity) >= ERROR_RANK;

/** Bucket widths a person reads easily, in seconds. */
const BUCKET_WIDTHS = [1, 5, 10, 30, 60, 120, 300, 600, 900, 1800, 3600, 10800, 21600, 43200, 86400, 604800];

/** The result of mining: the templates, and which one each entry (by position) joined. */
export interface MinedEntries {
  templates: PatternTemplate[];
  /** Template id of each entry, in the order of `entries`; undefined once evicted. */
  assigned: (string | undefined)[];
}

/** Entries oldest first: mining order decides template ids, so it must not depend on the query's direction. */
export const inTimeOrder = (entries: readonly LogEntry[]): LogEntry[] => [...entries].sort(compareKeys);

/**
 * Mines entries already in time order, remembering each entry's template and its variables'
 * values. A multi-line entry (a message with the traceback a pod logged after it) is mined
 * by its first line: that is the statement; what follows is its attachment.
 */
export function mineEntries(ordered: readonly LogEntry[]): MinedEntries {
  return runAtOnce(mining(ordered));
}

/** `mineEntries` for the request path: the same templates, with the event loop served between slices. */
export function mineEntriesInSlices(ordered: readonly LogEntry[]): Promise<MinedEntries> {
  return runInSlices(mining(ordered));
}

function* mining(ordered: readonly LogEntry[]): Staged<MinedEntries> {
  const miner = new PatternMiner();
  // An entry whose message is one line already is its own line (an insight read's rows are).
  const lines: VariableLine[] = ordered.map((entry) => {
    const line = firstLine(entry.message);
    return line === entry.message ? entry : { message: line, labels: entry.labels };
  });
  const raw: string[] = [];
  for (let i = 0; i < ordered.length; i++) {
    if (i > 0 && i % SLICE_SIZE === 0) yield;
    const { timestamp, severity, source } = ordered[i] as LogEntry;
    raw.push(miner.add((lines[i] as VariableLine).message, { timestamp, severity, source }));
  }
  yield;
  const assigned = raw.map((id) => miner.resolve(id));
  const templates = yield* spreadVariables(miner.templates(), lines, assigned);
  return { templates, assigned };
}

/**
 * The digest of entries over a window. `mined`, when given, must be
 * `mineEntries(inTimeOrder(entries))`: callers that also need the templates mine once.
 */
export function buildDigest(
  entries: readonly LogEntry[],
  options: DigestOptions,
  mined?: MinedEntries,
): Digest {
  return runAtOnce(digesting(entries, options, mined));
}

/** `buildDigest` for the request path: the same digest, with the event loop served between its passes. */
export function buildDigestInSlices(
  entries: readonly LogEntry[],
  options: DigestOptions,
  mined?: MinedEntries,
): Promise<Digest> {
  return runInSlices(digesting(entries, options, mined));
}

/** Each pass goes over every entry: a pause after each keeps the longest stretch to one pass. */
function* digesting(
  entries: readonly LogEntry[],
  options: DigestOptions,
  mined?: MinedEntries,
): Staged<Digest> {
  const settings = { ...DEFAULTS, ...stripUndefined(options) };
  const ordered = inTimeOrder(entries);
  yield;
  const templates = mined ?? (yield* mining(ordered));
  const fromMs = timestampMs(options.from);
  const toMs = Math.max(timestampMs(options.to), fromMs + 1);
  const width = bucketWidth(toMs - fromMs, settings.maxBuckets);
  const errorRate = errorRateSeries(ordered, fromMs, toMs, width);
  yield;
  const errors = ordered.filter((e) => isError(e.severity)).length;
  const warnings = ordered.filter((e) => severityRank(e.severity) === WARNING_RANK).length;
  yield;
  const bySeverity = countInOrder(ordered, (e) => e.severity, SEVERITIES);
  const bySource = countInOrder(ordered, (e) => e.source, SOURCE_NAMES);
  yield;
  const lists = templateLists(ordered, templates, fromMs, toMs, settings.topTemplates, settings.topLabels);
  yield;
  const labels = topLabels(ordered, settings.topLabels);
  return {
    window: { from: options.from, to: options.to, bucketSeconds: width / 1000 },
    input: {
      entries: ordered.length,
      truncated: options.input?.truncated ?? false,
      partial: options.input?.partial ?? false,
      warnings: options.input?.warnings ?? [],
    },
    totals: { entries: ordered.length, errors, warnings, errorRate: ratio(errors, ordered.length) },
    bySeverity,
    bySource,
    errorRate,
    spikes: findSpikes(errorRate, width, settings.spikeFactor, settings.spikeMinErrors),
    templates: lists,
    labels,
  };
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

const ratio = (part: number, whole: number): number =>
  whole === 0 ? 0 : Math.round((part / whole) * 10_000) / 10_000;

function countInOrder<K extends string>(
  entries: readonly LogEntry[],
  key: (entry: LogEntry) => K,
  order: readonly K[],
): Partial<Record<K, number>> {
  const counts = new Map<K, number>();
  for (const entry of entries) counts.set(key(entry), (counts.get(key(entry)) ?? 0) + 1);
  const result: Partial<Record<K, number>> = {};
  for (const name of order) {
    const count = counts.get(name);
    if (count !== undefined) result[name] = count;
  }
  return result;
}

/** The smallest readable width that keeps the series within `maxBuckets`. */
export function bucketWidth(spanMs: number, maxBuckets: number): number {
  const seconds = BUCKET_WIDTHS.find((w) => Math.ceil(spanMs / (w * 1000)) <= maxBuckets);
  return (seconds ?? Math.ceil(spanMs / maxBuckets / 1000)) * 1000;
}

/** Buckets aligned to the width (minutes start on the minute), covering `[from, to)`. */
function errorRateSeries(
  ordered: readonly LogEntry[],
  fromMs: number,
  toMs: number,
  width: number,
): ErrorRateBucket[] {
  const first = Math.floor(fromMs / width) * width;
  const count = Math.max(1, Math.ceil((toMs - first) / width));
  const totals = new Array<number>(count).fill(0);
  const errors = new Array<number>(count).fill(0);
  for (const entry of ordered) {
    const index = Math.floor((timestampMs(entry.timestamp) - first) / width);
    if (index < 0 || index >= count) continue;
    totals[index] = (totals[index] ?? 0) + 1;
    if (isError(entry.severity)) errors[index] = (errors[index] ?? 0) + 1;
  }
  return totals.map((entriesIn, i) => ({
    start: formatEpochMs(first + i * width),
    entries: entriesIn,
    errors: errors[i] ?? 0,
    rate: ratio(errors[i] ?? 0, entriesIn),
  }));
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const upper = sorted[mid] ?? 0;
  return sorted.length % 2 === 1 ? upper : ((sorted[mid - 1] ?? 0) + upper) / 2;
}

function findSpikes(
  series: readonly ErrorRateBucket[],
  width: number,
  factor: number,
  minErrors: number,
): Spike[] {
  const mid = median(series.map((b) => b.errors));
  const floor = Math.max(mid, 1);
  const isSpike = (b: ErrorRateBucket): boolean => b.errors >= minErrors && b.errors >= factor * floor;
  const spikes: Spike[] = [];
  let run: ErrorRateBucket[] = [];
  const close = (): void => {
    if (run.length === 0) return;
    const peak = Math.max(...run.map((b) => b.errors));
    const last = run.at(-1) as ErrorRateBucket;
    spikes.push({
      start: (run[0] as ErrorRateBucket).start,
      end: formatEpochMs(timestampMs(last.start) + width),
      errors: run.reduce((sum, b) => sum + b.errors, 0),
      peakErrors: peak,
      median: mid,
      factor: Math.round((peak / floor) * 10) / 10,
    });
    run = [];
  };
  for (const bucket of series) {
    if (isSpike(bucket)) run.push(bucket);
    else close();
  }
  close();
  const baseline = round2(mean(series.filter((b) => !isSpike(b)).map((b) => b.errors)));
  return spikes.map((spike) => ({ ...spike, baseline }));
}

const mean = (values: readonly number[]): number =>
  values.length === 0 ? 0 : values.reduce((sum, v) => sum + v, 0) / values.length;

const round2 = (value: number): number => Math.round(value * 100) / 100;

function templateLists(
  ordered: readonly LogEntry[],
  mined: MinedEntries,
  fromMs: number,
  toMs: number,
  top: number,
  topLabelCount: number,
): Digest['templates'] {
  const all = mined.templates.map(toDigest).sort(byCountThenId);
  const midpoint = formatEpochMs(fromMs + Math.floor((toMs - fromMs) / 2));
  const errorTemplates = all
    .filter((t) => t.errors > 0)
    .sort((a, b) => b.errors - a.errors || byCountThenId(a, b))
    .slice(0, top);
  const errorEntries = errorEntriesByTemplate(
    ordered,
    mined.assigned,
    new Set(errorTemplates.map((t) => t.id)),
  );
  for (const template of errorTemplates) {
    template.errorsBy = topLabels(errorEntries.get(template.id) ?? [], Math.min(2, topLabelCount));
  }
  return {
    distinct: all.length,
    top: all.slice(0, top),
    new: all.filter((t) => t.firstSeen !== undefined && t.firstSeen >= midpoint).slice(0, top),
    errors: errorTemplates,
  };
}

function toDigest(template: PatternTemplate): TemplateDigest {
  const errors = Object.entries(template.severities)
    .filter(([severity]) => isError(severity as Severity))
    .reduce((sum, [, count]) => sum + (count ?? 0), 0);
  const digest: TemplateDigest = {
    id: template.id,
    template: clip(template.template),
    count: template.count,
    errors,
    sources: template.sources,
  };
  if (template.firstSeen) digest.firstSeen = template.firstSeen;
  if (template.lastSeen) digest.lastSeen = template.lastSeen;
  const example = template.examples[0];
  if (example !== undefined && example !== template.template) digest.example = clip(example);
  if (template.variables)
    digest.variables = template.variables.map((v) => ({ ...v, top: v.top.slice(0, DIGEST_VALUES) }));
  return digest;
}

const byCountThenId = (a: TemplateDigest, b: TemplateDigest): number =>
  b.count - a.count || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

export function clip(text: string, max = MAX_DIGEST_TEXT): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= max ? flat : `${flat.slice(0, max - 1)}…`;
}

function errorEntriesByTemplate(
  ordered: readonly LogEntry[],
  assigned: readonly (string | undefined)[],
  wanted: ReadonlySet<string>,
): Map<string, LogEntry[]> {
  const groups = new Map<string, LogEntry[]>();
  ordered.forEach((entry, i) => {
    const id = assigned[i];
    if (id === undefined || !wanted.has(id) || !isError(entry.severity)) return;
    const list = groups.get(id);
    if (list) list.push(entry);
    else groups.set(id, [entry]);
  });
  return groups;
}

function topLabels(entries: readonly LogEntry[], top: number): Partial<Record<LabelGroup, LabelCount[]>> {
  const result: Partial<Record<LabelGroup, LabelCount[]>> = {};
  for (const [group, label] of Object.entries(LABEL_GROUPS) as [LabelGroup, string][]) {
    const counts = new Map<string, LabelCount>();
    for (const entry of entries) {
      const value = labelValue(entry.labels, label);
      if (value === undefined || value === '') continue;
      const count = counts.get(value) ?? { value, count: 0, errors: 0 };
      count.count += 1;
      if (isError(entry.severity)) count.errors += 1;
      counts.set(value, count);
    }
    if (counts.size === 0) continue;
    result[group] = [...counts.values()]
      .sort((a, b) => b.count - a.count || b.errors - a.errors || (a.value < b.value ? -1 : 1))
      .slice(0, top);
  }
  return result;
}
