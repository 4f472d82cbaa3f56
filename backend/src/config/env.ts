import { z } from 'zod';

/**
 * How environment variables are spelled and parsed: the building blocks every settings
 * module uses, so one kind of value reads (and fails) the same way everywhere.
 */

export const jsonArray = (inner: z.ZodType, what: string) =>
  z
    .string({ error: `is required: ${what}` })
    .transform((text, ctx) => {
      try {
        return JSON.parse(text) as unknown;
      } catch {
        ctx.addIssue({ code: 'custom', message: 'must be JSON' });
        return z.NEVER;
      }
    })
    .pipe(inner);

export const integer = (min: number, max: number, fallback: number) =>
  z.coerce.number().int().min(min).max(max).default(fallback);

export const csv = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((text) =>
      text
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    );

export const jsonMap = <T extends z.ZodType>(value: T, what: string) =>
  jsonArray(z.record(z.string(), value), what).optional();

/** `true`/`false` (also `1`/`0`), as environment variables spell flags. */
export const flag = (fallback: boolean) =>
  z
    .enum(['true', 'false', '1', '0'], { error: 'must be true or false' })
    .default(fallback ? 'true' : 'false')
    .transform((value) => value === 'true' || value === '1');

/** An unset and an empty variable mean the same: a Secret key left blank must not count as set. */
export const optionalText = z
  .string()
  .optional()
  .transform((value) => (value?.trim() ? value.trim() : undefined));

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/** `VARIABLE: message`, or `VARIABLE (at path): message` inside a JSON value. */
export function describeIssue(issue: z.core.$ZodIssue): string {
  const [variable, ...rest] = issue.path.map(String);
  const where = rest.length > 0 ? `${variable} (at ${rest.join('.')})` : variable;
  return `${where}: ${issue.message}`;
}
