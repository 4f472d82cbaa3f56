import { entryKey, type LogQuery } from '../model/index.js';
import type { CursorCodec } from '../query/cursor.js';
import { absorbPartners, dedupeEntries } from '../query/correlation/dedupe.js';
import type { LogReader, PageResponse } from '../query/log-reader.js';

/** Copies of one record share their time; a few entries of the next page are enough to find a split pair. */
const PEEK = 10;

/**
 * `dedupe=true` on a page: pairs collapse within it, and a copy whose partner opens the next
 * page is joined with it, the cursor moving past the partner, so no page shows half a pair
 * that the next one completes. Copies are never dropped without the other one standing in:
 * a page that cannot pair an entry shows it as it is.
 */
export async function dedupePage(
  page: PageResponse,
  query: LogQuery,
  deps: { reader: LogReader; cursors: CursorCodec },
): Promise<PageResponse> {
  const result = dedupeEntries(page.entries);
  let nextCursor = page.nextCursor;
  const last = page.entries.at(-1);
  const waitingAtEnd =
    last && [...result.unpaired.values()].flat().some((i) => result.entries[i]?.timestamp === last.timestamp);
  if (nextCursor && last && waitingAtEnd) {
    const next = await deps.reader.page({ ...query, ...deps.cursors.decode(query, nextCursor), limit: PEEK });
    const sameTime = next.entries.filter((e) => e.timestamp === last.timestamp);
    const taken = absorbPartners(result, sameTime);
    const lastTaken = next.entries[taken - 1];
    if (lastTaken) {
      const more = taken < next.entries.length || next.nextCursor !== null;
      nextCursor = more ? deps.cursors.encode(query, entryKey(lastTaken)) : null;
    }
  }
  return {
    ...page,
    entries: result.entries,
    nextCursor,
    stats: { ...page.stats, returned: result.entries.length },
  };
}
