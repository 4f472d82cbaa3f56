import type { Direction, LabelOperator } from '@gpt-runner-logs/contract';
import type { EntryKey, SourceName } from './log-entry.js';
import type { Severity } from './severity.js';
import type { Timestamp } from './time.js';

export { DEFAULT_LIMIT, MAX_LIMIT, type Direction, type LabelOperator } from '@gpt-runner-logs/contract';

/** A matcher on one label, as in Loki's and Prometheus's selectors. */
export interface LabelMatcher {
  name: string;
  op: LabelOperator;
  value: string;
}

export interface TextSearch {
  text: string;
  /** RE2 syntax when true (linear-time, so no user pattern can hang the server). */
  regex: boolean;
}

export interface GcsSelector {
  bucket?: string;
  prefixes?: string[];
}

export interface FirestoreSelector {
  collections?: string[];
}

export interface PodSelector {
  namespace?: string;
  /** A Kubernetes label selector such as `app=trader,tier!=canary`. */
  labelSelector?: string;
  pods?: string[];
  container?: string;
  /** The last terminated container instead of the running one (crash loops). */
  previous?: boolean;
}

export interface SourceSelectors {
  gcs?: GcsSelector;
  firestore?: FirestoreSelector;
  pods?: PodSelector;
}

/** A validated query: every listing, summary and count is one of these. */
export interface LogQuery {
  sources: SourceName[];
  /** Half-open range `[from, to)`. */
  from: Timestamp;
  to: Timestamp;
  /** Only these severities; empty means all. Combined with `minSeverity` by AND. */
  severities: Severity[];
  minSeverity?: Severity;
  search?: TextSearch;
  labels: LabelMatcher[];
  limit: number;
  direction: Direction;
  /** Resume strictly after this entry (decoded from a cursor). */
  after?: EntryKey;
  selectors: SourceSelectors;
}
