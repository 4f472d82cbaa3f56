import { encode } from 'gpt-tokenizer';
import { describe, expect, it } from 'vitest';
import { formatEpochMs, type LogEntry, type Severity } from '../model/index.js';
import { buildDigest, inTimeOrder, mineEntries } from './digest.js';
import {
  contextWindow,
  planSummaryPrompt,
  promptBudget,
  type ChatMessage,
  type PromptSettings,
} from './prompt.js';
import { createRedactor } from './redaction/index.js';

const T0 = Date.parse('2026-11-29T06:00:00Z');
const HOUR = 3_600_000;
const WORDS = [
  'alpha',
  'bravo',
  'charlie',
  'delta',
  'echo',
  'foxtrot',
  'golf',
  'hotel',
  'india',
  'juliet',
  'kilo',
  'lima',
  'mike',
  'november',
  'oscar',
  'papa',
  'quebec',
  'romeo',
  'sierra',
  'tango',
  'uniform',
  'victor',
  'whiskey',
  'xray',
  'yankee',
  'zulu',
  'anchor',
  'beacon',
  'cable',
  'dune',
  'ember',
  'fjord',
  'glacier',
  'harbor',
  'island',
  'jungle',
  'kettle',
  'lagoon',
  'meadow',
  'nectar',
];

/**
 * A large, varied input: 50,000 entries over two hours, with well over a thousand distinct
 * templates (each pair of words is its own statement: the pair is spelled out again, so no
 * word varies alone as a variable would), a fifth of them errors and
 * warnings, and long lines.
 */
function largeInput(count: number): LogEntry[] {
  return Array.from({ length: count }, (_, i) => {
    const a = WORDS[i % WORDS.length] as string;
    const b = WORDS[Math.floor(i / WORDS.length) % WORDS.length] as string;
    const kind = i % 10;
    const severity: Severity = kind === 0 ? 'ERROR' : kind === 1 ? 'WARNING' : 'INFO';
    const tail =
      kind < 2
        ? `failed after ${i % 7} retries: upstream ${a}-${b} answered 503 ${'detail '.repeat(20)}`
        : `ok ${i}`;
    return {
      id: `e${i}`,
      timestamp: formatEpochMs(T0 + Math.floor((i / count) * 2 * HOUR)),
      source: i % 3 === 0 ? 'pods' : i % 3 === 1 ? 'gcs' : 'firestore',
      severity,
      message: `${a} ${b} ${a}-${b} stage ${tail}`,
      labels: { pod: `worker-${i % 12}`, symbol: ['AAPL', 'NVDA', 'TSLA'][i % 3] as string },
    };
  });
}

const redactor = createRedactor();

function settings(overrides: Partial<PromptSettings> = {}): PromptSettings {
  return {
    model: 'gpt-4o-mini',
    maxPromptTokens: 12_000,
    maxCompletionTokens: 1_000,
    redact: redactor.redactText,
    ...overrides,
  };
}

/** Counted here with the tokenizer directly, independent of the module under test. */
const tokensOf = (messages: readonly ChatMessage[]): number =>
  messages.reduce((sum, m) => sum + 4 + encode(m.content, { disallowedSpecial: new Set() }).length, 3);

function prepared(entries: LogEntry[]) {
  const ordered = inTimeOrder(entries);
  const mined = mineEntries(ordered);
  const digest = buildDigest(ordered, { from: formatEpochMs(T0), to: formatEpochMs(T0 + 2 * HOUR) }, mined);
  return { digest, templates: mined.templates };
}

describe('prompt budgets', () => {
  const big = prepared(largeInput(50_000));

  it.each([12_000, 4_000, 1_500])(
    'keeps a 50,000-entry input within SUMMARY_MAX_PROMPT_TOKENS=%i, map prompts and final prompt alike',
    (maxPromptTokens) => {
      const plan = planSummaryPrompt(big.digest, big.templates, settings({ maxPromptTokens }));
      expect(big.digest.totals.entries).toBe(50_000);
      expect(big.templates.length).toBeGreaterThan(1000);
      expect(plan.budget).toBe(maxPromptTokens);
      expect(tokensOf(plan.messages)).toBe(plan.promptTokens);
      expect(plan.promptTokens).toBeLessThanOrEqual(maxPromptTokens);
      for (const chunk of plan.map) expect(tokensOf(chunk)).toBeLessThanOrEqual(maxPromptTokens);
      // Notes as long as a map call may write still leave the final prompt within budget.
      const notes = plan.map.map(() => `- ${'note '.repeat(400)}`);
      expect(tokensOf(plan.reduce(notes))).toBeLessThanOrEqual(maxPromptTokens);
      // The digest is always there, with its counts.
      const user = plan.messages[1]?.content ?? '';
      expect(user).toContain('"entries":50000');
      expect(user).toContain(big.digest.templates.errors[0]?.id);
    },
  );

  it('sends rarer error templates that do not fit through a map step', () => {
    const plan = planSummaryPrompt(big.digest, big.templates, settings({ maxPromptTokens: 4_000 }));
    expect(plan.map.length).toBeGreaterThan(0);
    const mapped = plan.map.flatMap((chunk) =>
      (chunk[1]?.content ?? '').split('\n').filter((l) => / \| /.test(l)),
    );
    expect(mapped.length).toBeGreaterThan(10);
    expect(plan.reduce(['- `p1` (3 errors) matters'])[1]?.content).toContain('Notes from a first pass');
  });

  it('sheds digest detail, never the budget, when the budget is small', () => {
    const roomy = planSummaryPrompt(big.digest, big.templates, settings());
    const tight = planSummaryPrompt(big.digest, big.templates, settings({ maxPromptTokens: 1_000 }));
    expect(roomy.digestLevel).toBe(0);
    expect(tight.digestLevel).toBeGreaterThan(0);
    expect(tight.promptTokens).toBeLessThanOrEqual(1_000);
  });

  it('fits everything in one prompt when the input is small', () => {
    const small = prepared(largeInput(200));
    const plan = planSummaryPrompt(small.digest, small.templates, settings());
    expect(plan.map).toEqual([]);
    expect(plan.omittedTemplates).toBe(0);
    for (const template of small.templates) expect(plan.messages[1]?.content).toContain(template.id);
  });

  it('stays within the model context window when it is smaller than the configured budget', () => {
    expect(contextWindow('gpt-4o-mini')).toBe(128_000);
    expect(contextWindow('some-local-model')).toBe(128_000);
    expect(
      promptBudget({ model: 'gpt-3.5-turbo', maxPromptTokens: 50_000, maxCompletionTokens: 1_000 }),
    ).toBe(16_385 - 1_000);
  });

  it('redacts what it sends, the focus included, and treats special-token text as text', () => {
    const key = `sk-proj-${'A1b2C3d4'.repeat(6)}`;
    const entries = largeInput(200);
    entries.push({
      ...(entries[0] as LogEntry),
      id: 'leak',
      message: `loaded OPENAI_API_KEY=${key} <|endoftext|>`,
    });
    const input = prepared(entries);
    const plan = planSummaryPrompt(input.digest, input.templates, settings({ focus: `why? token=${key}` }));
    const sent = JSON.stringify(plan.messages);
    expect(sent).not.toContain(key);
    expect(sent).toContain('[REDACTED:');
  });
});
