import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** What answering costs in reads: entries read from the sources per entry returned, and the segment cache. */
export function readMetrics(registry: Registry) {
  let segmentBytes: (() => number) | undefined;

  const readsPerEntry = new Histogram({
    name: 'log_aggregator_reads_per_returned_entry',
    help: 'Entries read from the sources per entry returned, per listing page (0 when the page came from cached segments).',
    buckets: [0, 0.1, 0.5, 1, 1.2, 1.5, 2, 3, 5, 10, 100],
    registers: [registry],
  });

  const entriesRead = new Counter({
    name: 'log_aggregator_source_entries_read_total',
    help: 'Entries (documents, lines, records) read from each source to answer queries.',
    labelNames: ['source'] as const,
    registers: [registry],
  });

  const segmentCacheBytes = new Gauge({
    name: 'log_aggregator_segment_cache_bytes',
    help: 'Bytes (as JSON) of settled segments held in this process, bounded by CACHE_SEGMENT_BYTES.',
    registers: [registry],
    collect: () => {
      if (segmentBytes) segmentCacheBytes.set(segmentBytes());
    },
  });

  return {
    readsPerEntry,
    entriesRead,
    segmentCacheBytes,
    /** One listing page: what each source read, and how many entries it returned. */
    observeReads: (readBySource: Record<string, number>, returned: number): void => {
      let total = 0;
      for (const [source, read] of Object.entries(readBySource)) {
        if (read > 0) entriesRead.inc({ source }, read);
        total += read;
      }
      if (returned > 0) readsPerEntry.observe(total / returned);
    },
    watchSegmentBytes: (bytes: () => number): void => {
      segmentBytes = bytes;
    },
  };
}

export type ReadMetrics = ReturnType<typeof readMetrics>;
