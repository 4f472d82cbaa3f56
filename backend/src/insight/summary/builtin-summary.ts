import type { Timestamp } from '../../model/index.js';
import type { Digest, Spike, TemplateDigest } from '../digest.js';
import { concentration, podCheck, templateCheck } from './digest-checks.js';
import { checkLink, type GrafanaTarget } from './explore-links.js';
import { describeSpread, instantiate } from './spread.js';

export interface BuiltinSummaryOptions {
  focus?: string;
  /** The caller's Grafana: "check next" items become Explore links there. */
  grafana?: GrafanaTarget;
}

/**
 * The summary written without a model: the same three sections a model is asked for,
 * filled from the digest with fixed rules. Every number in it is a number of the digest.
 * A cause is a template, named once with the spread of its values (`across 8 symbols`),
 * never once per value.
 */
export function writeBuiltinSummary(digest: Digest, options: BuiltinSummaryOptions = {}): string {
  const time = timeFormatter(digest);
  return [
    section('What happened', whatHappened(digest, time, options.focus)),
    section('Likely causes', likelyCauses(digest, time)),
    section('What to check next', nextChecks(digest, time, options.grafana)),
  ].join('\n\n');
}

type TimeFormat = (timestamp: Timestamp) => string;

const section = (title: string, lines: string[]): string => `## ${title}\n\n${lines.join('\n')}`;

const n = (value: number): string => value.toLocaleString('en-US');
const percent = (rate: number): string => `${(rate * 100).toFixed(1)}%`;
const plural = (count: number, word: string): string => `${n(count)} ${word}${count === 1 ? '' : 's'}`;

/** Hours and minutes when the window lies within one UTC day, else the date too. */
function timeFormatter(digest: Digest): TimeFormat {
  const sameDay = digest.window.from.slice(0, 10) === digest.window.to.slice(0, 10);
  return (timestamp) =>
    sameDay ? timestamp.slice(11, 16) : `${timestamp.slice(0, 10)} ${timestamp.slice(11, 16)}`;
}

function listCounts(counts: Partial<Record<string, number>>): string {
  return Object.entries(counts)
    .map(([name, count]) => `${name} ${n(count ?? 0)}`)
    .join(', ');
}

function bucketName(seconds: number): string {
  if (seconds % 3600 === 0) return `${seconds / 3600}-hour`;
  if (seconds % 60 === 0) return `${seconds / 60}-minute`;
  return `${seconds}-second`;
}

function whatHappened(digest: Digest, time: TimeFormat, focus?: string): string[] {
  const { totals, window, input } = digest;
  const span = `Between ${time(window.from)} and ${time(window.to)} UTC`;
  if (totals.entries === 0) return [`${span} no entries matched the query.`];
  const lines = [
    `${span}, **${totals.entries === 1 ? '1 entry' : `${n(totals.entries)} entries`}** matched (${listCounts(digest.bySource)}): ` +
      `**${plural(totals.errors, 'error')}** (${percent(totals.errorRate)}) and ${plural(totals.warnings, 'warning')}.`,
  ];
  for (const spike of digest.spikes.slice(0, 3)) lines.push(describeSpike(spike, digest, time));
  if (digest.spikes.length === 0 && totals.errors > 0) {
    lines.push('The errors are spread over the window: no time bucket stands out from the median.');
  }
  const fresh = digest.templates.new[0];
  if (fresh) {
    lines.push(
      `${plural(digest.templates.new.length, 'template')} first appeared in the second half of the window, ` +
        `the most frequent \`${fresh.id}\` (${n(fresh.count)}×): \`${fresh.template}\`.`,
    );
  }
  if (input.truncated) lines.push(`Only the newest ${n(input.entries)} matching entries were read.`);
  if (input.partial) lines.push(`Some sources failed, so entries are missing: ${input.warnings.join('; ')}.`);
  if (focus)
    lines.push(
      `Asked focus: "${focus}" (this summary is built from the digest alone and covers the whole query).`,
    );
  return lines;
}

/**
 * A spike against what the rest of the window did: a ratio to a median of zero says
 * nothing, so the rest is told in errors and buckets, and a ratio only where the rest had
 * at least one error per bucket to compare with.
 */
function describeSpike(spike: Spike, digest: Digest, time: TimeFormat): string {
  const bucket = bucketName(digest.window.bucketSeconds);
  const inSpikes = digest.spikes.reduce((sum, s) => sum + s.errors, 0);
  const spikeBuckets = digest.errorRate.filter((b) =>
    digest.spikes.some((s) => b.start >= s.start && b.start < s.end),
  );
  const restErrors = digest.totals.errors - inSpikes;
  const restBuckets = digest.errorRate.length - spikeBuckets.length;
  const baseline = spike.baseline ?? spike.median;
  const against =
    restErrors <= 0
      ? 'while the rest of the window had no errors'
      : baseline >= 1
        ? `${decimal(spike.peakErrors / baseline)}× the ${decimal(baseline)} per bucket of the rest of the window`
        : `against ${plural(restErrors, 'error')} in the other ${plural(restBuckets, 'bucket')} of the window`;
  return (
    `**Error burst** from ${time(spike.start)} to ${time(spike.end)} UTC: ${plural(spike.errors, 'error')}, ` +
    `up to ${n(spike.peakErrors)} per ${bucket} bucket, ${against}.`
  );
}

const decimal = (value: number): string =>
  value.toLocaleString('en-US', { maximumFractionDigits: value < 1 ? 2 : 1 });

function insideSpike(template: TemplateDigest, spikes: readonly Spike[]): boolean {
  const first = template.firstSeen;
  return first !== undefined && spikes.some((s) => first >= s.start && first < s.end);
}

function likelyCauses(digest: Digest, time: TimeFormat): string[] {
  const errors = digest.templates.errors;
  if (errors.length === 0) return ['No errors in this window, so there is nothing to explain.'];
  const lines = errors.slice(0, 3).map((t) => describeCause(t, digest, time));
  const pod = concentration(digest.labels.pods, digest.totals.errors);
  if (pod)
    lines.push(`- Errors concentrate in pod ${pod.value}: ${n(pod.errors)} of ${n(digest.totals.errors)}.`);
  if (errors.length > 3)
    lines.push(`- ${plural(errors.length - 3, 'further error template')} in the digest.`);
  return lines;
}

/**
 * One cause, once: `36 errors: \`order submission failed for <*>: broker returned 503\` across
 * 8 symbols (TSLA 7, MSFT 6, META 5, …) between 05:10 and 05:25 UTC`. A variable with one
 * value is written into the template; the others are told by their spread.
 */
function describeCause(t: TemplateDigest, digest: Digest, time: TimeFormat): string {
  const share = t.errors === t.count ? '' : ` (of ${n(t.count)} lines)`;
  const spread = describeSpread(t);
  const seen =
    t.firstSeen && t.lastSeen
      ? t.firstSeen.slice(0, 16) === t.lastSeen.slice(0, 16)
        ? ` at ${time(t.firstSeen)} UTC`
        : ` between ${time(t.firstSeen)} and ${time(t.lastSeen)} UTC`
      : '';
  const burst = insideSpike(t, digest.spikes) ? ', first seen during the burst' : '';
  const sources = Object.keys(t.sources).join(', ');
  return `- **${plural(t.errors, 'error')}**${share}: \`${instantiate(t)}\`${spread ? ` ${spread}` : ''}${seen}${burst} (\`${t.id}\`, ${sources}).`;
}

/** A check's target: a Markdown link into Grafana's Explore, or the backend path as code. */
function linked(text: string, target: string, grafana: GrafanaTarget | undefined): string {
  return grafana ? `[${text}](${target})` : `${text}: \`${target}\``;
}

function nextChecks(digest: Digest, time: TimeFormat, grafana: GrafanaTarget | undefined): string[] {
  const lines: string[] = [];
  const leading = templateCheck(digest);
  const top = leading?.template;
  if (leading) {
    const link = checkLink(leading.check, grafana);
    lines.push(
      `- ${linked(`Read the ${plural(leading.template.count, 'line')} of \`${leading.template.id}\``, link, grafana)}.`,
    );
  }
  const spike = digest.spikes[0];
  if (spike) {
    lines.push(
      `- What changed around ${time(spike.start)} UTC: deployments, configuration, and the status of the broker and other dependencies.`,
    );
  }
  const pod = podCheck(digest);
  if (pod) {
    const link = checkLink(pod.check, grafana);
    lines.push(
      `- Pod ${pod.pod.value}: its restarts and ${linked("the previous container's log", link, grafana)}.`,
    );
  }
  const fresh = digest.templates.new.find((t) => t.id !== top?.id);
  if (fresh) lines.push(`- Whether the new template \`${fresh.id}\` (${n(fresh.count)}×) is expected.`);
  if (digest.input.truncated)
    lines.push(
      '- Narrow the query (time, source, severity) or raise `maxEntries`: the digest does not cover every match.',
    );
  if (digest.input.partial)
    lines.push('- Ask again once every source answers: the digest misses the failed sources.');
  if (lines.length === 0) lines.push('- Nothing stands out; no check is needed for this window.');
  return lines;
}
