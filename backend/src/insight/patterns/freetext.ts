import { dropOldest } from './bounded.js';
import type { Cluster } from './cluster.js';
import { WILDCARD } from './masking.js';
import { fits } from './similarity.js';

/** A free-text tail is a sentence or more: at least this many words. */
export const MIN_FREE_TEXT_WORDS = 6;

/**
 * Lines with the same prefix, each of which started a template of its own and gathered no
 * second line, before the prefix is judged to be followed by free text. Constant messages
 * behind a shared prefix repeat and so gather lines; prose (a model's rationale) does not.
 */
const FREE_TEXT_EVIDENCE = 8;

/** Templates watched per prefix, long tails and short ones together. */
const MAX_WATCHED = 4 * FREE_TEXT_EVIDENCE;

/**
 * Where the free-text tail of a line starts, or -1 when it has none: the tail is the
 * longest run of plain words ending the line (masked numbers included), after its first
 * label (`rationale:`) if it has one, and it needs a prefix holding a variable before it. `minWords` is lower
 * once a prefix is known to be followed by free text: a short sentence is free text too. Drain compares lines
 * of the same length position by position, so prose after a fixed prefix (`reflection on
 * ord-1: The momentum signal…`) would otherwise make one template per line.
 */
export function freeTextStart(tokens: readonly string[], minWords = MIN_FREE_TEXT_WORDS): number {
  let start = tokens.length;
  while (start > 0 && isPlainWord(tokens[start - 1] as string)) start--;
  for (let i = start; i < tokens.length - minWords; i++) {
    if ((tokens[i] as string).endsWith(':')) {
      start = i + 1;
      break;
    }
  }
  if (tokens.length - start < minWords || !hasVariable(tokens, start)) return -1;
  return start;
}

/**
 * Free text follows formatted context (`reflection on {order}: {text}`): a prefix of
 * words alone (`kernel:`) more often tags many statements, each its own event.
 */
function hasVariable(tokens: readonly string[], end: number): boolean {
  for (let i = 0; i < end; i++) if ((tokens[i] as string).includes(WILDCARD)) return true;
  return false;
}

/** A word of prose: letters with inner `'` `-` `.`, wrapping punctuation, or a masked number. */
function isPlainWord(token: string): boolean {
  if (token.startsWith(WILDCARD)) return /^<\*>[%,.;!?)]*$/.test(token);
  return PLAIN_WORD.test(token);
}

const PLAIN_WORD = /^[("'[]?[A-Za-z][A-Za-z'.-]*[,.;:!?)"'\]]*$/;

interface Watched {
  cluster: Cluster;
  long: boolean;
}

/**
 * Gathers, per prefix, the templates that lines with a free-text tail started, and names
 * the prefixes proven to be followed by free text, with the one template that holds them.
 * Bounded: at most `limit` prefixes under watch and as many folded, oldest forgotten first.
 */
export class FreeTextPrefixes {
  private readonly watched = new Map<string, Watched[]>();
  private readonly folded = new Map<string, Cluster>();

  constructor(private readonly limit: number) {}

  /** The template a prefix proven to be followed by free text was folded into (it may since have merged). */
  templateOf(prefix: string): Cluster | undefined {
    return this.folded.get(prefix);
  }

  /**
   * Records a template just started by a line with this prefix and a tail of `words`
   * plain words; returns the templates to fold into one once the evidence is there. Only
   * long tails count as evidence, but short ones fold with them: a rationale may be brief.
   */
  started(prefix: string, cluster: Cluster, words: number): Cluster[] | undefined {
    const family = (this.watched.get(prefix) ?? []).filter(
      ({ cluster: member }) => member.alive && member.count <= 1,
    );
    family.push({ cluster, long: words >= MIN_FREE_TEXT_WORDS });
    // Short tails alone are no evidence: keep only the latest few of them.
    if (family.length > MAX_WATCHED)
      family.splice(
        family.findIndex((member) => !member.long),
        1,
      );
    if (family.filter((member) => member.long).length < FREE_TEXT_EVIDENCE) {
      this.keep(this.watched, prefix, family);
      return undefined;
    }
    this.watched.delete(prefix);
    return family.map((member) => member.cluster);
  }

  /** Prefixes under watch whose folded form (`prefix <*>`) a template of that length covers. */
  watchedUnder(template: readonly string[]): string[] {
    const covered: string[] = [];
    for (const prefix of this.watched.keys()) {
      const words = prefix.split(' ');
      if (words.length !== template.length - 1) continue;
      if (words.every((word, i) => fits(template[i] as string, word))) covered.push(prefix);
    }
    return covered;
  }

  /** Stops watching a prefix; returns the templates its lines started. */
  forget(prefix: string): Cluster[] {
    const family = this.watched.get(prefix) ?? [];
    this.watched.delete(prefix);
    return family.map((member) => member.cluster);
  }

  fold(prefix: string, cluster: Cluster): void {
    this.keep(this.folded, prefix, cluster);
  }

  private keep<V>(map: Map<string, V>, prefix: string, value: V): void {
    if (!map.has(prefix) && map.size >= this.limit) dropOldest(map, Math.ceil(this.limit / 4));
    map.set(prefix, value);
  }
}
