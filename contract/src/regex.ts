/**
 * A text as a regular expression matching exactly it: RE2's metacharacters (the backend's
 * regex syntax, as Loki's and Prometheus's) escaped. Used wherever a value becomes a pattern.
 */
export const escapeRegex = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
