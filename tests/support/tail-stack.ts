import type { LogEntry } from '@gpt-runner-logs/contract';
import { generateDataset, type DemoDataset } from '../../local/demo-data/dataset.js';
import type { LocalStack } from '../../local/stack.js';
import type { TailClient } from './tail-client.js';

const NS = 'gpt-runner';

/** Followers that look again every second, and no page cache: what the tail suites run with. */
export const FOLLOW_FAST = {
  CACHE_TTL_SECONDS: '0',
  COLLECTOR_GCS_INTERVAL_SECONDS: '1',
  COLLECTOR_POD_RELIST_SECONDS: '1',
  COLLECTOR_MAX_BACKOFF_SECONDS: '1',
};

export interface SeededStack {
  dataset: DemoDataset;
  /** Containers of running pods: the log streams one follower holds. */
  containers: number;
  /** Writes `count` lines carrying `marker` to the trader pod's log; returns their text. */
  write(marker: string, count: number, level?: string): string[];
}

/** A small demo data set that ends seconds ago, so everything in it predates any follower. */
export async function seedBeforeNow(stack: LocalStack): Promise<SeededStack> {
  const dataset = generateDataset({
    nowMs: Math.floor(Date.now() / 1000) * 1000 - 2_000,
    days: 1,
    tradesPerHour: 4,
  });
  await stack.seed(dataset);
  const trader = dataset.pods.find((p) => p.name.startsWith('trader'));
  if (!trader) throw new Error('the data set has no trader pod');
  return {
    dataset,
    containers: dataset.pods.flatMap((p) => p.containers).length,
    write(marker, count, level = 'INFO') {
      const texts = Array.from({ length: count }, (_, i) => `${level} ${marker} line ${i}`);
      stack.kube.appendLog(
        NS,
        trader.name,
        'trader',
        texts.map((text) => ({ text })),
      );
      return texts;
    },
  };
}

/** The entries a tail received whose message carries `marker`. */
export const withMarker = (client: TailClient, marker: string): LogEntry[] =>
  client.entries().filter((e) => e.message.includes(marker));
