import type { LogEntry } from '../../model/index.js';
import type { PatternTemplate } from './cluster.js';
import { PatternMiner, type PatternMinerOptions } from './miner.js';

export { groupingAccuracy } from './accuracy.js';
export { MAX_EXAMPLE_LENGTH, MAX_EXAMPLES, type LineMeta, type PatternTemplate } from './cluster.js';
export { WILDCARD, maskLine, maskToken } from './masking.js';
export { PatternMiner, type MinerStats, type PatternMinerOptions } from './miner.js';
export { firstLine, tokenize } from './tokenize.js';
export {
  VariableSpread,
  alignValues,
  spreadVariables,
  withVariables,
  type VariableLine,
} from './variables.js';

/** Mines the templates of a set of entries (in the order given), most frequent first. */
export function minePatterns(entries: readonly LogEntry[], options?: PatternMinerOptions): PatternTemplate[] {
  const miner = new PatternMiner(options);
  for (const { message, timestamp, severity, source } of entries) {
    miner.add(message, { timestamp, severity, source });
  }
  return miner.templates();
}
