import type { PatternTemplate } from '@gpt-runner-logs/contract';
import type { Severity, SourceName, Timestamp } from '../../model/index.js';

/** What is known about one line besides its text; every field is optional. */
export interface LineMeta {
  timestamp?: Timestamp;
  severity?: Severity;
  source?: SourceName;
}

/** A mined pattern and the statistics of the lines it grouped, as `/logs/patterns` sends it. */
export type { PatternTemplate };

export const MAX_EXAMPLES = 3;

/** Examples are cut to this many characters: a template must not hold on to huge lines. */
export const MAX_EXAMPLE_LENGTH = 1000;

/** A template being mined: its tokens change as lines generalize it. */
export class Cluster {
  count = 0;
  alive = true;
  /** Positions that became variables on the evidence of their values (`PositionEvidence`). */
  readonly proven = new Set<number>();
  /** Position of the latest line in the miner's stream, for least-recently-seen eviction. */
  touched = 0;
  private firstSeen: Timestamp | undefined;
  private lastSeen: Timestamp | undefined;
  private readonly severities: Partial<Record<Severity, number>> = {};
  private readonly sources: Partial<Record<SourceName, number>> = {};
  private readonly examples: string[] = [];

  constructor(
    readonly id: string,
    readonly tokens: string[],
    public bucket: string,
  ) {}

  record(message: string, meta: LineMeta | undefined, position: number): void {
    this.count++;
    this.touched = position;
    if (this.examples.length < MAX_EXAMPLES) this.addExample(clip(message));
    if (!meta) return;
    const { timestamp, severity, source } = meta;
    if (timestamp !== undefined) this.seen(timestamp, timestamp);
    if (severity !== undefined) this.severities[severity] = (this.severities[severity] ?? 0) + 1;
    if (source !== undefined) this.sources[source] = (this.sources[source] ?? 0) + 1;
  }

  /** Takes over the lines and statistics of a cluster this one now covers. */
  absorb(other: Cluster): void {
    this.count += other.count;
    this.touched = Math.max(this.touched, other.touched);
    if (other.firstSeen !== undefined && other.lastSeen !== undefined)
      this.seen(other.firstSeen, other.lastSeen);
    addCounts(this.severities, other.severities);
    addCounts(this.sources, other.sources);
    for (const example of other.examples) this.addExample(example);
    other.alive = false;
  }

  private addExample(example: string): void {
    if (this.examples.length < MAX_EXAMPLES && !this.examples.includes(example)) this.examples.push(example);
  }

  snapshot(): PatternTemplate {
    const template: PatternTemplate = {
      id: this.id,
      template: this.tokens.join(' '),
      count: this.count,
      severities: { ...this.severities },
      sources: { ...this.sources },
      examples: [...this.examples],
    };
    if (this.firstSeen !== undefined) template.firstSeen = this.firstSeen;
    if (this.lastSeen !== undefined) template.lastSeen = this.lastSeen;
    return template;
  }

  /** Timestamps are fixed-width RFC 3339, so string order is time order. */
  private seen(first: Timestamp, last: Timestamp): void {
    if (this.firstSeen === undefined || first < this.firstSeen) this.firstSeen = first;
    if (this.lastSeen === undefined || last > this.lastSeen) this.lastSeen = last;
  }
}

function clip(message: string): string {
  return message.length <= MAX_EXAMPLE_LENGTH ? message : `${message.slice(0, MAX_EXAMPLE_LENGTH - 1)}…`;
}

function addCounts<K extends string>(
  into: Partial<Record<K, number>>,
  from: Partial<Record<K, number>>,
): void {
  for (const [key, count] of Object.entries(from) as [K, number | undefined][]) {
    into[key] = (into[key] ?? 0) + (count ?? 0);
  }
}
