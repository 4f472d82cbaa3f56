import { z } from 'zod';
import { integer } from './env.js';

export const tailEnv = {
  // Grafana's data-source proxy gives up on a request after `[dataproxy] timeout` (30 s by
  // default, also the data source's own `timeout`): a stream ends itself before that and the
  // client resumes from its last event id.
  TAIL_MAX_STREAM_SECONDS: integer(1, 3_600, 25),
  TAIL_HEARTBEAT_SECONDS: integer(1, 300, 10),
  TAIL_MAX_SUBSCRIBERS: integer(1, 100_000, 1_000),
  // Every Grafana viewer comes through the data source's one token: the bound is per data source.
  TAIL_MAX_SUBSCRIBERS_PER_TOKEN: integer(1, 100_000, 250),
  TAIL_BUFFER_ENTRIES: integer(10, 1_000_000, 10_000),
};

type TailEnv = z.infer<z.ZodObject<typeof tailEnv>>;

/** The live tail (`GET /logs/tail`): how long a stream lives, how many there may be, what is kept to resume. */
export interface TailConfig {
  maxStreamMs: number;
  heartbeatMs: number;
  maxSubscribers: number;
  maxSubscribersPerToken: number;
  /** Recent entries kept per process (and in the Redis stream) for resuming from a cursor. */
  bufferEntries: number;
}

export const tailConfig = (e: TailEnv): TailConfig => ({
  maxStreamMs: e.TAIL_MAX_STREAM_SECONDS * 1000,
  heartbeatMs: e.TAIL_HEARTBEAT_SECONDS * 1000,
  maxSubscribers: e.TAIL_MAX_SUBSCRIBERS,
  maxSubscribersPerToken: e.TAIL_MAX_SUBSCRIBERS_PER_TOKEN,
  bufferEntries: e.TAIL_BUFFER_ENTRIES,
});
