import type { SummaryConfig } from '../config/index.js';
import { BuiltinSummarizer } from '../insight/summary/builtin-provider.js';
import { OpenAISummarizer } from '../insight/summary/openai-provider.js';
import type { Summarizer } from '../insight/summary/provider.js';

/** The OpenAI provider when a key is configured, else the built-in one. */
export function createSummarizer(config: SummaryConfig): Summarizer {
  if (!config.apiKey) return new BuiltinSummarizer();
  return new OpenAISummarizer({ ...config, apiKey: config.apiKey });
}
