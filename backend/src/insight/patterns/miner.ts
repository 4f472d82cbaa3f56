import { Cluster, type LineMeta, type PatternTemplate } from './cluster.js';
import { WILDCARD, maskLine } from './masking.js';
import { generalize, similarity, subsumes } from './similarity.js';

export interface PatternMinerOptions {
  /** Share of agreeing positions a line needs to join a template; 0.6 unless set. */
  similarity?: number;
  /** Leading tokens that must agree exactly, as in a fixed-depth parse tree; 2 unless set. */
  depth?: number;
  /** Hard cap on live templates; past it the least recently seen one is evicted. 2000 unless set. */
  maxTemplates?: number;
}

export interface MinerStats {
  lines: number;
  templates: number;
  evictedTemplates: number;
  evictedLines: number;
}

const DEFAULTS = { similarity: 0.6, depth: 2, maxTemplates: 2000 } as const;

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
  private lines = 0;
  private evictedTemplates = 0;
  private evictedLines = 0;

  constructor(options: PatternMinerOptions = {}) {
    this.threshold = options.similarity ?? DEFAULTS.similarity;
    this.depth = options.depth ?? DEFAULTS.depth;
    this.maxTemplates = Math.max(1, options.maxTemplates ?? DEFAULTS.maxTemplates);
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
    const bucket = this.bucketOf(tokens);
    const list = this.buckets.get(bucket);
    const best = list && this.closest(list, tokens);
    const cluster = best ?? this.create(tokens, shape, bucket);
    if (best && list && generalize(best.tokens, tokens)) this.mergeCovered(best, list);
    remember(this.byShape, shape, cluster, this.maxTemplates * KEYS_PER_TEMPLATE);
    return cluster;
  }

  /** Length, then the leading tokens, variables folded into `<*>`. */
  private bucketOf(tokens: readonly string[]): string {
    let bucket = String(tokens.length);
    const depth = Math.min(this.depth, tokens.length);
    for (let i = 0; i < depth; i++) {
      const token = tokens[i] as string;
      bucket += ' ' + (token.includes(WILDCARD) ? WILDCARD : token);
    }
    return bucket;
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

  private create(tokens: readonly string[], shape: string, bucket: string): Cluster {
    if (this.live.size >= this.maxTemplates) this.evictStalest();
    const cluster = new Cluster(this.newId(shape), [...tokens], bucket);
    const list = this.buckets.get(bucket);
    if (list) list.push(cluster);
    else this.buckets.set(bucket, [cluster]);
    this.live.set(cluster.id, cluster);
    return cluster;
  }

  /**
   * A template that just gained a variable may now cover others of its bucket (which were
   * created before the variable was known); they merge into it so one event stays one
   * template.
   */
  private mergeCovered(general: Cluster, list: Cluster[]): void {
    for (let i = list.length - 1; i >= 0; i--) {
      const other = list[i] as Cluster;
      if (other === general || !subsumes(general.tokens, other.tokens)) continue;
      general.absorb(other);
      list.splice(i, 1);
      this.live.delete(other.id);
      this.merged.set(other.id, general.id);
    }
    this.forgetOldMerges();
  }

  private evictStalest(): void {
    let stalest: Cluster | undefined;
    for (const cluster of this.live.values()) {
      if (!stalest || cluster.touched < stalest.touched) stalest = cluster;
    }
    if (!stalest) return;
    stalest.alive = false;
    this.live.delete(stalest.id);
    const list = this.buckets.get(stalest.bucket) ?? [];
    list.splice(list.indexOf(stalest), 1);
    if (list.length === 0) this.buckets.delete(stalest.bucket);
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

/** Caches are bounded too: past its limit a cache drops its oldest quarter. */
function remember(cache: Map<string, Cluster>, key: string, cluster: Cluster, limit: number): void {
  if (key.length > MAX_CACHED_LENGTH) return;
  if (cache.size >= limit) dropOldest(cache, Math.ceil(limit / 4));
  cache.set(key, cluster);
}

function dropOldest<K, V>(map: Map<K, V>, count: number): void {
  let left = count;
  for (const key of map.keys()) {
    if (left-- <= 0) break;
    map.delete(key);
  }
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
