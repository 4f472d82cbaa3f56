import type { Bucket } from '@google-cloud/storage';
import { LRUCache } from 'lru-cache';
import pLimit from 'p-limit';
import {
  comparatorFor,
  describeError,
  formatEpochMs,
  parseTimestamp,
  timestampMs,
  type LogEntry,
} from '../../model/index.js';
import type { FieldMapping } from '../mapping/record-mapper.js';
import type {
  BackendCallObserver,
  Follower,
  FollowOptions,
  FollowSink,
  LogSource,
  MetaField,
  SourceHealth,
  SourceRequest,
  SourceResult,
  SourceStats,
  StreamScope,
} from '../../query/log-source.js';
import { CallCounter } from '../calls/call-counter.js';
import { gcsContextScope } from './context-scope.js';
import { GcsFollower } from './gcs-follower.js';
import { FolderLister, ListingBudgetExceeded, type ListedObject, type ListingBudget } from './listing.js';
import { readObject, type ParsedObject } from './object-reader.js';
import { intersects, objectBounds, type TimeBounds } from './object-time.js';
import { UntimedRecords } from './untimed-records.js';

export interface GcsSourceOptions {
  bucket: Bucket;
  prefixes: string[];
  downloadConcurrency: number;
  maxObjectBytes: number;
  maxListCalls: number;
  /** Parsed objects kept in memory, counted in entries. */
  objectCacheEntries: number;
  nameSlackMs: number;
  /** How long folder listings are reused: folders still written to, and dated folders whose time is past. */
  listingTtlMs: { open: number; closed: number };
  /** A download silent this long fails: a body cut short otherwise never ends in the client. */
  downloadIdleMs: number;
  mappingFor: (prefix: string) => FieldMapping;
}

/** What reading objects has to say beside their entries. */
interface ReadNotes {
  warnings: string[];
  untimed: UntimedRecords;
}

interface Candidate {
  object: ListedObject;
  /** The configured prefix the object sits under: its `prefix` label and its field mapping. */
  root: string;
  bounds: TimeBounds;
}

const UPDATED_SLACK_MS = 5 * 60_000;
const DOWNLOAD_TIMEOUT_MS = 120_000;

/**
 * Log records stored as objects under a few prefixes of one bucket. Objects never change
 * once written (a rewrite is a new generation), so parsed objects are cached by generation
 * and a dashboard refresh downloads only what is new.
 */
export class GcsSource implements LogSource {
  readonly name = 'gcs' as const;
  private readonly parsed: LRUCache<string, ParsedObject>;
  private readonly inFlight = new Map<string, Promise<ParsedObject>>();

  private readonly lister: FolderLister;
  private readonly calls = new CallCounter(this.name);

  constructor(private readonly options: GcsSourceOptions) {
    this.lister = new FolderLister(options.bucket, {
      slackMs: options.nameSlackMs,
      openTtlMs: options.listingTtlMs.open,
      closedTtlMs: options.listingTtlMs.closed,
      concurrency: options.downloadConcurrency,
      countCall: this.calls.count,
    });
    this.parsed = new LRUCache({
      maxSize: options.objectCacheEntries,
      sizeCalculation: (parsed) => Math.max(1, parsed.entries.length),
    });
  }

  observeCalls(observer: BackendCallObserver): void {
    this.calls.observe(observer);
  }

  async query(request: SourceRequest): Promise<SourceResult> {
    const stats = newStats();
    const warnings: string[] = [];
    const window = queryWindow(request);
    const prefixes = this.selectPrefixes(request, warnings);
    const candidates = await this.candidates(prefixes, window, stats, warnings);
    const untimed = new UntimedRecords((prefix) => this.timeFieldsOf(prefix));
    const entries = await this.readUntilFull(candidates, request, stats, { warnings, untimed });
    const untimedWarning = untimed.warning();
    if (untimedWarning) warnings.push(untimedWarning);
    return { entries, stats, warnings };
  }

  private selectPrefixes(request: SourceRequest, warnings: string[]): string[] {
    const selector = request.query.selectors.gcs;
    if (selector?.bucket && selector.bucket !== this.options.bucket.name) {
      warnings.push(`bucket ${selector.bucket} is not served here; reading ${this.options.bucket.name}`);
    }
    const wanted = selector?.prefixes?.length ? selector.prefixes : this.options.prefixes;
    return wanted.filter((prefix) => {
      const allowed = this.options.prefixes.some((root) => prefix.startsWith(root));
      if (!allowed)
        warnings.push(
          `prefix ${prefix} is outside the configured prefixes (${this.options.prefixes.join(', ')})`,
        );
      return allowed;
    });
  }

  private async candidates(
    prefixes: string[],
    window: TimeBounds,
    stats: GcsStats,
    warnings: string[],
  ): Promise<Candidate[]> {
    const budget: ListingBudget = { callsLeft: this.options.maxListCalls, calls: 0, cacheHits: 0 };
    const listed = await Promise.all(
      prefixes.map(async (prefix) => {
        const root = this.rootOf(prefix);
        try {
          const objects = await this.lister.candidates(prefix, window, budget);
          return objects.map((object) => ({ object, root }));
        } catch (error) {
          if (!(error instanceof ListingBudgetExceeded)) throw error;
          warnings.push(`${prefix}: ${error.message}; narrow the prefix or the time range`);
          return [];
        }
      }),
    );
    const objects = listed.flat();
    stats.listCalls = budget.calls;
    stats.listCacheHits = budget.cacheHits;
    stats.objectsListed = objects.length;
    const timeOptions = { nameSlackMs: this.options.nameSlackMs, updatedSlackMs: UPDATED_SLACK_MS };
    const candidates = objects
      .map(({ object, root }) => ({
        object,
        root,
        bounds: objectBounds(object.name, object.updated, timeOptions),
      }))
      .filter((candidate) => intersects(candidate.bounds, window));
    stats.objectsSkippedByTime = objects.length - candidates.length;
    return candidates;
  }

  private rootOf(prefix: string): string {
    return this.options.prefixes.find((root) => prefix.startsWith(root)) ?? prefix;
  }

  /**
   * Reads the newest objects first (oldest first going forward), a few at a time, and stops
   * once the page is full and no unread object can hold an entry that would still make it.
   */
  private async readUntilFull(
    candidates: Candidate[],
    request: SourceRequest,
    stats: GcsStats,
    notes: ReadNotes,
  ): Promise<LogEntry[]> {
    const backward = request.query.direction === 'backward';
    candidates.sort((a, b) => (backward ? b.bounds.hi - a.bounds.hi : a.bounds.lo - b.bounds.lo));
    const compare = comparatorFor(request.query.direction);
    const limit = pLimit(this.options.downloadConcurrency);
    let collected: LogEntry[] = [];
    for (let start = 0; start < candidates.length; start += this.options.downloadConcurrency) {
      const next = candidates[start];
      if (next && pageIsFull(collected, request.limit, next.bounds, backward)) break;
      const batch = candidates.slice(start, start + this.options.downloadConcurrency);
      const results = await Promise.all(
        batch.map((c) => limit(() => this.entriesOf(c, request, stats, notes))),
      );
      for (const entries of results) {
        stats.scanned += entries.length;
        for (const entry of entries) if (request.matches(entry)) collected.push(entry);
      }
      collected = collected.sort(compare).slice(0, request.limit);
    }
    return collected;
  }

  private async entriesOf(
    { object, root }: Candidate,
    request: SourceRequest,
    stats: GcsStats,
    { warnings, untimed }: ReadNotes,
  ): Promise<LogEntry[]> {
    stats.objectsRead += 1;
    try {
      const parsed = await this.parsedObject(object, root, stats);
      if (parsed.strayLines > 0)
        warnings.push(`object ${object.name}: ${parsed.strayLines} lines were not JSON`);
      untimed.note({
        name: object.name,
        prefix: root,
        untimed: parsed.untimed,
        total: parsed.entries.length,
      });
      return parsed.entries;
    } catch (error) {
      if (request.signal.aborted) throw error;
      warnings.push(`object ${object.name} could not be read: ${describeError(error)}`);
      return [];
    }
  }

  private async parsedObject(object: ListedObject, root: string, stats: GcsStats): Promise<ParsedObject> {
    const key = `${object.name}#${object.generation}`;
    const cached = this.parsed.get(key);
    if (cached) {
      stats.objectCacheHits += 1;
      return cached;
    }
    const parsed = await this.download(key, object, root);
    stats.objectsDownloaded += 1;
    stats.bytesDownloaded += parsed.bytes;
    return parsed;
  }

  private timeFieldsOf(root: string): readonly string[] {
    return this.options.mappingFor(root).timestampFields;
  }

  /**
   * One download per object generation, however many queries want it at once. It is not
   * tied to the request that started it: a page that gave up still leaves the object parsed
   * for the next refresh.
   */
  private download(key: string, object: ListedObject, root: string) {
    const pending = this.inFlight.get(key);
    if (pending) return pending;
    const origin = {
      bucket: this.options.bucket.name,
      name: object.name,
      prefix: root,
      fallbackTime: parseTimestamp(object.updated) ?? formatEpochMs(0),
      mapping: this.options.mappingFor(root),
    };
    const signal = AbortSignal.timeout(DOWNLOAD_TIMEOUT_MS);
    const limits = {
      maxBytes: this.options.maxObjectBytes,
      signal,
      idleTimeoutMs: this.options.downloadIdleMs,
    };
    this.calls.count('download');
    const call = readObject(this.options.bucket, origin, limits)
      .then((parsed) => {
        this.parsed.set(key, parsed);
        return parsed;
      })
      .finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, call);
    return call;
  }

  contextScope(id: string): StreamScope | undefined {
    return gcsContextScope(id);
  }

  /** Lists the folders still written to every `pollMs` and reads the objects new since `sinceMs`. */
  follow(sink: FollowSink, options: FollowOptions): Follower {
    const { bucket, prefixes, nameSlackMs, listingTtlMs, maxListCalls } = this.options;
    return new GcsFollower({
      bucket,
      prefixes,
      read: (object, root) => this.readListed(object, root),
      sink,
      sinceMs: options.sinceMs,
      intervalMs: options.pollMs,
      nameSlackMs,
      closedListingTtlMs: listingTtlMs.closed,
      maxListCalls,
      countCall: this.calls.count,
    });
  }

  /**
   * One listed object's entries through the parsed-object cache and the in-flight
   * coalescing that queries use: what a follower reads is then already parsed when a
   * dashboard asks for it.
   */
  private async readListed(object: ListedObject, root: string): Promise<LogEntry[]> {
    const key = `${object.name}#${object.generation}`;
    return (this.parsed.get(key) ?? (await this.download(key, object, root))).entries;
  }

  async listValues(field: MetaField): Promise<string[] | undefined> {
    if (field === 'buckets') return [this.options.bucket.name];
    if (field === 'prefixes') return [...this.options.prefixes].sort();
    return undefined;
  }

  async health(): Promise<SourceHealth> {
    this.calls.count('list');
    const [files] = await this.options.bucket.getFiles({ maxResults: 1, autoPaginate: false });
    return {
      up: true,
      detail: `bucket ${this.options.bucket.name} reachable (${files.length > 0 ? 'has objects' : 'empty'})`,
    };
  }
}

/** Work counters a page reports, so pushdown can be seen (and tested) rather than assumed. */
interface GcsStats extends SourceStats {
  listCalls: number;
  listCacheHits: number;
  objectsListed: number;
  objectsSkippedByTime: number;
  objectsRead: number;
  objectsDownloaded: number;
  objectCacheHits: number;
  bytesDownloaded: number;
}

function newStats(): GcsStats {
  return {
    scanned: 0,
    listCalls: 0,
    listCacheHits: 0,
    objectsListed: 0,
    objectsSkippedByTime: 0,
    objectsRead: 0,
    objectsDownloaded: 0,
    objectCacheHits: 0,
    bytesDownloaded: 0,
  };
}

/** The query's window in epoch ms, narrowed by the cursor position. */
function queryWindow({ query, after }: SourceRequest): TimeBounds {
  let lo = timestampMs(query.from);
  let hi = timestampMs(query.to);
  if (after && query.direction === 'backward') hi = Math.min(hi, timestampMs(after.timestamp));
  if (after && query.direction === 'forward') lo = Math.max(lo, timestampMs(after.timestamp));
  return { lo, hi };
}

/**
 * Full, and the next object cannot beat the page's last entry: every record it holds is
 * strictly older (newer, going forward) than that entry, to the millisecond.
 */
function pageIsFull(collected: LogEntry[], limit: number, next: TimeBounds, backward: boolean): boolean {
  const last = collected[limit - 1];
  if (!last) return false;
  const lastMs = timestampMs(last.timestamp);
  return backward ? next.hi < lastMs : next.lo > lastMs;
}
