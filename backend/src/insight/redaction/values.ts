import type { TextEngine } from './engine.js';
import {
  CURSOR_KEY,
  FAMILY_WORDS,
  KEY_CHARS,
  familyOf,
  isHarmlessKey,
  isPlaceholder,
  normalizeKey,
  redactionMarker,
  type RedactionType,
} from './rules.js';

/**
 * Structured values (payloads, labels): every string goes through the text engine, and the
 * value under a secret-named key is replaced whole, whatever its type.
 */
const SECRET_KEY = new RegExp(`^${KEY_CHARS}*?(?:${FAMILY_WORDS})$`);
const AUTHORIZATION_KEY = /^(?:proxy[_-]?)?authorization$/i;
const AUTH_SCHEME = /^(bearer|basic)([ \t]+)\S/i;

function secretKeyType(key: string): RedactionType | 'authorization' | undefined {
  if (AUTHORIZATION_KEY.test(key)) return 'authorization';
  if (!SECRET_KEY.test(key) || CURSOR_KEY.test(normalizeKey(key))) return undefined;
  return familyOf(key);
}

/** `Bearer abc` keeps its scheme, which tells an operator which kind of auth failed. */
function redactAuthorization(value: string): string {
  const scheme = AUTH_SCHEME.exec(value);
  if (!scheme) return redactionMarker('token');
  const type: RedactionType = scheme[1]?.toLowerCase() === 'basic' ? 'basic_auth' : 'bearer_token';
  return `${scheme[1] ?? ''}${scheme[2] ?? ' '}${redactionMarker(type)}`;
}

function redactSecretField(
  key: string,
  type: RedactionType | 'authorization',
  value: unknown,
  engine: TextEngine,
): unknown {
  if (value === null || value === undefined || typeof value === 'boolean') return value;
  if (typeof value === 'string') {
    if (isPlaceholder(value) || isHarmlessKey(key, value)) return engine(value).text;
    if (type === 'authorization') return redactAuthorization(value);
  }
  return redactionMarker(type === 'authorization' ? 'token' : type);
}

const isPlainObject = (value: object): boolean => {
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
};

function defineField(target: object, key: string, value: unknown): void {
  // defineProperty, not assignment: a `__proto__` key in log data must stay a plain field.
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

export function createValueWalker(engine: TextEngine): (value: unknown) => unknown {
  const walk = (value: unknown, seen: WeakMap<object, unknown>): unknown => {
    if (typeof value === 'string') return engine(value).text;
    if (typeof value !== 'object' || value === null) return value;
    const known = seen.get(value);
    if (known !== undefined) return known;
    if (Array.isArray(value)) {
      const out: unknown[] = [];
      seen.set(value, out);
      for (const item of value) out.push(walk(item, seen));
      return out;
    }
    if (value instanceof Map) {
      const out = new Map<unknown, unknown>();
      seen.set(value, out);
      for (const [key, item] of value) out.set(walk(key, seen), fieldValue(key, item, seen));
      return out;
    }
    if (value instanceof Set) {
      const out = new Set<unknown>();
      seen.set(value, out);
      for (const item of value) out.add(walk(item, seen));
      return out;
    }
    if (!isPlainObject(value)) return value;
    const out: object = Object.create(Object.getPrototypeOf(value) as object | null) as object;
    seen.set(value, out);
    for (const [key, item] of Object.entries(value)) {
      defineField(out, engine(key).text, fieldValue(key, item, seen));
    }
    return out;
  };

  const fieldValue = (key: unknown, item: unknown, seen: WeakMap<object, unknown>): unknown => {
    const type = typeof key === 'string' ? secretKeyType(key) : undefined;
    if (type === undefined || typeof key !== 'string') return walk(item, seen);
    return redactSecretField(key, type, item, engine);
  };

  return (value) => walk(value, new WeakMap());
}
