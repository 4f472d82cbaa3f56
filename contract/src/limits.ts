/** Bounds every client and the backend agree on. */

/** Entries per listing page. */
export const DEFAULT_LIMIT = 100;
export const MAX_LIMIT = 5000;

/** Entries patterns, summaries and volume counts read across pages (newest first). */
export const DEFAULT_MAX_ENTRIES = 5_000;
export const MAX_MAX_ENTRIES = 50_000;

/** `/logs/volume` counts up to this many entries unless `maxEntries` says otherwise. */
export const DEFAULT_VOLUME_MAX_ENTRIES = 50_000;

/** Grafana's panels stop being useful past a few thousand points; wider steps are chosen instead. */
export const MAX_VOLUME_BUCKETS = 11_000;

/** The automatic volume step aims at about this many buckets over the window. */
export const TARGET_VOLUME_BUCKETS = 120;

/** Lines of context around a row. */
export const DEFAULT_CONTEXT_LINES = 20;
export const MAX_CONTEXT_LINES = 500;

/** Characters of the Grafana base URL a summary links to. */
export const MAX_GRAFANA_URL_LENGTH = 2_000;

/** Characters of a data source uid (Grafana allows 40). */
export const MAX_DATASOURCE_UID_LENGTH = 40;

/** Characters of a summary's free-text focus. */
export const MAX_FOCUS_LENGTH = 1_000;

/** A JSON request body (`POST /logs/summary`): larger is refused with 413. */
export const MAX_JSON_BODY_BYTES = 64 * 1024;

/** Nesting of a JSON request body; deeper is refused with 400 before it is parsed. */
export const MAX_JSON_BODY_DEPTH = 16;

/**
 * Instants a time parameter (`from`, `to`, `timestamp`) may name, relative ones included:
 * 1970-01-01T00:00:00Z to 9999-12-31T23:59:59.999Z. Anything outside is a 400 naming it.
 */
export const MIN_TIME_MS = 0;
export const MAX_TIME_MS = 253_402_300_799_999;
