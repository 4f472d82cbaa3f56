import type { z } from 'zod';

/**
 * Checks on the environment as a whole, before any value is parsed: a misspelled variable, a
 * placeholder left in a template, a blank value. Each would otherwise start a process that
 * quietly uses a default (`GCS_PREFIXS` set, `GCS_PREFIXES` read) or a value nobody meant.
 */

/**
 * Variables inside the service's own families (below) that other programs read, with who reads
 * them: not settings of the backend, and never reported as misspelled ones. Their values are still
 * checked for placeholders, since a deployment sets them for this service.
 */
export const FOREIGN_VARIABLES: Record<string, string> = {
  REDIS_PASSWORD: 'Kubernetes, which expands it into REDIS_URL (deployments/log-aggregator.yaml)',
  OPENAI_ORG_ID: 'the OpenAI client library (organization header)',
  OPENAI_PROJECT_ID: 'the OpenAI client library (project header)',
  OPENAI_WEBHOOK_SECRET: 'the OpenAI client library',
  OPENAI_LOG: 'the OpenAI client library (its own log level)',
  FIRESTORE_EMULATOR_KIND: 'the test suites’ emulator launcher (tests/support/emulators)',
  FIRESTORE_EMULATOR_JAR: 'the test suites’ emulator launcher (tests/support/emulators)',
};

/**
 * Kubernetes adds `<SERVICE>_SERVICE_HOST`, `<SERVICE>_PORT`, `<SERVICE>_PORT_6379_TCP…` for every
 * Service of the namespace: a Service named `redis` gives `REDIS_PORT`, which is not a typo.
 */
const SERVICE_LINK =
  /_(?:SERVICE_HOST|SERVICE_PORT(?:_[A-Z0-9_]+)?|PORT(?:_\d+_(?:TCP|UDP|SCTP)(?:_(?:PROTO|PORT|ADDR))?)?)$/;

/**
 * The service's families of variables: a first word shared by at least two of its settings
 * (`GCS_`, `FIRESTORE_`, `REDIS_`, …). Single ones (`LOG_LEVEL`, `GOOGLE_CLOUD_PROJECT`) make no
 * family: `LOG_` or `GOOGLE_` would claim variables of Kubernetes and of the Google clients.
 */
export function familiesOf(names: readonly string[]): string[] {
  const counts = new Map<string, number>();
  for (const name of names) {
    const cut = name.indexOf('_');
    if (cut > 0) counts.set(name.slice(0, cut + 1), (counts.get(name.slice(0, cut + 1)) ?? 0) + 1);
  }
  return [...counts].filter(([, count]) => count >= 2).map(([prefix]) => prefix);
}

/** Tokens templates use for "fill this in"; matched as whole words, in capitals, or `<…>`. */
const PLACEHOLDER =
  /(?<![A-Za-z0-9_])(?:REPLACE_ME|REPLACEME|CHANGE_ME|CHANGEME|PROJECT_ID|TODO|FIXME|XXX+)(?![A-Za-z0-9_])|<[^<>\s][^<>]*>/;

/** The placeholder a value holds, if any; only the placeholder is shown, never the (maybe secret) value. */
export function placeholderIn(value: string): string | undefined {
  return PLACEHOLDER.exec(value)?.[0];
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++)
      current[j] = Math.min(
        (previous[j] ?? 0) + 1,
        (current[j - 1] ?? 0) + 1,
        (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    previous = current;
  }
  return previous[b.length] ?? 0;
}

/** The known variable closest to a misspelled one, when it is close enough to be meant. */
export function closestName(name: string, known: readonly string[]): string | undefined {
  let best: { name: string; distance: number } | undefined;
  for (const candidate of known) {
    const distance = editDistance(name, candidate);
    if (!best || distance < best.distance) best = { name: candidate, distance };
  }
  if (best && best.distance <= Math.max(2, Math.floor(best.name.length / 4))) return best.name;
  // A name cut short: `CACHE_TTL` for `CACHE_TTL_SECONDS`, when only one setting continues it.
  const continued = known.filter((candidate) => candidate.startsWith(`${name}_`));
  return continued.length === 1 ? continued[0] : undefined;
}

export interface StrictCheck {
  /** `VARIABLE: message`, like the parsing problems, for the service's own settings. */
  problems: string[];
  /** The same for variables that are not settings of the service. */
  unknown: string[];
  /** Variables already reported, whose parsing problems would only repeat the news. */
  reported: Set<string>;
}

/**
 * The environment's problems that parsing cannot see. `shape` is the settings' schema: a blank
 * value is refused unless the variable's own schema reads blank as unset (an optional secret left
 * empty in a Secret).
 */
export function checkEnvironment(env: NodeJS.ProcessEnv, shape: Record<string, z.ZodType>): StrictCheck {
  const known = Object.keys(shape);
  const problems: string[] = [];
  const unknown: string[] = [];
  const reported = new Set<string>();
  const report = (name: string, message: string) => {
    (name in shape ? problems : unknown).push(`${name}: ${message}`);
    reported.add(name);
  };

  for (const name of known) {
    const value = env[name];
    if (value === undefined) continue;
    const placeholder = placeholderIn(value);
    if (placeholder !== undefined) report(name, `holds the placeholder ${placeholder}; set the real value`);
    else if (value.trim() === '' && !blankMeansUnset(shape[name] as z.ZodType))
      report(
        name,
        shape[name]?.safeParse(undefined).success
          ? 'is empty; remove it to use the default'
          : 'is empty; it is required',
      );
  }

  const families = familiesOf(known);
  for (const name of Object.keys(env).sort()) {
    if (shape[name] !== undefined || !families.some((prefix) => name.startsWith(prefix))) continue;
    if (name in FOREIGN_VARIABLES) {
      const placeholder = placeholderIn(env[name] ?? '');
      if (placeholder !== undefined) report(name, `holds the placeholder ${placeholder}; set the real value`);
      continue;
    }
    if (SERVICE_LINK.test(name)) continue;
    const meant = closestName(name, known);
    report(
      name,
      meant
        ? `is not a setting of this service; did you mean ${meant}?`
        : 'is not a setting of this service (README.md, "Configuration", lists them)',
    );
  }
  return { problems, unknown, reported };
}

function blankMeansUnset(schema: z.ZodType): boolean {
  const parsed = schema.safeParse('');
  return parsed.success && parsed.data === undefined;
}
