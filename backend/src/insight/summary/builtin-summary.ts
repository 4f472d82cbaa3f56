import type { Timestamp } from '../../model/index.js';
import type { Digest, LabelCount, LabelGroup, Spike, TemplateDigest } from '../digest.js';

/**
 * The summary written without a model: the same three sections a model is asked for,
 * filled from the digest with fixed rules. Every number in it is a number of the digest.
 */
export function writeBuiltinSummary(digest: Digest, focus?: string): string {
  const time = timeFormatter(digest);
  return [
    section('What happened', whatHappened(digest, time, focus)),
    section('Likely causes', likelyCauses(digest, time)),
    section('What to check next', nextChecks(digest, time)),
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

function describeSpike(spike: Spike, digest: Digest, time: TimeFormat): string {
  return (
    `**Error burst** from ${time(spike.start)} to ${time(spike.end)} UTC: ${plural(spike.errors, 'error')}, ` +
    `up to ${n(spike.peakErrors)} per ${bucketName(digest.window.bucketSeconds)} bucket — ` +
    `${spike.factor}× the window's median of ${n(spike.median)} per bucket.`
  );
}

const GROUP_NAMES: Record<LabelGroup, string> = {
  pods: 'pod',
  containers: 'container',
  symbols: 'symbol',
  strategies: 'strategy',
  collections: 'collection',
};

function whereErrors(template: TemplateDigest): string {
  const parts = (Object.entries(template.errorsBy ?? {}) as [LabelGroup, LabelCount[]][])
    .filter(([group]) => group !== 'containers')
    .map(([group, counts]) => {
      const top = counts[0];
      return top ? `${GROUP_NAMES[group]} ${top.value} (${n(top.errors)})` : '';
    })
    .filter(Boolean);
  return parts.length > 0 ? `; most in ${parts.join(', ')}` : '';
}

function insideSpike(template: TemplateDigest, spikes: readonly Spike[]): boolean {
  const first = template.firstSeen;
  return first !== undefined && spikes.some((s) => first >= s.start && first < s.end);
}

function likelyCauses(digest: Digest, time: TimeFormat): string[] {
  const errors = digest.templates.errors;
  if (errors.length === 0) return ['No errors in this window, so there is nothing to explain.'];
  const lines = errors.slice(0, 3).map((t) => {
    const share = t.errors === t.count ? '' : ` of ${n(t.count)} lines`;
    const seen = t.firstSeen && t.lastSeen ? `, ${time(t.firstSeen)}–${time(t.lastSeen)} UTC` : '';
    const burst = insideSpike(t, digest.spikes) ? ', first seen during the burst' : '';
    return `- \`${t.id}\` — ${plural(t.errors, 'error')}${share} from ${Object.keys(t.sources).join(', ')}${seen}${burst}${whereErrors(t)}: \`${t.template}\``;
  });
  const pod = concentration(digest.labels.pods, digest.totals.errors);
  if (pod)
    lines.push(`- Errors concentrate in pod ${pod.value}: ${n(pod.errors)} of ${n(digest.totals.errors)}.`);
  if (errors.length > 3)
    lines.push(`- ${plural(errors.length - 3, 'further error template')} in the digest.`);
  return lines;
}

/** The label value holding at least half the errors, if any. */
function concentration(counts: LabelCount[] | undefined, errors: number): LabelCount | undefined {
  const top = [...(counts ?? [])].sort((a, b) => b.errors - a.errors)[0];
  return top && errors > 0 && top.errors * 2 >= errors ? top : undefined;
}

/** The longest literal run of a template: a search term that finds its lines. */
export function searchTermOf(template: string): string {
  const runs = template.split('<*>').map((run) => run.trim());
  return runs.reduce((best, run) => (run.length > best.length ? run : best), '');
}

function nextChecks(digest: Digest, time: TimeFormat): string[] {
  const lines: string[] = [];
  const top = digest.templates.errors[0];
  if (top) {
    const term = encodeURIComponent(searchTermOf(top.template).slice(0, 80));
    lines.push(
      `- Read the lines of \`${top.id}\`: \`/logs?minSeverity=ERROR&search=${term}&from=${digest.window.from}&to=${digest.window.to}\`.`,
    );
  }
  const spike = digest.spikes[0];
  if (spike) {
    lines.push(
      `- What changed around ${time(spike.start)} UTC: deployments, configuration, and the status of the broker and other dependencies.`,
    );
  }
  const pod = concentration(digest.labels.pods, digest.totals.errors);
  if (pod) {
    lines.push(
      `- Pod ${pod.value}: its restarts and the previous container's log (\`/logs/pods?pod=${pod.value}&previous=true\`).`,
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
