import { tokenize } from './tokenize.js';

/** The placeholder that stands for a variable part of a line. */
export const WILDCARD = '<*>';

/**
 * A quoted string, which may span spaces. The opening quote must start a word and the
 * closing one end it, so apostrophes inside words (can't, O'Brien) are left alone.
 */
const QUOTED = /(^|[\s=([{:,])(?:"[^"\n]*"|'[^'\n]*')(?=$|[\s)\]},;:.!?])/g;

/**
 * Day and month names, capitalized or upper-case (so the verb "may" is not one): the words
 * of dates such as `Fri Jun 17 07:07:00 2005`.
 */
const CALENDAR_WORDS = new Set(
  [
    'Mon Tue Wed Thu Fri Sat Sun Monday Tuesday Wednesday Thursday Friday Saturday Sunday',
    'Jan Feb Mar Apr May Jun Jul Aug Sep Sept Oct Nov Dec January February March April June July',
    'August September October November December',
  ]
    .join(' ')
    .split(' ')
    .flatMap((word) => [word, word.toUpperCase()]),
);

/** Units that follow a quantity and vary with it (`5.2 KB`, `93 B`, `120 ms`). */
const UNITS = new Set(
  'B KB MB GB TB PB KiB MiB GiB TiB kB b kb mb gb bytes ns us µs ms s sec secs min mins h hrs'.split(' '),
);

/** Characters that wrap a value without being part of it: brackets, quotes, punctuation. */
const OPENERS = new Set([...'([{<\'"']);
const CLOSERS = new Set([...')]}>\'",;:.!?']);

/**
 * Masks the variable parts of a line and returns its tokens, each either a constant word
 * or a token in which variables are `<*>`. One configuration for every log: variables are
 * recognized by their shape (digits, paths, URLs, quotes, `key=value`), never by a
 * vocabulary, so logs the miner has never seen are masked as well as familiar ones.
 */
export function maskLine(line: string): string[] {
  const text = line.includes('"') || line.includes("'") ? line.replace(QUOTED, maskQuoted) : line;
  const out: string[] = [];
  let dated = false;
  for (const token of tokenize(text)) {
    const masked = maskToken(token);
    const previous = out[out.length - 1];
    if (previous === WILDCARD && UNITS.has(masked)) continue;
    // Runs of one masked token (`<*> <*>`, `blk_<*> blk_<*>`) are lists of varying length.
    if (masked === previous && masked.includes(WILDCARD)) continue;
    dated ||= isCalendarWord(masked);
    out.push(masked);
  }
  return dated ? maskDates(out) : out;
}

/** `lead"any text"` → `lead"<*>"`: the quote character survives so the template reads naturally. */
function maskQuoted(match: string, lead: string): string {
  const quote = match.charAt(lead.length);
  return `${lead}${quote}${WILDCARD}${quote}`;
}

/** Day and month names next to a masked value are part of a date, which becomes one variable. */
function maskDates(tokens: string[]): string[] {
  for (let i = tokens.length - 1; i >= 0; i--) {
    if (!isCalendarWord(tokens[i] as string)) continue;
    if (tokens[i + 1] === WILDCARD || tokens[i - 1] === WILDCARD) tokens[i] = WILDCARD;
  }
  return tokens.filter((token, i) => token !== WILDCARD || tokens[i - 1] !== WILDCARD);
}

/** A length and capital-letter check first: most tokens are not dates, and hashing them costs. */
function isCalendarWord(token: string): boolean {
  if (token.length < 3 || token.length > 9) return false;
  const first = token.charCodeAt(0);
  return first >= 65 && first <= 90 && CALENDAR_WORDS.has(token);
}

/**
 * Masks one whitespace-free token. Wrapping punctuation is kept (`[10.0.0.1]` becomes
 * `[<*>]`) so templates stay readable and constant punctuation still tells events apart.
 */
export function maskToken(token: string): string {
  if (!mayHoldVariable(token)) return token;
  let start = 0;
  let end = token.length;
  while (start < end && OPENERS.has(token.charAt(start))) start++;
  // The `>` of a `<*>` the quote masking left is part of the variable, not punctuation.
  while (
    end > start &&
    CLOSERS.has(token.charAt(end - 1)) &&
    !token.startsWith(WILDCARD, end - WILDCARD.length)
  )
    end--;
  const core = token.slice(start, end);
  const masked = maskCore(core);
  if (masked === core) return token;
  return token.slice(0, start) + masked + token.slice(end);
}

/** Cheap pre-check: only tokens with a digit, `=`, `/` or `\` can hold a variable. */
function mayHoldVariable(token: string): boolean {
  for (let i = 0; i < token.length; i++) {
    const code = token.charCodeAt(i);
    if (isDigitCode(code) || code === 61 || code === 47 || code === 92) return true;
  }
  return false;
}

function maskCore(core: string): string {
  if (core === '' || core === WILDCARD) return core;
  if (core.includes('://') || isPath(core)) return WILDCARD;
  const pair = maskKeyValue(core);
  if (pair !== undefined) return pair;
  if (isNumberLike(core)) return WILDCARD;
  if (!hasDigit(core)) return core;
  return maskIdentifier(core);
}

/** Absolute, home, relative (`./`, `../`) and Windows paths. */
function isPath(core: string): boolean {
  if (core.length > 1 && core.charCodeAt(0) === 47) return true; // '/x'
  if (core.startsWith('./') || core.startsWith('../') || core.startsWith('~/')) return true;
  return WINDOWS_PATH.test(core);
}

const WINDOWS_PATH = /^[A-Za-z]:\\/;

/**
 * `key=value` keeps its key and masks any value; `key:value` and the dotted leaders of
 * register dumps (`depth.....0`) do so only when the value holds a digit, since a colon
 * also ends plain words (`error:`, `type:create`).
 */
function maskKeyValue(core: string): string | undefined {
  const equals = core.indexOf('=');
  if (equals > 0 && isWordCode(core.charCodeAt(equals - 1)) && core.charCodeAt(equals + 1) !== 61) {
    return equals === core.length - 1 ? core : core.slice(0, equals + 1) + WILDCARD;
  }
  const label = LABEL.exec(core);
  if (!label || !hasDigit(core.slice(label[0].length))) return undefined;
  return label[0] + WILDCARD;
}

/** A word key before a colon or a run of dots: `zxid:`, `instruction......`. */
const LABEL = /^[A-Za-z_][A-Za-z_.-]*?(?::|\.{2,})(?=[^:.])/;

/**
 * Numbers, IPv4/IPv6 addresses with ports, UUIDs, hex (`0x1f`, `deadbeef01`), dates and
 * times: digit-bearing tokens made only of hex digits and the separators those use.
 */
function isNumberLike(core: string): boolean {
  let digits = 0;
  for (let i = 0; i < core.length; i++) {
    const code = core.charCodeAt(i);
    if (isDigitCode(code)) digits++;
    else if (!isHexLetter(code) && !NUMBER_SEPARATORS.has(code) && !isHexPrefix(core, i)) return false;
  }
  return digits > 0;
}

/** . : - + , _ / and T Z (ISO 8601 dates). */
const NUMBER_SEPARATORS = new Set([46, 58, 45, 43, 44, 95, 47, 84, 90]);

/** The `x` of `0x`. */
function isHexPrefix(core: string, index: number): boolean {
  const code = core.charCodeAt(index);
  return index === 1 && (code === 120 || code === 88) && core.charCodeAt(0) === 48;
}

/**
 * A digit-bearing identifier. A snake_case kind prefix (`blk_-42`, `attempt_1445_0020`)
 * survives, because it names what the id is; anything else (host names, versions) is a
 * whole variable so that its spellings do not split one event into many.
 */
function maskIdentifier(core: string): string {
  const underscore = core.indexOf('_');
  if (underscore > 0 && LETTERS.test(core.slice(0, underscore)))
    return core.slice(0, underscore + 1) + WILDCARD;
  return WILDCARD;
}

const LETTERS = /^[A-Za-z]+$/;

function hasDigit(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (isDigitCode(text.charCodeAt(i))) return true;
  return false;
}

function isDigitCode(code: number): boolean {
  return code >= 48 && code <= 57;
}

function isHexLetter(code: number): boolean {
  return (code >= 97 && code <= 102) || (code >= 65 && code <= 70);
}

function isWordCode(code: number): boolean {
  return isDigitCode(code) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || code === 95;
}
