import type { Digest, LabelCount, TemplateDigest } from '../digest.js';
import { checkLink, templateQuery, type CheckQuery, type GrafanaTarget } from './explore-links.js';

/**
 * The "check next" items of a digest that point at logs: the lines of the leading error
 * template and the previous container of the pod holding most errors. Every summary links
 * these, whoever wrote its text, so a link always reads lines the digest counted.
 */

/** The label value holding at least half the errors, if any. */
export function concentration(counts: LabelCount[] | undefined, errors: number): LabelCount | undefined {
  const top = [...(counts ?? [])].sort((a, b) => b.errors - a.errors)[0];
  return top && errors > 0 && top.errors * 2 >= errors ? top : undefined;
}

/** A template clipped for the digest ends in `…`: the rest of its text is any text. */
const unclipped = (template: string): string =>
  template.endsWith('…') ? `${template.slice(0, -1)}<*>` : template;

const window = (digest: Digest): Pick<CheckQuery, 'from' | 'to'> => digest.window;

/** The lines of the leading error template, over the digest's window. */
export function templateCheck(digest: Digest): { template: TemplateDigest; check: CheckQuery } | undefined {
  const template = digest.templates.errors[0];
  if (!template) return undefined;
  return { template, check: { query: templateQuery(unclipped(template.template)), ...window(digest) } };
}

/** The previous container's log of the pod holding at least half the errors. */
export function podCheck(digest: Digest): { pod: LabelCount; check: CheckQuery } | undefined {
  const pod = concentration(digest.labels.pods, digest.totals.errors);
  if (!pod) return undefined;
  return { pod, check: { query: { source: 'pods', pods: pod.value, previous: true }, ...window(digest) } };
}

const n = (value: number): string => value.toLocaleString('en-US');

/**
 * The digest's checks as Markdown links into the caller's Grafana Explore, to follow a
 * summary a model wrote: its text may name them, but the links come from here. Empty when
 * there is nothing to link.
 */
export function exploreLinksSection(digest: Digest, grafana: GrafanaTarget): string {
  const links: string[] = [];
  const top = templateCheck(digest);
  if (top) {
    const { template, check } = top;
    const lines = `${n(template.count)} line${template.count === 1 ? '' : 's'}`;
    links.push(`- [Read the ${lines} of \`${template.id}\`](${checkLink(check, grafana)})`);
  }
  const pod = podCheck(digest);
  if (pod)
    links.push(`- [Pod ${pod.pod.value}: the previous container's log](${checkLink(pod.check, grafana)})`);
  return links.length === 0 ? '' : `\n\nOpen in Grafana Explore:\n\n${links.join('\n')}`;
}
