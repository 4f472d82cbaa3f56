import { decode, encode } from 'gpt-tokenizer';
import * as modelSpecs from 'gpt-tokenizer/models';
import { ERROR_SEVERITIES } from '@gpt-runner-logs/contract';
import type { Timestamp } from '../model/index.js';
import { clip, type Digest, type ErrorRateBucket, type TemplateDigest } from './digest.js';
import type { PatternTemplate } from './patterns/index.js';

/**
 * Prompts for summaries. Everything in them is counted with the model's real tokenizer
 * (o200k, the encoding of the gpt-4o, gpt-4.1, o-series and gpt-5 families) and redacted
 * before it is counted, so the budget holds for what is actually sent.
 *
 * However many entries there were, the prompt is the digest (bounded by construction,
 * and shrunk level by level if even that is too large) plus as many further templates as
 * the budget allows. Templates with errors or warnings that still do not fit go through a
 * map step: chunks of them are summarized first, and the final prompt carries those notes.
 */

export interface ChatMessage {
  role: 'system' | 'user';
  content: string;
}

export interface PromptSettings {
  model: string;
  /** The configured ceiling; the model's context window may lower it. */
  maxPromptTokens: number;
  maxCompletionTokens: number;
  /** Applied to every text before it is counted or sent. */
  redact: (text: string) => string;
  focus?: string;
}

export interface PromptPlan {
  /** The prompt of the single call, or of the final call once map notes are known. */
  messages: ChatMessage[];
  promptTokens: number;
  budget: number;
  /** 0 is the full digest; higher levels dropped detail to fit. */
  digestLevel: number;
  /** Prompts of the map step; empty when everything fit in one prompt. */
  map: ChatMessage[][];
  /** Completion budget of each map call. */
  mapCompletionTokens: number;
  /** The final prompt with the map step's notes; stays within `budget`. */
  reduce(notes: readonly string[]): ChatMessage[];
  /** Templates neither in the prompt nor in a map chunk. */
  omittedTemplates: number;
}

// Special-token text in a log line (`<|endoftext|>`) is plain text to the API, so it is here too.
const PLAIN_TEXT = { disallowedSpecial: new Set<string>() };

export const countTextTokens = (text: string): number => encode(text, PLAIN_TEXT).length;

/** Tokens of a chat prompt as the API bills them: each message carries a few tokens of framing. */
export function countChatTokens(messages: readonly ChatMessage[]): number {
  return messages.reduce((sum, message) => sum + MESSAGE_OVERHEAD + countTextTokens(message.content), 3);
}

const MESSAGE_OVERHEAD = 4;

export function clipToTokens(text: string, maxTokens: number): string {
  const tokens = encode(text, PLAIN_TEXT);
  return tokens.length <= maxTokens ? text : `${decode(tokens.slice(0, Math.max(0, maxTokens - 1)))}…`;
}

/** Context windows of the models the tokenizer package knows; others are assumed to have 128K. */
const DEFAULT_CONTEXT_WINDOW = 128_000;

export function contextWindow(model: string): number {
  const specs = modelSpecs as unknown as Record<string, { context_window?: number } | undefined>;
  return specs[model]?.context_window ?? DEFAULT_CONTEXT_WINDOW;
}

/** The prompt budget: the configured one, within what the model's context leaves after the answer. */
export function promptBudget(
  settings: Pick<PromptSettings, 'model' | 'maxPromptTokens' | 'maxCompletionTokens'>,
) {
  return Math.min(settings.maxPromptTokens, contextWindow(settings.model) - settings.maxCompletionTokens);
}

export const SUMMARY_INSTRUCTIONS = [
  'You write incident summaries of GPT Runner+ logs (a GPT-driven trading system on Google Cloud) for its operators.',
  'You get a digest computed from the logs: counts by severity and source, errors per time bucket, error spikes, log templates (ids such as p1a2b3c4d, with counts; <*> marks a variable part) and the most frequent label values.',
  'Rules:',
  '- Use only numbers, times and names that appear in the input. Never estimate, add up or invent counts or rates.',
  '- Cite templates by id in backticks with their counts, e.g. `p1a2b3c4d` (42 errors).',
  '- A template is one event: its "vars" give each <*> with its number of distinct values and its top values with counts. Name a cause once with its spread (e.g. "36 errors across 8 symbols, all with code 503"), never once per value.',
  '- [REDACTED:type] marks a secret that was removed; do not guess it.',
  '- If the input cannot answer something, say so. Mention when the input is truncated or partial.',
  '- Write no links or URLs; name templates by id instead.',
  'Answer in Markdown with exactly three sections: "## What happened", "## Likely causes" (of the errors), "## What to check next". At most 250 words.',
].join('\n');

export const MAP_INSTRUCTIONS = [
  'You read a list of log templates from GPT Runner+ (id | count | errors | warnings | template; <*> marks a variable part).',
  'Write at most five short bullets on the templates that matter for understanding errors or incidents.',
  'Cite each by id with its counts exactly as given; never invent numbers. No introduction.',
].join('\n');

interface Detail {
  templates: number;
  labels: number;
  series: 'all' | 'active' | 'none';
  text: number;
  examples: boolean;
  errorsBy: boolean;
  /** Top values per variable; 0 leaves the variables out. */
  values: number;
}

const LEVELS: readonly Detail[] = [
  { templates: 10, labels: 5, series: 'all', text: 240, examples: true, errorsBy: true, values: 3 },
  { templates: 6, labels: 3, series: 'active', text: 160, examples: true, errorsBy: true, values: 2 },
  { templates: 3, labels: 2, series: 'none', text: 120, examples: false, errorsBy: false, values: 1 },
  { templates: 1, labels: 1, series: 'none', text: 80, examples: false, errorsBy: false, values: 0 },
];

/** Values in a prompt are short: an id or a number tells enough, prose is cut. */
const PROMPT_VALUE_TEXT = 32;

/**
 * `{name, distinct, top: [[value, count], …]}` per `<*>`, in template order. Values that
 * never repeat (ids, prices, prose) are only counted: their top values, each seen once,
 * would cost tokens and tell nothing.
 */
function renderVariables(t: TemplateDigest, detail: Detail): Record<string, unknown> {
  if (detail.values === 0 || !t.variables?.length) return {};
  const vars = t.variables.map((v) => ({
    ...(v.name ? { name: v.name } : {}),
    distinct: v.distinctCapped ? `>${v.distinct}` : v.distinct,
    ...(v.distinct < v.lines
      ? {
          top: v.top
            .slice(0, detail.values)
            .map((value) => [clip(value.value, PROMPT_VALUE_TEXT), value.count]),
        }
      : {}),
  }));
  return { vars };
}

/** Seconds are enough for a reader; nine fraction digits only cost tokens. */
const shortTime = (timestamp: Timestamp): string => `${timestamp.slice(0, 19)}Z`;

function renderTemplate(t: TemplateDigest, detail: Detail): Record<string, unknown> {
  return {
    id: t.id,
    count: t.count,
    errors: t.errors,
    ...(t.firstSeen ? { first: shortTime(t.firstSeen) } : {}),
    ...(t.lastSeen ? { last: shortTime(t.lastSeen) } : {}),
    sources: t.sources,
    template: clip(t.template, detail.text),
    ...(detail.examples && t.example ? { example: clip(t.example, detail.text) } : {}),
    ...(detail.errorsBy && t.errorsBy ? { errorsBy: t.errorsBy } : {}),
    ...renderVariables(t, detail),
  };
}

function renderSeries(series: readonly ErrorRateBucket[], mode: Detail['series']): unknown[] | undefined {
  if (mode === 'none') return undefined;
  const kept = mode === 'all' ? series : series.filter((b) => b.errors > 0);
  return kept.map((b) => [`${b.start.slice(0, 16)}Z`, b.entries, b.errors]);
}

/** The digest as compact JSON at a level of detail; ids and counts are never rounded or dropped from a kept item. */
export function renderDigest(digest: Digest, level: number): string {
  const detail = LEVELS[Math.min(level, LEVELS.length - 1)] as Detail;
  const pick = (list: readonly TemplateDigest[]) =>
    list.slice(0, detail.templates).map((t) => renderTemplate(t, detail));
  const labels = Object.fromEntries(
    Object.entries(digest.labels).map(([group, counts]) => [group, (counts ?? []).slice(0, detail.labels)]),
  );
  const series = renderSeries(digest.errorRate, detail.series);
  return JSON.stringify({
    window: { from: shortTime(digest.window.from), to: shortTime(digest.window.to) },
    input: digest.input,
    totals: digest.totals,
    bySeverity: digest.bySeverity,
    bySource: digest.bySource,
    ...(series
      ? {
          errorsPerBucket: {
            bucketSeconds: digest.window.bucketSeconds,
            columns: ['start', 'entries', 'errors'],
            rows: series,
          },
        }
      : {}),
    spikes: digest.spikes.map((s) => ({ ...s, start: shortTime(s.start), end: shortTime(s.end) })),
    templates: {
      distinct: digest.templates.distinct,
      top: pick(digest.templates.top),
      new: pick(digest.templates.new),
      errors: pick(digest.templates.errors),
    },
    labels,
  });
}

/** Ids the rendered digest already shows at a level, so the catalog does not repeat them. */
function shownIds(digest: Digest, level: number): Set<string> {
  const detail = LEVELS[Math.min(level, LEVELS.length - 1)] as Detail;
  const lists = [digest.templates.top, digest.templates.new, digest.templates.errors];
  return new Set(lists.flatMap((list) => list.slice(0, detail.templates).map((t) => t.id)));
}

interface CatalogLine {
  text: string;
  tokens: number;
  important: boolean;
}

const CATALOG_TEXT = 160;
const ERROR_NAMES: ReadonlySet<string> = new Set(ERROR_SEVERITIES);

function catalogLines(
  templates: readonly PatternTemplate[],
  exclude: ReadonlySet<string>,
  redact: (text: string) => string,
): CatalogLine[] {
  const rows = templates
    .filter((t) => !exclude.has(t.id))
    .map((t) => {
      const severities = Object.entries(t.severities);
      const errors = severities.filter(([s]) => ERROR_NAMES.has(s)).reduce((n, [, c]) => n + (c ?? 0), 0);
      const warnings = t.severities.WARNING ?? 0;
      return { t, errors, warnings };
    })
    // Errors first, then warnings, then volume: what a reader of an incident needs most.
    .sort(
      (a, b) =>
        b.errors - a.errors || b.warnings - a.warnings || b.t.count - a.t.count || (a.t.id < b.t.id ? -1 : 1),
    );
  return rows.map(({ t, errors, warnings }) => {
    const text = redact(`${t.id} | ${t.count} | ${errors} | ${warnings} | ${clip(t.template, CATALOG_TEXT)}`);
    return { text, tokens: countTextTokens(text) + 1, important: errors + warnings > 0 };
  });
}

function header(digest: Digest, settings: PromptSettings): string {
  const { input, window } = digest;
  const lines = [
    `Logs from ${shortTime(window.from)} to ${shortTime(window.to)} (UTC): ${input.entries} entries read.`,
  ];
  if (input.truncated) lines.push('The input is truncated: more entries matched; the oldest were not read.');
  if (input.partial) {
    const warnings = input.warnings.slice(0, 3).map((w) => clip(w, 200));
    lines.push(`The input is partial (a source failed): ${warnings.join('; ')}`);
  }
  if (settings.focus) lines.push(`The reader asks to focus on: ${clip(settings.focus, 1000)}`);
  return settings.redact(lines.join('\n'));
}

const MAX_MAP_CHUNKS = 4;
const DIGEST_SHARE = 0.75;
const MAP_COMPLETION_TOKENS = 250;

/** Takes lines in order while they fit; the rest are returned as left over. */
function fill(lines: readonly CatalogLine[], budget: number): { taken: CatalogLine[]; left: CatalogLine[] } {
  let used = 0;
  let index = 0;
  while (index < lines.length && used + (lines[index] as CatalogLine).tokens <= budget) {
    used += (lines[index] as CatalogLine).tokens;
    index += 1;
  }
  return { taken: lines.slice(0, index), left: lines.slice(index) };
}

function userMessage(
  head: string,
  digestJson: string,
  catalog: readonly CatalogLine[],
  notes: readonly string[],
  omitted: number,
) {
  const parts = [head, `Digest (JSON):\n${digestJson}`];
  if (catalog.length > 0) {
    parts.push(
      `More templates (id | count | errors | warnings | template):\n${catalog.map((l) => l.text).join('\n')}`,
    );
  }
  if (notes.length > 0) parts.push(`Notes from a first pass over rarer templates:\n${notes.join('\n')}`);
  if (omitted > 0) parts.push(`${omitted} rarer templates are not shown.`);
  return parts.join('\n\n');
}

/**
 * Plans the prompt(s) for a digest and the templates it was mined from, within the budget.
 * Throws when even the smallest digest cannot fit, which only a misconfigured budget causes.
 */
export function planSummaryPrompt(
  digest: Digest,
  templates: readonly PatternTemplate[],
  settings: PromptSettings,
): PromptPlan {
  const budget = promptBudget(settings);
  const system: ChatMessage = { role: 'system', content: SUMMARY_INSTRUCTIONS };
  const head = header(digest, settings);
  const build = (
    json: string,
    catalog: readonly CatalogLine[],
    notes: readonly string[],
    omitted: number,
  ): ChatMessage[] => [
    system,
    { role: 'user', content: settings.redact(userMessage(head, json, catalog, notes, omitted)) },
  ];

  // The richest digest that leaves a quarter of the budget for further templates, or failing
  // that the richest that fits at all.
  const sizes = LEVELS.map((_, l) =>
    countChatTokens(build(settings.redact(renderDigest(digest, l)), [], [], 0)),
  );
  const roomy = sizes.findIndex((size) => size <= budget * DIGEST_SHARE);
  const level = roomy >= 0 ? roomy : sizes.findIndex((size) => size <= budget);
  if (level < 0)
    throw new RangeError(
      `A summary prompt needs more than ${budget} tokens; raise SUMMARY_MAX_PROMPT_TOKENS.`,
    );
  const json = settings.redact(renderDigest(digest, level));
  // Room for the catalog heading and the "not shown" line.
  const base = countChatTokens(build(json, [], [], 0)) + 40;
  const catalog = catalogLines(templates, shownIds(digest, level), settings.redact);
  const single = fill(catalog, budget - base);
  const important = single.left.filter((l) => l.important);

  if (important.length === 0) {
    return finish(budget, level, build, json, single.taken, single.left.length);
  }
  // The final prompt keeps room for the map step's notes: at most a third of the budget,
  // and never more than the digest leaves.
  const room = Math.min(budget / 3, budget - base - 20);
  const chunks = Math.max(0, Math.min(MAX_MAP_CHUNKS, Math.floor(room / (MAP_COMPLETION_TOKENS + 10))));
  if (chunks === 0) return finish(budget, level, build, json, single.taken, single.left.length);
  const reserve = chunks * (MAP_COMPLETION_TOKENS + 10) + 20;
  const kept = fill(catalog, budget - base - reserve);
  const map = mapPrompts(
    kept.left.filter((l) => l.important),
    head,
    budget,
    chunks,
    settings,
  );
  const mapped = map.reduce((n, m) => n + m.lines, 0);
  const omitted = kept.left.length - mapped;
  const plan = finish(budget, level, build, json, kept.taken, omitted);
  return {
    ...plan,
    map: map.map((m) => m.messages),
    reduce: (notes) => {
      const clipped = notes.map((note) => clipToTokens(note.trim(), MAP_COMPLETION_TOKENS));
      return fitMessages(budget, (drop) =>
        build(json, kept.taken.slice(0, kept.taken.length - drop), clipped, omitted),
      );
    },
  };
}

function finish(
  budget: number,
  level: number,
  build: (
    json: string,
    catalog: readonly CatalogLine[],
    notes: readonly string[],
    omitted: number,
  ) => ChatMessage[],
  json: string,
  catalog: readonly CatalogLine[],
  omitted: number,
): PromptPlan {
  const messages = fitMessages(budget, (drop) =>
    build(json, catalog.slice(0, catalog.length - drop), [], omitted + drop),
  );
  return {
    messages,
    promptTokens: countChatTokens(messages),
    budget,
    digestLevel: level,
    map: [],
    mapCompletionTokens: MAP_COMPLETION_TOKENS,
    reduce: () => messages,
    omittedTemplates: omitted,
  };
}

/**
 * Line counts add up to slightly less or more than the joined text's count (tokens may merge
 * across line breaks); the joined prompt is counted again and catalog lines dropped until it fits.
 */
function fitMessages(budget: number, build: (drop: number) => ChatMessage[]): ChatMessage[] {
  let drop = 0;
  let messages = build(drop);
  while (countChatTokens(messages) > budget && drop < 100_000) {
    const next = build(drop + 1);
    if (next[1]?.content === messages[1]?.content) break;
    drop += 1;
    messages = next;
  }
  return messages;
}

function mapPrompts(
  lines: readonly CatalogLine[],
  head: string,
  budget: number,
  maxChunks: number,
  settings: PromptSettings,
): { messages: ChatMessage[]; lines: number }[] {
  const system: ChatMessage = { role: 'system', content: MAP_INSTRUCTIONS };
  const overhead = countChatTokens([system, { role: 'user', content: `${head}\n\nTemplates:\n` }]) + 20;
  const chunks: { messages: ChatMessage[]; lines: number }[] = [];
  let rest = lines;
  while (rest.length > 0 && chunks.length < maxChunks) {
    const { taken } = fill(rest, budget - overhead);
    if (taken.length === 0) break;
    let count = taken.length;
    const build = (n: number): ChatMessage[] => [
      system,
      {
        role: 'user',
        content: settings.redact(
          `${head}\n\nTemplates:\n${rest
            .slice(0, n)
            .map((l) => l.text)
            .join('\n')}`,
        ),
      },
    ];
    let messages = build(count);
    while (count > 1 && countChatTokens(messages) > budget) messages = build(--count);
    chunks.push({ messages, lines: count });
    rest = rest.slice(count);
  }
  return chunks;
}
