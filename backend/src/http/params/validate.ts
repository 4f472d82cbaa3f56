import { MAX_TIME_MS, MIN_TIME_MS } from '@gpt-runner-logs/contract';
import { z } from 'zod';
import { formatEpochMs, parseTimestamp, timestampMs } from '../../model/index.js';
import { HttpProblem } from '../problem.js';

/**
 * The building blocks of every endpoint's parameters: raw query strings (and JSON bodies
 * with the same names) validated into typed values, and one 400 that names each bad
 * parameter. Everything inside the backend trusts what leaves here.
 */
export type RawParams = Record<string, unknown>;

const DURATION = /^(\d+(?:\.\d+)?)(ms|s|m|h|d|w)$/;
const UNIT_MS: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

/** `90s`, `5m`, `1h`, `2d` in milliseconds. */
export function parseDuration(text: string): number | undefined {
  const m = DURATION.exec(text.trim());
  if (!m) return undefined;
  return Number(m[1]) * (UNIT_MS[m[2] as string] as number);
}

/** What every time parameter accepts, for the 400 that names one. */
export const TIME_PARAM_FORMS =
  'must be RFC 3339, epoch milliseconds, now or now-<duration>, between 1970-01-01T00:00:00Z and 9999-12-31T23:59:59Z';

const inTimeRange = (ms: number): boolean => ms >= MIN_TIME_MS && ms <= MAX_TIME_MS;

/**
 * The one parser of time parameters (`from`, `to`, `timestamp`): RFC 3339, epoch
 * milliseconds (or seconds), `now`, or Grafana-style `now-1h`, naming an instant in the
 * contract's range (`MIN_TIME_MS` to `MAX_TIME_MS`); `undefined` for anything else, an
 * instant outside the range included (`now-99999999999999d`).
 */
export function parseTimeParam(text: string, nowMs: number): string | undefined {
  const relative = /^now(?:-(.+))?$/.exec(text.trim());
  if (relative) {
    const ms = relative[1] === undefined ? nowMs : nowMs - (parseDuration(relative[1]) ?? Number.NaN);
    return inTimeRange(ms) ? formatEpochMs(ms) : undefined;
  }
  const timestamp = parseTimestamp(text);
  return timestamp !== undefined && inTimeRange(timestampMs(timestamp)) ? timestamp : undefined;
}

export const single = z
  .union([z.string(), z.number(), z.boolean()], { error: 'must be given once' })
  .transform(String);

/** Comma-separated, repeated, or (in JSON bodies) an array: all mean a list. */
export const list = z
  .union([z.string(), z.array(z.string())], { error: 'must be a string or a list of strings' })
  .transform((value) =>
    (Array.isArray(value) ? value : [value])
      .flatMap((part) => part.split(','))
      .map((part) => part.trim())
      .filter((part) => part !== ''),
  );

/** Label matchers are repeated, never comma-split: a regex value may contain commas. */
export const repeated = z
  .union([z.string(), z.array(z.string())], { error: 'must be a string or a list of strings' })
  .transform((value) => (Array.isArray(value) ? value : [value]).filter((part) => part.trim() !== ''));

export const boolean = single.pipe(z.enum(['true', 'false', '1', '0'], { error: 'must be true or false' }));

type ParamShape = Record<string, z.ZodType>;

/** Validates raw parameters against a shape: unknown names and bad values become one 400. */
export function validateParams<S extends ParamShape>(
  raw: RawParams,
  shape: S,
): Partial<z.infer<z.ZodObject<S>>> {
  const optional = Object.fromEntries(
    Object.entries(shape).map(([name, schema]) => [name, schema.optional()]),
  );
  const result = z.strictObject(optional).safeParse(raw);
  if (result.success) return result.data as Partial<z.infer<z.ZodObject<S>>>;
  const errors = result.error.issues.flatMap((issue) => {
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({ param: key, detail: `${key}: is not a parameter of this endpoint` }));
    }
    const param = String(issue.path[0] ?? '');
    return [{ param, detail: `${param}: ${issue.message}` }];
  });
  const first = errors[0] ?? { param: '', detail: 'invalid parameters' };
  return throwBadParams(first, errors);
}

function throwBadParams(
  first: { param: string; detail: string },
  errors: { param: string; detail: string }[],
): never {
  const detail = errors.map((e) => e.detail).join('; ');
  throw new HttpProblem(400, detail, { param: first.param, errors });
}

export const bad = (param: string, detail: string): never =>
  throwBadParams({ param, detail: `${param}: ${detail}` }, [{ param, detail: `${param}: ${detail}` }]);

/** A whole number from 1 to `max`, or `fallback` when absent; anything else is a 400 naming `param`. */
export function wholeNumber(param: string, text: string | undefined, fallback: number, max: number): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!/^\d+$/.test(text.trim()) || value < 1 || value > max)
    bad(param, `must be a whole number from 1 to ${max}`);
  return value;
}
