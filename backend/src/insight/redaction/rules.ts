/**
 * Secret redaction for log content that leaves the backend (LLM summaries).
 *
 * Every rule lives in one combined regular expression, compiled once per option set, so a
 * text is scanned in a single left-to-right pass: where two rules could apply, the match
 * that starts first wins. (A secret glued to other text costs a second pass; see the end.)
 *
 * Backtracking safety: each rule starts with a literal (`sk-`, `AIza`, `-----BEGIN`, `://`,
 * a key word such as `password`) or with a "start of token" look-behind, so a long run of
 * similar characters is entered once, not once per character; repetitions use disjoint
 * alternatives, never nested quantifiers over the same characters. The test suite feeds
 * 1 MB adversarial lines.
 *
 * False positives are treated as bugs too, because a redacted timestamp or count makes a
 * summary useless. The decisions:
 * - Only *named* secrets are redacted by key: `password`, `passwd`, `pwd`, `secret`, `token`,
 *   `api_key`/`apikey`, `private_key(_id)`, `secret_key`, `secret_access_key`, with any
 *   prefix (`db_password`, `clientSecret`, `x-api-key`, `spring.datasource.password`). The key
 *   must *end* with the family name, so `tokens=1234`, `max_tokens`, `token_count`,
 *   `prompt_tokens`, `secretName`, `password_hash` stay: they are counts or references.
 * - A key needs a value right after `=` or `:`. `key: value` with neither side quoted is only
 *   read as a secret at the start of a line (YAML, header dumps) or after `{`, `,`, `;`, so
 *   prose such as "failed to reset password: user not found" stays. A quoted value is taken
 *   anywhere (`invalid password: 'hunter2'`). In text, a secret key whose value is a JSON
 *   object or array is left to the rules that apply inside it; `redactValue` hides it whole.
 * - `sk-` needs a key kind (`sk-proj-`, `sk-svcacct-`, `sk-admin-`) or 32+ letters and digits
 *   in one run, so pod names such as `sk-worker-5d8f7b9c4-x2x7q` stay.
 * - Placeholder values stay (`null`, `true`, `***`, `""`, `${DB_PASSWORD}`), as do
 *   pagination cursors (`pageToken`, `nextPageToken`, `resumeToken`) and `PWD=/some/path`
 *   (the shell's working directory, not a password).
 * - A bare `Bearer x` outside an Authorization header needs 16+ token characters including
 *   a digit, so "Bearer token missing" stays; inside an Authorization header anything goes.
 *   `Basic` credentials are only recognised inside an Authorization header.
 * - Hex ids, UUIDs, git SHAs, timestamps, prices and base64 without JWT dots match no rule.
 *   AWS secret access keys (40 base64 characters) are indistinguishable from hashes, so they
 *   are only caught by key name (`aws_secret_access_key=`).
 * - A PEM block whose END line is missing (truncated log line) is redacted up to the end of
 *   its base64 body: losing some text beats leaking half a key.
 * - E-mail addresses are off by default: they are personal data, not credentials, and
 *   `git@github.com` or `icon@2x.png` shapes are common in ordinary logs.
 */

export const REDACTION_TYPES = [
  'openai_key',
  'google_api_key',
  'google_oauth_token',
  'aws_access_key',
  'slack_token',
  'slack_webhook',
  'bearer_token',
  'basic_auth',
  'jwt',
  'private_key',
  'private_key_id',
  'url_password',
  'password',
  'secret',
  'token',
  'api_key',
  'email',
] as const;

/** What a marker says was removed. */
export type RedactionType = (typeof REDACTION_TYPES)[number];

/** The text that replaces a secret, e.g. `[REDACTED:openai_key]`. */
export type RedactionMarker = `[REDACTED:${RedactionType}]`;

export const redactionMarker = (type: RedactionType): RedactionMarker => `[REDACTED:${type}]`;

/** How many secrets of each type were replaced; types with none are absent. */
export type RedactionCounts = Partial<Record<RedactionType, number>>;

export interface RedactionResult {
  text: string;
  counts: RedactionCounts;
  total: number;
}

// ---------------------------------------------------------------------------------------------
// Pattern building blocks

/** `api_key` → `[aA][pP][iI][_-]?[kK][eE][yY]`: keys are matched whatever their case or style. */
function keyWord(word: string): string {
  return word.replace(/[a-z]/g, (c) => `[${c}${c.toUpperCase()}]`).replace(/_/g, '[_-]?');
}

/** Key families, longest first so `private_key_id` is not read as `private_key`. */
const KEY_FAMILIES: ReadonlyArray<readonly [RedactionType, readonly string[]]> = [
  ['private_key_id', ['private_key_id']],
  ['private_key', ['private_key']],
  ['secret', ['secret_access_key', 'secret_key', 'secret']],
  ['api_key', ['api_key']],
  ['password', ['password', 'passwd', 'pwd']],
  ['token', ['token']],
];

export const FAMILY_WORDS = KEY_FAMILIES.flatMap(([, words]) => words.map(keyWord)).join('|');

const AUTH_CONTEXT = String.raw`${keyWord('authorization')}["'\\]*[ \t]*[:=][ \t]*["'\\]*`;

/** Characters a key name may hold besides the family word (`spring.datasource.`, `x-`). */
export const KEY_CHARS = String.raw`[A-Za-z0-9_.-]`;

/**
 * Where an unquoted value may follow a key: after `=`, after a quoted key, or after an
 * unquoted key that starts a line (also an escaped `\n` inside JSON) or follows `{ , ; (`.
 */
const UNQUOTED_VALUE_CONTEXT = String.raw`(?<=(?:=|["'][ \t]*:|(?:^|[{,;(]|\\[nrt])[ \t]*(?:-[ \t]+)?${KEY_CHARS}+[ \t]*:)[ \t]*)`;

/**
 * What may follow a quoted value. In `{"note":"token=","next":1}` the quote after `token=`
 * closes a string instead of opening a value; the letter after the next quote gives it away.
 */
const AFTER_QUOTED_VALUE = String.raw`(?=[\s,;&}\])\\.>"']|$)`;

/**
 * `key = value` in its common spellings: query strings, logfmt, JSON (also escaped inside a
 * JSON string, `\"password\":\"…\"`), Python/Node object dumps, YAML. The match starts at
 * the family word, which is cheap to look for; the key's prefix is read back when needed.
 */
const KEYED = [
  `(?<kfamily>${FAMILY_WORDS})`,
  String.raw`(?<kcq>\\*["'])?`,
  String.raw`[ \t]*(?:=(?!=)|:)[ \t]*`,
  '(?:',
  String.raw`(?<kdq>\\*")(?<kdv>(?:[^"\\\n]|\\.)*?)\k<kdq>${AFTER_QUOTED_VALUE}`,
  String.raw`|(?<ksq>\\*')(?<ksv>(?:[^'\\\n]|\\.)*?)\k<ksq>${AFTER_QUOTED_VALUE}`,
  // A lone backslash ends the value, so an escaped quote of an enclosing JSON string survives.
  String.raw`|${UNQUOTED_VALUE_CONTEXT}(?<kuv>\$\{[A-Za-z0-9_.:-]*\}|(?:[^\s&,;"'<>(){}\[\]\\]|\\\\)+)`,
  ')',
].join('');

/** The base64 body of a PEM block, its optional legacy headers, and escaped line breaks. */
const PEM_BODY = String.raw`(?:[A-Za-z0-9+/=:,\s]|-(?!----)|\\[\\nrt])*`;
const PEM_LABEL = String.raw`[ A-Z0-9]*PRIVATE KEY(?: BLOCK)?-----`;
const PEM = String.raw`-----BEGIN${PEM_LABEL}${PEM_BODY}(?:-----END${PEM_LABEL})?`;

const B64_TOKEN = String.raw`[A-Za-z0-9._~+/-]`;
const BEARER = [
  String.raw`(?<![A-Za-z0-9_])(?<bscheme>${keyWord('bearer')}[ \t]+)`,
  String.raw`(?:(?<=${AUTH_CONTEXT}${keyWord('bearer')}[ \t]+)`,
  String.raw`|(?=[A-Za-z._~+/-]*[0-9])(?=${B64_TOKEN}{16}))`,
  String.raw`${B64_TOKEN}+=*`,
].join('');

const BASIC = String.raw`(?<bbscheme>${keyWord('basic')}[ \t]+)(?<=${AUTH_CONTEXT}${keyWord('basic')}[ \t]+)[A-Za-z0-9+/]+=*`;

/** `scheme://user:password@host`: the password may hold `@`, the last one ends it. */
const URL_PASSWORD = String.raw`(?<uprefix>:\/\/[^\s:/?#@\[\]"'<>\\]*:)(?<upass>(?:[^\s/?#"'<>\\]|\\\\)+)@`;

const TOKEN_START = String.raw`(?<![A-Za-z0-9_-])`;
// Project, service-account and admin keys carry a kind; older keys are one unbroken run.
const OPENAI_KEY = String.raw`${TOKEN_START}sk-(?:(?:proj|svcacct|admin|None)-[A-Za-z0-9_-]{20,}|(?=[A-Za-z]*[0-9])[A-Za-z0-9]{32,})`;
const GOOGLE_API_KEY = String.raw`${TOKEN_START}AIza[0-9A-Za-z_-]{35}(?![A-Za-z0-9_-])`;
const GOOGLE_OAUTH_TOKEN = String.raw`${TOKEN_START}ya29\.[0-9A-Za-z_-]{20,}`;
const AWS_ACCESS_KEY = String.raw`(?<![A-Za-z0-9])(?:AKIA|ASIA)[A-Z0-9]{16}(?![A-Za-z0-9])`;
const SLACK_TOKEN = String.raw`${TOKEN_START}xox[abeoprs]-[A-Za-z0-9-]{10,}`;
const SLACK_WEBHOOK = String.raw`(?<wprefix>hooks\.slack\.com\/services\/)[A-Za-z0-9_\/-]+`;
const JWT = String.raw`${TOKEN_START}eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*`;
const EMAIL = String.raw`(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}(?![A-Za-z0-9-])`;

// ---------------------------------------------------------------------------------------------
// Rules

export interface Match {
  readonly text: string;
  readonly index: number;
  readonly value: string;
  group(name: string): string | undefined;
  /** Counts one secret of this type and returns its marker. */
  mark(type: RedactionType): RedactionMarker;
  /** The precise type of a value that is, as a whole, one recognisable secret. */
  probe(value: string): RedactionType | undefined;
}

/** Either the replacement for the whole match, or where to resume scanning unchanged. */
export type Outcome = string | { readonly resumeAt: number };

export interface Rule {
  /** Name of the capture group that wraps the rule in the combined expression. */
  readonly id: string;
  readonly pattern: string;
  readonly apply: (match: Match) => Outcome;
  /** Set when the whole match is one secret of this type (also used to name keyed values). */
  readonly whole?: RedactionType;
  readonly optional?: 'emails';
}

const MARKER = /^\[REDACTED:[a-z_]+\]$/;
export const isMarker = (text: string): boolean => MARKER.test(text);

/** Values that say "nothing here": redacting them only hides useful facts. */
const PLACEHOLDER = /^(?:|null|nil|none|undefined|true|false|\*+|x{3,}|<redacted>|redacted|\$\{[^}]*\})$/i;

/** Keys that end like a secret but name a pagination or sync cursor. */
export const CURSOR_KEY = /(?:page|resume|continuation|sync)token$/;

export const normalizeKey = (key: string): string => key.toLowerCase().replace(/[_.-]/g, '');

/** Family word in any spelling (`apiKey`, `API-KEY`), normalized → its type. */
const FAMILY_TYPES: ReadonlyMap<string, RedactionType> = new Map(
  KEY_FAMILIES.flatMap(([type, words]) => words.map((word) => [normalizeKey(word), type] as const)),
);

const familySpellings = new Map<string, RedactionType>();

/** The type of a family word as written; spellings are few, so they are remembered. */
function familyType(word: string): RedactionType {
  let type = familySpellings.get(word);
  if (type === undefined) {
    type = FAMILY_TYPES.get(normalizeKey(word)) ?? 'token';
    if (familySpellings.size < 4096) familySpellings.set(word, type);
  }
  return type;
}

export const isPlaceholder = (value: string): boolean => PLACEHOLDER.test(value) || isMarker(value);

/** Keys whose value is not a secret although their name ends like one. */
export function isHarmlessKey(key: string, value: string): boolean {
  const normalized = normalizeKey(key);
  if (CURSOR_KEY.test(normalized)) return true;
  // `PWD=/srv/app` in an environment dump is the working directory.
  return normalized === 'pwd' && value.startsWith('/');
}

/** The type of an object key that ends with a family word. */
export function familyOf(key: string): RedactionType {
  const normalized = normalizeKey(key);
  for (const [word, type] of FAMILY_TYPES) {
    if (normalized.endsWith(word)) return type;
  }
  return 'token';
}

const KEY_PREFIX_CHAR = /[A-Za-z0-9_.-]/;
/** Long enough for any real key name; bounded so a huge identifier costs nothing extra. */
const MAX_KEY_PREFIX = 128;

/** The full key name that ends with the family word found at `index`. */
function keyBefore(text: string, index: number, family: string): string {
  let start = index;
  while (start > 0 && index - start < MAX_KEY_PREFIX && KEY_PREFIX_CHAR.test(text[start - 1] ?? '')) {
    start -= 1;
  }
  return text.slice(start, index) + family;
}

/** Shorter than any secret with its own type (an AWS key id has 20 characters). */
const MIN_PROBED_LENGTH = 15;

function applyKeyed(match: Match): Outcome {
  const family = match.group('kfamily') ?? '';
  const value = match.group('kdv') ?? match.group('ksv') ?? match.group('kuv') ?? '';
  const closing = match.group('kdq') ?? match.group('ksq') ?? '';
  const valueAt = match.index + match.value.length - value.length - closing.length;
  const type = familyType(family);
  // Kept values are scanned again: a cursor or placeholder may still embed a secret.
  if (isPlaceholder(value)) return { resumeAt: valueAt };
  const mayBeHarmless = type === 'token' || (type === 'password' && value.startsWith('/'));
  if (mayBeHarmless && isHarmlessKey(keyBefore(match.text, match.index, family), value)) {
    return { resumeAt: valueAt };
  }
  const prefix = match.value.slice(0, valueAt - match.index);
  // A value that is itself one recognisable secret keeps its more precise marker.
  const marker = match.mark((value.length >= MIN_PROBED_LENGTH ? match.probe(value) : undefined) ?? type);
  if (match.group('kuv') === undefined) return prefix + marker + closing;
  // `"password": 1234` must stay JSON: quote the marker the way the key is quoted.
  const quote = match.group('kcq') ?? '';
  return prefix + quote + marker + quote;
}

function whole(type: RedactionType): Pick<Rule, 'apply' | 'whole'> {
  return { whole: type, apply: (match) => match.mark(type) };
}

export const RULES: readonly Rule[] = [
  { id: 'r_pem', pattern: PEM, ...whole('private_key') },
  { id: 'r_keyed', pattern: KEYED, apply: applyKeyed },
  {
    id: 'r_bearer',
    pattern: BEARER,
    apply: (match) => `${match.group('bscheme') ?? ''}${match.mark('bearer_token')}`,
  },
  {
    id: 'r_basic',
    pattern: BASIC,
    apply: (match) => `${match.group('bbscheme') ?? ''}${match.mark('basic_auth')}`,
  },
  {
    id: 'r_url',
    pattern: URL_PASSWORD,
    apply: (match) =>
      isMarker(match.group('upass') ?? '')
        ? { resumeAt: match.index + match.value.length }
        : `${match.group('uprefix') ?? ''}${match.mark('url_password')}@`,
  },
  { id: 'r_openai', pattern: OPENAI_KEY, ...whole('openai_key') },
  { id: 'r_google', pattern: GOOGLE_API_KEY, ...whole('google_api_key') },
  { id: 'r_ya29', pattern: GOOGLE_OAUTH_TOKEN, ...whole('google_oauth_token') },
  { id: 'r_aws', pattern: AWS_ACCESS_KEY, ...whole('aws_access_key') },
  { id: 'r_slack', pattern: SLACK_TOKEN, ...whole('slack_token') },
  {
    id: 'r_hook',
    pattern: SLACK_WEBHOOK,
    apply: (match) => `${match.group('wprefix') ?? ''}${match.mark('slack_webhook')}`,
  },
  { id: 'r_jwt', pattern: JWT, ...whole('jwt') },
  { id: 'r_email', pattern: EMAIL, ...whole('email'), optional: 'emails' },
];
