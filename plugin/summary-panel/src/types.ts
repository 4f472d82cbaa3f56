import type { Digest, DigestInput, Severity, Spike, TemplateDigest } from '@gpt-runner-logs/contract';

/** Options saved with the panel. */
export interface SummaryOptions {
  /** Show the digest highlights (severity counts, spikes, error templates) under the summary. */
  showDigest: boolean;
  /** Tallest the panel's content grows, in pixels; 0 lets it fill the panel. */
  maxHeight: number;
}

export const DEFAULT_OPTIONS: SummaryOptions = { showDigest: true, maxHeight: 0 };

/**
 * The parts of the contract's `Digest` the panel shows. The digest reaches the panel as an
 * untyped frame value, so `readDigest` checks every field before use.
 */
export type DigestSpike = Pick<Spike, 'start' | 'end' | 'errors' | 'peakErrors' | 'baseline'>;

export type DigestTemplate = Pick<TemplateDigest, 'id' | 'template' | 'count' | 'errors' | 'lastSeen'> & {
  /** Each varying `<*>`: `symbol 8: TSLA 7, MSFT 6, META 5, …`. */
  spread: string[];
};

export interface DigestHighlights {
  totals?: Digest['totals'];
  /** Most severe first, zero counts left out. */
  bySeverity: Array<[Severity, number]>;
  spikes: DigestSpike[];
  errorTemplates: DigestTemplate[];
  /** The backend read fewer entries than matched, or a source failed (`warnings` say which and why). */
  truncated: DigestInput['truncated'];
  partial: DigestInput['partial'];
  warnings: DigestInput['warnings'];
}

/** One Summary frame, read into what the panel renders. */
export interface SummaryView {
  markdown: string;
  provider?: string;
  model?: string;
  promptTokens?: number;
  completionTokens?: number;
  cached: boolean;
  /** The summary is still being written (a streaming frame). */
  streaming: boolean;
  digest?: DigestHighlights;
}
