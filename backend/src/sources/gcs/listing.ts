import type { Bucket, File } from '@google-cloud/storage';
import { boundsFromName, intersects, type TimeBounds } from './object-time.js';

export interface ListedObject {
  name: string;
  /** The configured prefix it was found under. */
  prefix: string;
  generation: string;
  updated?: string;
  size: number;
  contentEncoding?: string;
}

export interface ListingBudget {
  /** Listing calls left for this query; a bucket with thousands of folders must not stall a page. */
  callsLeft: number;
  calls: number;
}

interface LevelPage {
  objects: File[];
  prefixes: string[];
}

interface ApiPage {
  prefixes?: string[];
}

/** One folder level (delimiter `/`), all pages of it. */
async function listLevel(bucket: Bucket, prefix: string, budget: ListingBudget): Promise<LevelPage> {
  const level: LevelPage = { objects: [], prefixes: [] };
  let pageToken: string | undefined;
  do {
    if (budget.callsLeft <= 0) throw new ListingBudgetExceeded();
    budget.callsLeft -= 1;
    budget.calls += 1;
    const [files, next, response] = await bucket.getFiles({
      prefix,
      delimiter: '/',
      autoPaginate: false,
      maxResults: 1000,
      pageToken,
    });
    level.objects.push(...files);
    level.prefixes.push(...((response as ApiPage | undefined)?.prefixes ?? []));
    pageToken = (next as { pageToken?: string } | null)?.pageToken;
  } while (pageToken);
  return level;
}

export class ListingBudgetExceeded extends Error {
  constructor() {
    super('listing stopped: too many folders for one query');
  }
}

function toListed(file: File, prefix: string): ListedObject {
  const m = file.metadata;
  return {
    name: file.name,
    prefix,
    generation: String(m.generation ?? ''),
    updated: typeof m.updated === 'string' ? m.updated : undefined,
    size: Number(m.size ?? 0),
    contentEncoding: typeof m.contentEncoding === 'string' ? m.contentEncoding : undefined,
  };
}

const MAX_DEPTH = 6;

/**
 * Lists the objects under a prefix whose folders can hold records in `window`, descending
 * level by level and skipping every dated folder (`2026/11/28/`, `dt=2026-11-28/`) outside it.
 */
export async function listCandidates(
  bucket: Bucket,
  prefix: string,
  window: TimeBounds,
  slackMs: number,
  budget: ListingBudget,
): Promise<ListedObject[]> {
  const found: ListedObject[] = [];
  const visit = async (folder: string, depth: number): Promise<void> => {
    const level = await listLevel(bucket, folder, budget);
    found.push(...level.objects.map((file) => toListed(file, prefix)));
    if (depth >= MAX_DEPTH) return;
    const open = level.prefixes.filter((sub) => {
      const dated = boundsFromName(sub);
      return !dated || intersects({ lo: dated.lo - slackMs, hi: dated.hi + slackMs }, window);
    });
    for (const sub of open) await visit(sub, depth + 1);
  };
  await visit(prefix, 0);
  return found;
}
