import { compileTextEngine, type RedactorOptions } from './engine.js';
import type { RedactionResult } from './rules.js';
import { createValueWalker } from './values.js';

/**
 * Secret redaction for log content that leaves the backend: the rules (rules.ts), the text
 * engine that applies them in one pass (engine.ts), and structured values (values.ts).
 */
export type { RedactorOptions };
export {
  REDACTION_TYPES,
  redactionMarker,
  type RedactionCounts,
  type RedactionMarker,
  type RedactionResult,
  type RedactionType,
} from './rules.js';

export interface Redactor {
  redactText(text: string): string;
  redactTextWithStats(text: string): RedactionResult;
  /**
   * Deep copy with every string redacted; the value under a secret-named key (`password`,
   * `apiKey`, `authorization`, …) is replaced by its marker whatever its type, which may
   * change the runtime shape of that one field. Arrays, plain objects, Maps and Sets are
   * walked (cycles preserved); other objects (Date, Buffer, class instances) are returned
   * as they are.
   */
  redactValue<T>(value: T): T;
}

export function createRedactor(options: RedactorOptions = {}): Redactor {
  const engine = compileTextEngine(options);
  const walk = createValueWalker(engine);
  return {
    redactText: (text) => engine(text).text,
    redactTextWithStats: (text) => engine(text),
    redactValue: <T>(value: T): T => walk(value) as T,
  };
}
