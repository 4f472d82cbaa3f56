/** Options saved with the panel. */
export interface SummaryOptions {
  /** Show the digest highlights (severity counts, spikes, error templates) under the summary. */
  showDigest: boolean;
  /** Tallest the panel's content grows, in pixels; 0 lets it fill the panel. */
  maxHeight: number;
}

export const DEFAULT_OPTIONS: SummaryOptions = { showDigest: true, maxHeight: 0 };

/**
 * The parts of the backend's digest (backend/src/insight/digest.ts) the panel shows. The
 * digest reaches the panel as an untyped frame value, so every field is optional and is
 * checked before use.
 */
export interface DigestSpike {
  start: string;
  end: string;
  errors: number;
  peakErrors: number;
  factor: number;
}

export interface DigestTemplate {
  id: string;
  template: string;
  count: number;
  errors: number;
  lastSeen?: string;
}

export interface DigestHighlights {
  totals?: { entries: number; errors: number; warnings: number; errorRate: number };
  bySeverity: Array<[string, number]>;
  spikes: DigestSpike[];
  errorTemplates: DigestTemplate[];
  /** The backend read fewer entries than matched, or a source failed. */
  truncated: boolean;
  partial: boolean;
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
