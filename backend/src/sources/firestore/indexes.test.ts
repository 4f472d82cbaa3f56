/**
 * Every query the Firestore source can issue, checked against the composite indexes the
 * repository deploys (`firestore.indexes.json`). The emulator never asks for composite
 * indexes; production refuses the query without one, so a missing index would only show up
 * as a failed page in production. This test makes it show up here.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadConfig, type Config } from '../../config/index.js';
import { SEVERITIES, type LogQuery, type Severity } from '../../model/index.js';
import type { SourceRequest } from '../../query/log-source.js';
import { planFor } from './firestore-source.js';
import { requiredIndex, shapeOf, type CollectionSettings, type IndexField } from './query-plan.js';

interface IndexFile {
  indexes: {
    collectionGroup: string;
    queryScope: string;
    fields: { fieldPath: string; order?: string; arrayConfig?: string }[];
  }[];
  fieldOverrides: unknown[];
}

interface Requirement {
  collection: string;
  fields: IndexField[];
  /** The query that needs it, for the failure message. */
  because: string;
}

const INDEX_FILE = new URL('../../../../firestore.indexes.json', import.meta.url);

// The demo's settings (local/seed.ts); production configures the same fields.
const DEMO_ENV = {
  AUTH_TOKENS: JSON.stringify([{ name: 't', sha256: 'a'.repeat(64), role: 'viewer' }]),
  FIRESTORE_TIME_FIELDS: JSON.stringify({
    gpt_runner_trades: 'timestamp',
    gpt_runner_reflections: 'created_at',
  }),
  FIRESTORE_SEVERITY_FIELDS: JSON.stringify({ gpt_runner_trades: 'level', gpt_runner_reflections: 'level' }),
};
const CONFIGS: Record<string, Config> = {
  default: loadConfig({ AUTH_TOKENS: DEMO_ENV.AUTH_TOKENS }),
  demo: loadConfig(DEMO_ENV),
};

/** As `firestoreSource()` in create-sources.ts derives them from the configuration. */
function settingsFor(config: Config, collection: string): CollectionSettings {
  const f = config.firestore;
  return {
    timeField: f.timeFields[collection] ?? f.timeField,
    severityField: f.severityFields[collection],
    timeType: f.timeType,
  };
}

const FROM = '2026-11-28T00:00:00.000000000Z';
const TO = '2026-11-29T00:00:00.000000000Z';

/** Severity filters the HTTP API accepts, in the forms that change the plan. */
const SEVERITY_FILTERS: { name: string; severities: Severity[]; minSeverity?: Severity }[] = [
  { name: 'no severity', severities: [] },
  { name: 'minSeverity=ERROR', severities: [], minSeverity: 'ERROR' },
  { name: 'severity=WARNING,ERROR', severities: ['WARNING', 'ERROR'] },
  // Too many spellings for `in`: not pushed down, the engine filters instead.
  { name: 'minSeverity=DEBUG', severities: [], minSeverity: 'DEBUG' },
  { name: 'every severity', severities: [...SEVERITIES] },
];

function requestFor(
  collection: string,
  direction: LogQuery['direction'],
  filter: (typeof SEVERITY_FILTERS)[number],
  cursor: boolean,
): SourceRequest {
  const query: LogQuery = {
    sources: ['firestore'],
    from: FROM,
    to: TO,
    severities: filter.severities,
    ...(filter.minSeverity ? { minSeverity: filter.minSeverity } : {}),
    labels: [],
    limit: 100,
    direction,
    selectors: { firestore: { collections: [collection] } },
  };
  const after = cursor
    ? { timestamp: '2026-11-28T12:00:00.000000000Z', id: `${collection}/doc-1`, source: 'firestore' as const }
    : undefined;
  return {
    query,
    ...(after ? { after } : {}),
    limit: 101,
    matches: () => true,
    signal: new AbortController().signal,
  };
}

/** Every composite index some query of the source needs, under every configuration. */
function requirements(): Requirement[] {
  const found: Requirement[] = [];
  for (const [configName, config] of Object.entries(CONFIGS)) {
    for (const collection of config.firestore.collections) {
      const settings = settingsFor(config, collection);
      for (const direction of ['backward', 'forward'] as const) {
        for (const filter of SEVERITY_FILTERS) {
          for (const cursor of [false, true]) {
            const plan = planFor(collection, requestFor(collection, direction, filter, cursor), settings);
            // An empty `in` list is answered without a query.
            if (plan.severityIn?.length === 0) continue;
            const fields = requiredIndex(shapeOf(plan, settings));
            if (!fields) continue;
            const because = `${configName} config, ${collection}, ${direction}, ${filter.name}${cursor ? ', with cursor' : ''}`;
            found.push({ collection, fields, because });
          }
        }
      }
    }
  }
  return found;
}

const sameFields = (a: IndexField[], b: { fieldPath: string; order?: string }[]): boolean =>
  a.length === b.length && a.every((f, i) => f.fieldPath === b[i]?.fieldPath && f.order === b[i]?.order);

/** The requirements no deployed index serves. `__name__` is implicit, so it is ignored. */
export function missingIndexes(required: Requirement[], file: IndexFile): Requirement[] {
  return required.filter(
    (need) =>
      !file.indexes.some(
        (index) =>
          index.collectionGroup === need.collection &&
          index.queryScope === 'COLLECTION' &&
          sameFields(
            need.fields,
            index.fields.filter((f) => f.fieldPath !== '__name__'),
          ),
      ),
  );
}

const describeIndex = (collection: string, fields: { fieldPath: string; order?: string }[]): string =>
  `${collection}(${fields.map((f) => `${f.fieldPath} ${f.order}`).join(', ')})`;

const deployed = (): IndexFile => JSON.parse(readFileSync(INDEX_FILE, 'utf8')) as IndexFile;

describe('Firestore composite indexes', () => {
  const required = requirements();

  it('enumerates query shapes that need composite indexes', () => {
    // Severity pushdown on a non-time field, both orders, both collections of the demo.
    const distinct = new Set(required.map((r) => describeIndex(r.collection, r.fields)));
    expect([...distinct].sort()).toEqual([
      'gpt_runner_reflections(level ASCENDING, created_at ASCENDING)',
      'gpt_runner_reflections(level ASCENDING, created_at DESCENDING)',
      'gpt_runner_trades(level ASCENDING, timestamp ASCENDING)',
      'gpt_runner_trades(level ASCENDING, timestamp DESCENDING)',
    ]);
  });

  it('finds every required index in firestore.indexes.json', () => {
    const missing = missingIndexes(required, deployed());
    expect(missing.map((m) => `${describeIndex(m.collection, m.fields)} for ${m.because}`)).toEqual([]);
  });

  it('keeps firestore.indexes.json in the format Firebase deploys, without unused indexes', () => {
    const file = deployed();
    expect(file.fieldOverrides).toEqual([]);
    for (const index of file.indexes) {
      expect(index.queryScope).toBe('COLLECTION');
      for (const field of index.fields) expect(['ASCENDING', 'DESCENDING']).toContain(field.order);
      const used = required.some(
        (r) => r.collection === index.collectionGroup && sameFields(r.fields, index.fields),
      );
      expect(used, describeIndex(index.collectionGroup, index.fields)).toBe(true);
    }
  });

  it('reports each index as missing when the file lacks it', () => {
    const file = deployed();
    expect(file.indexes.length).toBeGreaterThan(0);
    file.indexes.forEach((removed, i) => {
      const lacking: IndexFile = { ...file, indexes: file.indexes.filter((_, j) => j !== i) };
      const missing = missingIndexes(required, lacking);
      expect(missing.length).toBeGreaterThan(0);
      expect(new Set(missing.map((m) => describeIndex(m.collection, m.fields)))).toEqual(
        new Set([describeIndex(removed.collectionGroup, removed.fields)]),
      );
    });
    // Another direction on the right fields does not serve the query either.
    const flipped: IndexFile = {
      ...file,
      indexes: file.indexes.map((index) => ({
        ...index,
        fields: index.fields.map((f, j) =>
          j === index.fields.length - 1 ? { ...f, order: 'ASCENDING' } : f,
        ),
      })),
    };
    expect(missingIndexes(required, flipped).length).toBeGreaterThan(0);
  });
});
