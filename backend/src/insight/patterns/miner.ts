import { dropOldest } from './bounded.js';
import { Cluster, type LineMeta, type PatternTemplate } from './cluster.js';
import { PositionEvidence } from './evidence.js';
import { FreeTextPrefixes, freeTextStart } from './freetext.js';
import { WILDCARD, maskLine } from './masking.js';
import {
  generalize,
  guardedDifferences,
  needsEvidence,
  similarity,
  soleDifference,
  subsumes,
  wildcardOf,
} from './similarity.js';

export interface PatternMinerOptions {
  /** Share of agreeing positions a line needs to join a template; 0.6 unless set. */
  similarity?: number;
  /** Leading tokens that must agree exactly, as in a fixed-depth parse tree; 2 unless set. */
  depth?: number;
  /** Hard cap on live templates; past it the least recently seen one is evicted. 2000 unless set. */
  maxTemplates?: number;
  /**
   * Distinct values an upper-case word's position must show, among lines that agree
   * elsewhere, before it becomes a variable; 4 unless set. Constants that tell events
   * apart in one slot (methods, levels, a state) rarely number more than three.
   */
  minDistinct?: number;
}

export interface MinerStats {
  lines: number;
  templates: number;
  evictedTemplates: number;
  evictedLines: number;
}

const DEFAULTS = { similarity: 0.6, depth: 2, maxTemplates: 2000, minDistinct: 4 } as const;

/** Masked forms remembered per allowed template: enough for the usual spread of spellings. */
const KEYS_PER_TEMPLATE = 16;

/** Longer lines and shapes are not cached, so the caches' memory stays bounded too. */
const MAX_CACHED_LENGTH = 512;

/**
 * An online template miner in the manner of Drain: lines are masked, bucketed by length
 * and leading tokens (a fixed-depth parse tree flattened into one map), and join the most
 * similar template of their bucket or start a new one.
 *
 * Three additions keep it stable on endless streams: `<*>` counts as agreement, so lines
 * rejoin the template that generalized for them; a template that generalizes swallows the
 * templates of its bucket it now covers; and the number of templates is capped, evicting
 * the least recently seen. A cache from masked line to template makes repeated shapes
 * (the bulk of any log) cost one map lookup after masking.
 *
 * Variables come from evidence, not spelling. Upper-case words (states, methods, but also
 * tickers and exchange codes) do not vary on first difference: lines that differ in one
 * become sibling templates, and the position turns into a variable once it has shown
 * enough distinct values among lines equal elsewhere (`PositionEvidence`), the siblings
 * merging into the general template; a word with fewer values joins when each of its
 * values spans the same proven variable (`joinOrthogonal`). A prefix followed by prose
 * becomes one template whatever the prose's length (`FreeTextPrefixes`).
 */
export class PatternMiner {
  private readonly threshold: number;
  private readonly depth: number;
  private readonly maxTemplates: number;
  /** Exact lines seen before: repeats skip masking altogether. */
  private readonly byLine = new Map<string, Cluster>();
  /** Masked forms seen before: lines of a known shape skip the bucket search. */
  private readonly byShape = new Map<string, Cluster>();
  private readonly buckets = new Map<string, Cluster[]>();
  private readonly live = new Map<string, Cluster>();
  /** Ids of templates merged into others, to where they went. */
  private readonly merged = new Map<string, string>();
  private readonly evidence: PositionEvidence;
  private readonly freeText: FreeTextPrefixes;
  private lines = 0;
  private evictedTemplates = 0;
  private evictedLines = 0;

  constructor(options: PatternMinerOptions = {}) {
    this.threshold = options.similarity ?? DEFAULTS.similarity;
    this.depth = options.depth ?? DEFAULTS.depth;
    this.maxTemplates = Math.max(1, options.maxTemplates ?? DEFAULTS.maxTemplates);
    const minDistinct = Math.max(2, options.minDistinct ?? DEFAULTS.minDistinct);
    this.evidence = new PositionEvidence(minDistinct, this.maxTemplates * 4);
    this.freeText = new FreeTextPrefixes(this.maxTemplates);
  }

  /** Mines one line and returns the id of the template it joined. */
  add(message: string, meta?: LineMeta): string {
    const repeated = this.byLine.get(message);
    const cluster = repeated?.alive ? repeated : this.classify(message);
    cluster.record(message, meta, ++this.lines);
    return cluster.id;
  }

  /**
   * The live template that now holds the lines once given `id`: the same id, the id of
   * the template it was merged into, or undefined when it was evicted.
   */
  resolve(id: string): string | undefined {
    let current = id;
    for (let hops = 0; hops <= this.merged.size; hops++) {
      const next = this.merged.get(current);
      if (next === undefined) break;
      current = next;
    }
    return this.live.has(current) ? current : undefined;
  }

  /** Every live template, most frequent first (ties in order of creation). */
  templates(): PatternTemplate[] {
    return [...this.live.values()].map((cluster) => cluster.snapshot()).sort((a, b) => b.count - a.count);
  }

  stats(): MinerStats {
    const { lines, evictedTemplates, evictedLines } = this;
    return { lines, templates: this.live.size, evictedTemplates, evictedLines };
  }

  private classify(message: string): Cluster {
    const tokens = maskLine(message);
    const shape = tokens.join(' ');
    const known = this.byShape.get(shape);
    const cluster = known?.alive ? known : this.place(tokens, shape);
    remember(this.byLine, message, cluster, this.maxTemplates * KEYS_PER_TEMPLATE);
    return cluster;
  }

  private place(tokens: string[], shape: string): Cluster {
    const cluster = this.placeFreeText(tokens, shape) ?? this.placeStructured(tokens, shape);
    remember(this.byShape, shape, cluster, this.maxTemplates * KEYS_PER_TEMPLATE);
    return cluster;
  }

  private placeStructured(tokens: string[], shape: string): Cluster {
    const bucket = this.bucketOf(tokens);
    const best =
      this.search(tokens, bucket) ?? (this.foldLeading(tokens) ? this.search(tokens, bucket) : undefined);
    if (!best) return this.create(tokens, shape, bucket);
    if (generalize(best.tokens, tokens)) this.mergeCovered(best, this.buckets.get(best.bucket) ?? []);
    return best;
  }

  /**
   * Lines that end in free text, whatever its length, join the template of their prefix
   * once that prefix has proven to be followed by free text (see `FreeTextPrefixes`): the
   * templates its lines started until then fold into `prefix <*>`.
   */
  private placeFreeText(tokens: string[], shape: string): Cluster | undefined {
    const start = freeTextStart(tokens, 1);
    if (start < 0) return undefined;
    const prefixTokens = tokens.slice(0, start);
    const prefix = prefixTokens.join(' ');
    const known = this.freeTextTemplate(prefix) ?? this.coveredFreeText(prefix);
    if (known) return known;
    const cluster = this.placeStructured(tokens, shape);
    const family =
      cluster.count === 0 ? this.freeText.started(prefix, cluster, tokens.length - start) : undefined;
    if (!family) return cluster;
    // The folded template is placed like a line: it may join (or prove a variable with) the
    // templates other prefixes folded into, such as one per strategy before the free text.
    const folded = [...prefixTokens, WILDCARD];
    const general = this.placeStructured(folded, folded.join(' '));
    for (const member of family) if (member.alive && member !== general) this.absorbInto(general, member);
    this.freeText.fold(prefix, general);
    // Prefixes still under watch that the template now covers join it with their lines.
    for (const covered of this.freeText.watchedUnder(general.tokens)) this.coveredFreeText(covered, general);
    return general;
  }

  /**
   * A prefix not yet proven to be followed by free text whose folded form another prefix's
   * template covers at a proven variable (a strategy seen too rarely to prove its own free
   * text, beside others that did): it joins that template, with the lines it started.
   */
  private coveredFreeText(prefix: string, known?: Cluster): Cluster | undefined {
    const folded = [...prefix.split(' '), WILDCARD];
    const cover = known ?? this.searchFolded(folded);
    if (!cover || !subsumes(cover.tokens, folded)) return undefined;
    for (const member of this.freeText.forget(prefix)) if (member.alive) this.absorbInto(cover, member);
    this.freeText.fold(prefix, cover);
    return cover;
  }

  /** The live template of a prefix known to be followed by free text, wherever it was merged. */
  private freeTextTemplate(prefix: string): Cluster | undefined {
    const folded = this.freeText.templateOf(prefix);
    if (!folded || folded.alive) return folded;
    const id = this.resolve(folded.id);
    return id === undefined ? undefined : this.live.get(id);
  }

  private search(tokens: readonly string[], bucket: string): Cluster | undefined {
    const list = this.buckets.get(bucket);
    return (list && (this.closest(list, tokens) ?? this.promote(list, tokens))) ?? this.searchFolded(tokens);
  }

  private searchFolded(tokens: readonly string[]): Cluster | undefined {
    const depth = Math.min(this.depth, tokens.length);
    for (let i = 0; i < depth; i++) {
      const token = tokens[i] as string;
      if (token.includes(WILDCARD)) continue;
      // Across a leading word only where that position is a proven variable: a lower-case
      // word that was never shown to vary still tells events apart, as in Drain's tree.
      const list = this.buckets
        .get(this.bucketOf(tokens, i))
        ?.filter((cluster) => needsEvidence(token) || cluster.proven.has(i));
      const found = list && this.closest(list, tokens);
      if (found) return found;
    }
    return undefined;
  }

  /** Length, then the leading tokens, variables (and the `folded` position) as `<*>`. */
  private bucketOf(tokens: readonly string[], folded = -1): string {
    let bucket = String(tokens.length);
    const depth = Math.min(this.depth, tokens.length);
    for (let i = 0; i < depth; i++) {
      const token = tokens[i] as string;
      bucket += ' ' + (i === folded || token.includes(WILDCARD) ? WILDCARD : token);
    }
    return bucket;
  }

  /**
   * Leading tokens choose the bucket, so lines that differ there are never compared: an
   * upper-case variable up front (`position AAPL qty=…`, `BUY 10 MSFT @ …`) would split its
   * event once per value. A line that starts a new template is evidence about each leading
   * upper-case word, counted among the lines equal to it everywhere else; once one has
   * shown enough distinct values, the templates of those lines merge into one with a
   * variable there, filed under a bucket key with `<*>` at that position. Lower-case
   * leading words stay constants, as in Drain's parse tree. True when a position was folded.
   */
  private foldLeading(tokens: readonly string[]): boolean {
    const depth = Math.min(this.depth, tokens.length);
    for (let i = 0; i < depth; i++) {
      const token = tokens[i] as string;
      if (!mayFold(token, i) || !this.evidence.observe(tokens, i, token)) continue;
      const family = [...this.live.values()].filter(
        (cluster) => cluster.tokens.length === tokens.length && soleDifference(cluster.tokens, tokens) === i,
      );
      const [first, ...rest] = family;
      if (!first) continue;
      this.vary(first, i);
      for (const other of rest) this.absorbInto(first, other);
      return true;
    }
    return false;
  }

  /** The most similar template above the threshold; the oldest wins a tie. */
  private closest(list: readonly Cluster[], tokens: readonly string[]): Cluster | undefined {
    let best: Cluster | undefined;
    let bestScore = this.threshold;
    for (const cluster of list) {
      const score = similarity(cluster.tokens, tokens);
      if (score > bestScore || (score === bestScore && !best)) {
        best = cluster;
        bestScore = score;
      }
    }
    return best;
  }

  /**
   * A line kept apart from a template only by one upper-case word is evidence about that
   * position, for every template of the bucket it differs from so. Once a position has
   * shown enough distinct values its template takes the line, and generalizing there
   * merges the siblings it now covers.
   */
  private promote(list: readonly Cluster[], tokens: readonly string[]): Cluster | undefined {
    for (const cluster of list) {
      const positions = guardedDifferences(cluster.tokens, tokens, this.threshold);
      if (!positions) continue;
      const values = positions.map((position) => tokens[position] as string);
      if (this.evidence.observeAll(cluster.tokens, positions, values)) return this.prove(cluster, positions);
    }
    return undefined;
  }

  /** Makes `positions` variables of `cluster`; returns the template that now holds its lines. */
  private prove(cluster: Cluster, positions: readonly number[]): Cluster | undefined {
    for (const position of positions) if (cluster.alive) this.vary(cluster, position);
    if (positions.length === 1) this.joinOrthogonal(cluster, positions[0] as number);
    const survivor = this.survivorOf(cluster);
    // A template that just took its general form is evidence about its leading words, as a
    // line is: one per strategy before a universe and an exchange that vary on every line.
    if (survivor && this.foldLeading(survivor.tokens)) return this.survivorOf(survivor);
    return survivor;
  }

  private survivorOf(cluster: Cluster): Cluster | undefined {
    const id = this.resolve(cluster.id);
    return id === undefined ? undefined : this.live.get(id);
  }

  /**
   * Turns a position of a template into a proven variable, moving the template to the
   * bucket its new key names (when the position is a leading one) and merging the
   * templates of that bucket it now covers.
   */
  private vary(cluster: Cluster, position: number): void {
    const token = cluster.tokens[position] as string;
    // The word's own wrapping punctuation stays: its siblings share it (`TSLA:`, `MSFT:` → `<*>:`).
    cluster.tokens[position] = token.includes(WILDCARD) ? WILDCARD : wildcardOf(token, token);
    cluster.proven.add(position);
    const target = this.bucketOf(cluster.tokens);
    if (target !== cluster.bucket) {
      this.unlist(cluster);
      cluster.bucket = target;
      this.list(cluster);
    }
    // A leading variable spans buckets: the templates it covers may sit under any of its values.
    const covered =
      position < this.depth
        ? [...this.live.values()].filter((other) => other.tokens.length === cluster.tokens.length)
        : (this.buckets.get(cluster.bucket) ?? []);
    this.mergeCovered(cluster, covered);
  }

  /**
   * Two templates equal but for one upper-case word, each of which has proven the same
   * other position a variable (`order submitted BUY <*>` and `order submitted SELL <*>`
   * over many tickers): were that word a constant, the developer would have written one
   * statement per combination of its values and the variable's. That is implausible, so
   * the word is a variable of the same statement, however few its values (a side, a
   * direction). Templates whose variable positions were never proven are left alone.
   */
  private joinOrthogonal(cluster: Cluster, proven: number): void {
    for (const other of this.live.values()) {
      if (other === cluster || !other.proven.has(proven) || other.tokens.length !== cluster.tokens.length)
        continue;
      const position = soleDifference(cluster.tokens, other.tokens);
      if (position < 0) continue;
      if (
        !needsEvidence(cluster.tokens[position] as string) ||
        !needsEvidence(other.tokens[position] as string)
      )
        continue;
      this.vary(cluster, position);
      if (other.alive) this.absorbInto(cluster, other);
      return;
    }
  }

  private create(tokens: readonly string[], shape: string, bucket: string): Cluster {
    if (this.live.size >= this.maxTemplates) this.evictStalest();
    const cluster = new Cluster(this.newId(shape), [...tokens], bucket);
    this.list(cluster);
    this.live.set(cluster.id, cluster);
    return cluster;
  }

  /** Files a template under its bucket. */
  private list(cluster: Cluster): void {
    const list = this.buckets.get(cluster.bucket);
    if (list) list.push(cluster);
    else this.buckets.set(cluster.bucket, [cluster]);
  }

  /** Takes a template out of its bucket, dropping the bucket when it empties. */
  private unlist(cluster: Cluster): void {
    const list = this.buckets.get(cluster.bucket);
    if (!list) return;
    const index = list.indexOf(cluster);
    if (index >= 0) list.splice(index, 1);
    if (list.length === 0) this.buckets.delete(cluster.bucket);
  }

  /** `general` takes over the lines of `other`, whose id now resolves to it. */
  private absorbInto(general: Cluster, other: Cluster): void {
    general.absorb(other);
    this.unlist(other);
    this.live.delete(other.id);
    this.merged.set(other.id, general.id);
    this.forgetOldMerges();
  }

  /**
   * A template that just gained a variable may now cover others of its bucket (which were
   * created before the variable was known); they merge into it so one event stays one
   * template.
   */
  private mergeCovered(general: Cluster, list: Cluster[]): void {
    for (const other of [...list]) {
      if (other !== general && subsumes(general.tokens, other.tokens)) this.absorbInto(general, other);
    }
  }

  private evictStalest(): void {
    let stalest: Cluster | undefined;
    for (const cluster of this.live.values()) {
      if (!stalest || cluster.touched < stalest.touched) stalest = cluster;
    }
    if (!stalest) return;
    stalest.alive = false;
    this.live.delete(stalest.id);
    this.unlist(stalest);
    this.evictedTemplates++;
    this.evictedLines += stalest.count;
  }

  private forgetOldMerges(): void {
    const limit = this.maxTemplates * 4;
    if (this.merged.size > limit) dropOldest(this.merged, this.merged.size - limit);
  }

  /**
   * A hash of the first line's masked form: the same input order gives the same ids, and
   * a template that returns after eviction gets its old id back. Collisions take a suffix.
   */
  private newId(shape: string): string {
    const base = `p${fnv1a(shape)}`;
    let id = base;
    for (let n = 2; this.live.has(id) || this.merged.has(id); n++) id = `${base}-${n}`;
    return id;
  }
}

/**
 * Leading words that may become variables on evidence: upper-case ones anywhere (tickers,
 * exchange codes, sides), and any word after the first (`strategy momentum …`, `container
 * trader …`). A lower-case first word is how a statement starts (`tickTime set to …`,
 * `maxSessionTimeout set to …` are separate statements), so it stays a constant, as in
 * Drain's parse tree.
 */
function mayFold(token: string, position: number): boolean {
  return !token.includes(WILDCARD) && (position > 0 || needsEvidence(token));
}

/** Caches are bounded too: past its limit a cache drops its oldest quarter. */
function remember<V>(cache: Map<string, V>, key: string, value: V, limit: number): void {
  if (key.length > MAX_CACHED_LENGTH) return;
  if (cache.size >= limit) dropOldest(cache, Math.ceil(limit / 4));
  cache.set(key, value);
}

/** 32-bit FNV-1a, as eight hex digits. */
function fnv1a(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0).toString(16).padStart(8, '0');
}
