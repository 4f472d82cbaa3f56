import type { Bucket, File } from '@google-cloud/storage';
import { LRUCache } from 'lru-cache';
import pLimit from 'p-limit';
import { boundsFromName, intersects, type TimeBounds } from './object-time.js';
import type { CountCall } from '../calls/call-counter.js';

export interface ListedObject {
  name: string;
  generation: string;
  updated?: string;
  size: number;
  contentEncoding?: string;
}

/** One folder level (delimiter `/`): its objects and its subfolders. */
interface Folder {
  objects: ListedObject[];
  prefixes: string[];
}

export interface ListingBudget {
  /** Listing calls left for this query; a bucket with thousands of folders must not stall a page. */
  callsLeft: number;
  calls: number;
  cacheHits: number;
}

export class ListingBudgetExceeded extends Error {
  constructor() {
    super('listing stopped: too many folders for one query');
  }
}

interface ApiPage {
  prefixes?: string[];
}

function toListed(file: File): ListedObject {
  const m = file.metadata;
  return {
    name: file.name,
    generation: String(m.generation ?? ''),
    updated: typeof m.updated === 'string' ? m.updated : undefined,
    size: Number(m.size ?? 0),
    contentEncoding: typeof m.contentEncoding === 'string' ? m.contentEncoding : undefined,
  };
}

export interface FolderListerOptions {
  slackMs: number;
  /** How long the listing of a folder still being written (undated, or dated near now) is reused. */
  openTtlMs: number;
  /** How long the listing of a dated folder whose time has passed is reused. */
  closedTtlMs: number;
  /** Folder levels listed at once while descending. */
  concurrency: number;
  /** Told about each listing call. */
  countCall?: CountCall;
}

const MAX_DEPTH = 6;
const MAX_CACHED_FOLDERS = 20_000;

/**
 * Lists the objects under a prefix whose folders can hold records in a window, descending
 * level by level and skipping every dated folder (`2026/11/28/`, `dt=2026-11-28/`) outside
 * it. Folder listings are reused for a while — briefly for folders still being written,
 * longer for dated folders whose time is past — because a dashboard asks for the same
 * folders on every refresh and each listing is a round trip to GCS.
 */
export class FolderLister {
  private readonly folders: LRUCache<string, Folder>;
  private readonly inFlight = new Map<string, Promise<Folder>>();

  constructor(
    private readonly bucket: Bucket,
    private readonly options: FolderListerOptions,
  ) {
    this.folders = new LRUCache({ max: MAX_CACHED_FOLDERS });
  }

  async candidates(prefix: string, window: TimeBounds, budget: ListingBudget): Promise<ListedObject[]> {
    const found: ListedObject[] = [];
    const limit = pLimit(this.options.concurrency);
    const visit = async (folder: string, depth: number): Promise<void> => {
      const level = await limit(() => this.folder(folder, budget));
      found.push(...level.objects);
      if (depth >= MAX_DEPTH) return;
      const open = level.prefixes.filter((sub) => this.mayHold(sub, window));
      await Promise.all(open.map((sub) => visit(sub, depth + 1)));
    };
    await visit(prefix, 0);
    return found;
  }

  private mayHold(folder: string, window: TimeBounds): boolean {
    const dated = boundsFromName(folder);
    if (!dated) return true;
    const slack = this.options.slackMs;
    return intersects({ lo: dated.lo - slack, hi: dated.hi + slack }, window);
  }

  private async folder(prefix: string, budget: ListingBudget): Promise<Folder> {
    const cached = this.folders.get(prefix);
    if (cached) {
      budget.cacheHits += 1;
      return cached;
    }
    const pending = this.inFlight.get(prefix);
    if (pending) return pending;
    const call = this.listFolder(prefix, budget).finally(() => this.inFlight.delete(prefix));
    this.inFlight.set(prefix, call);
    const folder = await call;
    const ttl = this.ttlOf(prefix);
    // lru-cache reads a ttl of 0 as "forever"; here 0 means "do not reuse".
    if (ttl > 0) this.folders.set(prefix, folder, { ttl });
    return folder;
  }

  private ttlOf(prefix: string): number {
    const dated = boundsFromName(prefix);
    const closed = dated !== undefined && dated.hi + this.options.slackMs < Date.now();
    return closed ? this.options.closedTtlMs : this.options.openTtlMs;
  }

  private async listFolder(prefix: string, budget: ListingBudget): Promise<Folder> {
    const folder: Folder = { objects: [], prefixes: [] };
    let pageToken: string | undefined;
    do {
      if (budget.callsLeft <= 0) throw new ListingBudgetExceeded();
      budget.callsLeft -= 1;
      budget.calls += 1;
      this.options.countCall?.('list');
      const [files, next, response] = await this.bucket.getFiles({
        prefix,
        delimiter: '/',
        autoPaginate: false,
        maxResults: 1000,
        pageToken,
      });
      folder.objects.push(...files.map(toListed));
      folder.prefixes.push(...((response as ApiPage | undefined)?.prefixes ?? []));
      pageToken = (next as { pageToken?: string } | null)?.pageToken;
    } while (pageToken);
    return folder;
  }
}
