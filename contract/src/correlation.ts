import { escapeRegex } from './regex.js';

/**
 * Correlation keys: the fields that tie one order's traces together across GCS, Firestore
 * and pod lines. The backend finds them to answer `/logs/related` and to recognise copies of
 * one record; the data-source plugin finds them to link any of them to the Related view.
 */

/** What `CORRELATION_FIELDS` is unless set. */
export const DEFAULT_CORRELATION_FIELDS = ['order_id', 'trade_id', 'reflection_id', 'request_id'] as const;

/**
 * How GPT Runner+ spells each kind of id, so a bare id in message text (`order filled
 * ord-3f9a…`) is recognised without its field name. A field not listed here is still found
 * in text as `name=value`, `name: value` or `"name":"value"`.
 */
export const CORRELATION_TEXT_PREFIXES: Readonly<Record<string, string>> = {
  order_id: 'ord-',
  trade_id: 'trd-',
  reflection_id: 'refl-',
  request_id: 'req-',
};

/** One configured key and the id prefix recognised in text, if any. */
export interface CorrelationField {
  name: string;
  textPrefix?: string;
}

/** The defaults with their prefixes. */
export const defaultCorrelationFields = (): CorrelationField[] =>
  DEFAULT_CORRELATION_FIELDS.map((name) => ({ name, textPrefix: CORRELATION_TEXT_PREFIXES[name] }));

/** A field name a correlation key or a reconciled field may have. */
export const CORRELATION_FIELD_NAME = /^[A-Za-z_][A-Za-z0-9_.-]{0,63}$/;
const TEXT_PREFIX = /^[A-Za-z0-9][A-Za-z0-9_-]{0,15}$/;

/**
 * `order_id,job_id:job-`: how `CORRELATION_FIELDS` (and the data source's copy of it) spells
 * the keys, each `field` or `field:id-prefix`; a known field without a prefix gets its own.
 * The first problem is returned instead, for the backend to refuse the setting with.
 */
export function parseCorrelationFields(text: string): { fields: CorrelationField[] } | { problem: string } {
  const fields: CorrelationField[] = [];
  for (const item of text.split(',').map((s) => s.trim())) {
    const [name = '', prefix, ...rest] = item.split(':');
    if (
      !CORRELATION_FIELD_NAME.test(name) ||
      rest.length > 0 ||
      (prefix !== undefined && !TEXT_PREFIX.test(prefix))
    )
      return { problem: `"${item}" is not field or field:id-prefix (e.g. order_id:ord-)` };
    if (fields.some((f) => f.name === name)) return { problem: `${name} is listed twice` };
    fields.push({ name, textPrefix: prefix ?? CORRELATION_TEXT_PREFIXES[name] });
  }
  return { fields };
}

/** What an id may be: long enough to be specific, no spaces, no quotes (bounded, so scans stay cheap). */
export const CORRELATION_VALUE = /^[A-Za-z0-9][A-Za-z0-9._:\-/]{2,127}$/;

/** The shape of an entry the finder reads (a `LogEntry`, or a row of a frame). */
export interface CorrelationSubject {
  message: string;
  labels: Record<string, string>;
  payload?: unknown;
}

const VALUE_CHARS = '[A-Za-z0-9][A-Za-z0-9._:\\-/]{2,127}';

const compiled = new Map<string, RegExp[]>();

/** A field's patterns in free text: its prefix as a whole word, and `name=value` forms (compiled once). */
function textPatterns(field: CorrelationField): RegExp[] {
  const key = `${field.name}\u0000${field.textPrefix ?? ''}`;
  const known = compiled.get(key);
  if (known) return known;
  const name = escapeRegex(field.name);
  const patterns = [new RegExp(`(?:^|[^A-Za-z0-9_])"?${name}"?\\s*[:=]\\s*"?(${VALUE_CHARS})`, 'g')];
  if (field.textPrefix) {
    const prefix = escapeRegex(field.textPrefix);
    patterns.push(
      new RegExp(`(?:^|[^A-Za-z0-9_-])(${prefix}[A-Za-z0-9][A-Za-z0-9_-]{1,120})(?![A-Za-z0-9_-])`, 'g'),
    );
  }
  compiled.set(key, patterns);
  return patterns;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const scalar = (value: unknown): string | undefined =>
  typeof value === 'string' || typeof value === 'number' ? String(value) : undefined;

/**
 * The correlation values an entry carries, per field: in its labels, in its payload (top
 * level, and one level down, where GPT Runner+ nests `order: {order_id}`), in its message.
 * Own properties only, so a field named `constructor` is never read from a prototype.
 */
export function correlationValues(
  subject: CorrelationSubject,
  fields: readonly CorrelationField[],
): Record<string, string[]> {
  const found: Record<string, string[]> = Object.create(null) as Record<string, string[]>;
  const add = (name: string, value: string | undefined): void => {
    if (value === undefined || !CORRELATION_VALUE.test(value)) return;
    const list = (found[name] ??= []);
    if (!list.includes(value)) list.push(value);
  };
  const records = isRecord(subject.payload)
    ? [subject.payload, ...Object.values(subject.payload).filter(isRecord)]
    : [];
  for (const field of fields) {
    if (Object.hasOwn(subject.labels, field.name)) add(field.name, subject.labels[field.name]);
    for (const record of records)
      if (Object.hasOwn(record, field.name)) add(field.name, scalar(record[field.name]));
    for (const pattern of textPatterns(field)) {
      for (const match of subject.message.matchAll(pattern)) add(field.name, match[1]);
    }
  }
  return found;
}

/**
 * Whether an entry carries `value` under `field` anywhere the finder looks. Most entries do
 * not mention the value at all, which a substring test settles before any pattern runs.
 */
export function carriesValue(subject: CorrelationSubject, field: CorrelationField, value: string): boolean {
  const mentioned =
    subject.message.includes(value) ||
    Object.values(subject.labels).includes(value) ||
    (subject.payload !== undefined && JSON.stringify(subject.payload).includes(value));
  return mentioned && (correlationValues(subject, [field])[field.name]?.includes(value) ?? false);
}
