import { escapeRegex } from './regex.js';

/**
 * What a mined template means as a filter: the same on the backend (links in summaries) and
 * in the data-source plugin (a click on a pattern shows its lines).
 */

/** The placeholder a template has for each variable part of its lines. */
export const TEMPLATE_WILDCARD = '<*>';

/**
 * An RE2 regular expression (the backend's `regex=true` search) matching the lines of a
 * template: its constant words in order, any text where it has `<*>` (a variable may hold
 * spaces: a quoted string, free text, a unit the miner folded), any run of white space
 * between words. Anchored at both ends, so a template does not match the longer lines of
 * another. RE2 matches in linear time, so no template makes a slow search.
 */
export function templateRegex(template: string): string {
  const words = template
    .trim()
    .split(/\s+/)
    .map((word) => word.split(TEMPLATE_WILDCARD).map(escapeRegex).join('.*'));
  return `(?s)^\\s*${words.join('\\s+')}\\s*$`;
}
