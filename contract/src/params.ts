/**
 * The parameter names each endpoint accepts. The backend validates exactly these (anything
 * else is refused by name); the data-source plugin builds its requests from them.
 */

/** Every log listing (`/logs`, `/logs/{source}`) and everything built on a listing. */
export const LOG_QUERY_PARAM_NAMES = [
  'source',
  'from',
  'to',
  'severity',
  'minSeverity',
  'search',
  'regex',
  'label',
  'limit',
  'cursor',
  'direction',
  'bucket',
  'prefix',
  'collection',
  'namespace',
  'selector',
  'pod',
  'container',
  'previous',
] as const;

export type LogQueryParamName = (typeof LOG_QUERY_PARAM_NAMES)[number];

/** `GET /logs/patterns`: a listing read across pages up to `maxEntries`. */
export const PATTERN_PARAM_NAMES = [...LOG_QUERY_PARAM_NAMES, 'maxEntries'] as const;

/**
 * `POST /logs/summary` (JSON body): the pattern parameters plus a free-text `focus`, and for a
 * caller that is Grafana its base URL and the data source's uid, so the summary's "check
 * next" items are Explore links.
 */
export const SUMMARY_PARAM_NAMES = [...PATTERN_PARAM_NAMES, 'focus', 'grafanaUrl', 'datasourceUid'] as const;

/** `GET /logs/volume`: a listing counted into buckets of `step`. */
export const VOLUME_PARAM_NAMES = [...LOG_QUERY_PARAM_NAMES, 'step', 'maxEntries'] as const;

/** `GET /logs/context`: the row, a direction and how many lines. */
export const CONTEXT_PARAM_NAMES = ['source', 'id', 'timestamp', 'direction', 'limit'] as const;

/** `GET /meta/{field}`: what narrows a list of values. */
export const META_SCOPE_PARAM_NAMES = ['namespace', 'pod', 'bucket'] as const;

export type PatternParamName = (typeof PATTERN_PARAM_NAMES)[number];
export type SummaryParamName = (typeof SUMMARY_PARAM_NAMES)[number];
export type VolumeParamName = (typeof VOLUME_PARAM_NAMES)[number];
export type ContextParamName = (typeof CONTEXT_PARAM_NAMES)[number];
export type MetaScopeParamName = (typeof META_SCOPE_PARAM_NAMES)[number];
