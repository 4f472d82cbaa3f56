import { writeBuiltinSummary } from './builtin-summary.js';
import type { Summarizer, SummaryOutcome, SummaryRequest } from './provider.js';

/** The summary without a model: written from the digest, free, and what the demo shows. */
export class BuiltinSummarizer implements Summarizer {
  readonly provider = 'builtin';
  readonly model = 'builtin-digest';
  readonly prompted = false;

  async summarize({ digest, focus, grafana, onDelta }: SummaryRequest): Promise<SummaryOutcome> {
    const summary = writeBuiltinSummary(digest, { focus, grafana });
    // Streamed line by line, so a client sees the same event sequence with or without a key.
    if (onDelta) for (const piece of summary.match(/[^\n]*\n*/g) ?? []) if (piece) onDelta(piece);
    return { summary, usage: { promptTokens: 0, completionTokens: 0 } };
  }
}
