import { expect } from 'vitest';
import { generateDataset, type DemoDataset } from '../../local/demo-data/dataset.js';
import { memorySources } from '../../local/demo-data/memory-sources.js';
import { formatEpochMs, type LogEntry, type SourceName } from '../../backend/src/model/index.js';
import { seedFirestore, seedGcs, seedPods } from '../../local/seed.js';
import { startLocalStack, type LocalStack } from '../../local/stack.js';
import { TOKENS, startTestBackend, type TestBackend } from './backend.js';

/**
 * The source suites' common ground: the local stack (GCS emulator, Firestore emulator,
 * Kubernetes API double) seeded with a generated data set, the real backend reading it
 * through the real clients, and an oracle backend serving the same data set from memory
 * through the same mapping code. For any query, both must list the same entries.
 */
export interface SourceOutcomeBody {
  ok: boolean;
  tookMs: number;
  stats: Record<string, number>;
}

export interface Page {
  entries: LogEntry[];
  nextCursor: string | null;
  partial: boolean;
  warnings: { source: string; message: string }[];
  stats: {
    scanned: number;
    returned: number;
    cache: string;
    sources: Partial<Record<SourceName, SourceOutcomeBody>>;
  };
}

export type Params = Record<string, string | number | boolean | undefined>;

export interface SourceSuite {
  stack: LocalStack;
  dataset: DemoDataset;
  /** The data set's end: its newest record is older than this. */
  nowMs: number;
  /** The backend over the emulators, built from configuration as in production. */
  real: TestBackend;
  /** The same data set in memory: the expected answer to every query. */
  oracle: TestBackend;
  close(): Promise<void>;
}

export interface SourceSuiteOptions {
  sources: SourceName[];
  days: number;
  tradesPerHour?: number;
  /** Writes the parts of the data set this suite reads (each suite seeds only its own). */
  seed: (stack: LocalStack, dataset: DemoDataset) => Promise<void> | void;
  /** Extra backend configuration, on top of the stack's. */
  env?: Record<string, string>;
  /** The data set's end; it must not be in the future (see below). Default: now. */
  nowMs?: number;
}

export async function startSourceSuite(options: SourceSuiteOptions): Promise<SourceSuite> {
  // Whole seconds in the past: GCS stamps objects `updated` with the real clock, and the
  // source rightly ignores objects updated before the records they would have to hold.
  const nowMs = Math.floor(Math.min(options.nowMs ?? Date.now(), Date.now()) / 1000) * 1000;
  const dataset = generateDataset({ nowMs, days: options.days, tradesPerHour: options.tradesPerHour ?? 20 });
  const stack = await startStack(!options.sources.includes('firestore'));
  try {
    await options.seed(stack, dataset);
    const real = await startTestBackend({
      sourcesFromEnv: true,
      env: {
        ...stack.env,
        ENABLED_SOURCES: options.sources.join(','),
        // Every request must reach the sources: the page and segment caches would hide their
        // work and outages (tests/sources/segments.test.ts covers the segment cache over them).
        CACHE_TTL_SECONDS: '0',
        CACHE_SEGMENT_BYTES: '0',
        ...options.env,
      },
    });
    const oracle = await startTestBackend({ sources: memorySources(dataset, formatEpochMs(nowMs)) });
    return {
      stack,
      dataset,
      nowMs,
      real,
      oracle,
      async close() {
        await Promise.allSettled([real.close(), oracle.close()]);
        await stack.stop();
      },
    };
  } catch (error) {
    await stack.stop();
    throw error;
  }
}

/**
 * A suite that never reads Firestore still gets the whole stack, but with the in-process
 * Firestore emulator: a JVM nobody queries would only take CPU from the suites running
 * beside it.
 */
async function startStack(firestoreUnused: boolean): Promise<LocalStack> {
  if (!firestoreUnused) return startLocalStack();
  const kind = process.env.FIRESTORE_EMULATOR_KIND;
  process.env.FIRESTORE_EMULATOR_KIND = 'fallback';
  try {
    return await startLocalStack();
  } finally {
    if (kind === undefined) delete process.env.FIRESTORE_EMULATOR_KIND;
    else process.env.FIRESTORE_EMULATOR_KIND = kind;
  }
}

/** Seeds all three sources with the data set, for suites that read every source. */
export async function seedEverySource(stack: LocalStack, dataset: DemoDataset): Promise<void> {
  seedPods(stack.kube, dataset);
  await Promise.all([
    seedGcs(stack.storage.bucket(stack.bucketName), dataset),
    seedFirestore(stack.db, dataset),
  ]);
}

export const iso = formatEpochMs;

export function pathOf(route: string, params: Params): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params))
    if (value !== undefined) search.set(name, String(value));
  return `${route}?${search.toString()}`;
}

/** One page, which must be a 200. */
export async function fetchPage(backend: TestBackend, route: string, params: Params): Promise<Page> {
  const { status, body } = await backend.json<Page>(pathOf(route, params), TOKENS.viewer);
  expect(status, JSON.stringify(body)).toBe(200);
  return body;
}

/** Every page of a query, following cursors; returns the entries and the pages' warnings. */
export async function walkPages(
  backend: TestBackend,
  route: string,
  params: Params,
  limit: number,
): Promise<{ entries: LogEntry[]; pages: number }> {
  const entries: LogEntry[] = [];
  let cursor: string | undefined;
  let pages = 0;
  do {
    const page = await fetchPage(backend, route, { ...params, limit, cursor });
    expect(page.partial).toBe(false);
    entries.push(...page.entries);
    cursor = page.nextCursor ?? undefined;
    pages += 1;
    // A walk that never ends is a failed cursor, not a slow test.
    expect(pages).toBeLessThan(2_000);
  } while (cursor);
  return { entries, pages };
}

/** What both backends must agree on; payloads and labels may differ in representation. */
export const essentials = (entries: LogEntry[]) =>
  entries.map(({ id, source, timestamp, severity, message }) => ({
    id,
    source,
    timestamp,
    severity,
    message,
  }));

export const idsOf = (entries: LogEntry[]): string[] => entries.map((e) => `${e.source}/${e.id}`);

/** A source's work counters from a page; each counter named in `K` must be present. */
export function sourceStats<K extends string>(
  page: Page,
  source: SourceName,
  names: readonly K[],
): Record<K, number> {
  const outcome = page.stats.sources[source];
  expect(outcome?.ok, JSON.stringify(page.warnings)).toBe(true);
  const stats = outcome?.stats ?? {};
  for (const name of names) expect(typeof stats[name], `stats.${name}`).toBe('number');
  return stats as Record<K, number>;
}

export const RFC3339_UTC_NANOS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{9}Z$/;
