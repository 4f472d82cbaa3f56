import { SEVERITIES, severityRank, type LogQuery, type Severity } from '../../model/index.js';

/**
 * The Firestore query a page issues, as plain data: the source builds its query from it,
 * and a test checks every shape it can take against `firestore.indexes.json` — the
 * emulator never asks for composite indexes, production does.
 */
export type TimeValueType = 'timestamp' | 'string' | 'millis';

export interface CollectionSettings {
  timeField: string;
  /** Set when every document stores a level name in this field: severities are then pushed down. */
  severityField?: string;
  timeType: TimeValueType;
}

export interface QueryPlan {
  collection: string;
  /** Values of the severity field to keep (`in`), when pushed down. */
  severityIn?: string[];
  /** Inclusive lower and upper bounds on the time field, as RFC 3339. */
  since: string;
  until: string;
  untilInclusive: boolean;
  direction: 'asc' | 'desc';
}

export interface QueryShape {
  collection: string;
  filters: { field: string; op: 'in' | '>=' | '<' | '<=' }[];
  orderBy: { field: string; direction: 'asc' | 'desc' }[];
}

/** Firestore's `in` takes at most 30 values. */
const MAX_IN_VALUES = 30;

const ALIASES: Partial<Record<Severity, string[]>> = {
  DEBUG: ['TRACE'],
  WARNING: ['WARN'],
  ERROR: ['ERR'],
  CRITICAL: ['FATAL', 'CRIT'],
  EMERGENCY: ['EMERG'],
};

/** How writers spell a level in a stored field: `ERROR`, `error`, `Error`, and the aliases. */
function spellings(severity: Severity): string[] {
  return [severity, ...(ALIASES[severity] ?? [])].flatMap((word) => [
    word,
    word.toLowerCase(),
    word[0] + word.slice(1).toLowerCase(),
  ]);
}

export function wantedSeverities(query: LogQuery): Severity[] | undefined {
  if (query.severities.length === 0 && !query.minSeverity) return undefined;
  const floor = query.minSeverity ? severityRank(query.minSeverity) : 0;
  const base = query.severities.length > 0 ? query.severities : [...SEVERITIES];
  return base.filter((s) => severityRank(s) >= floor);
}

export function severityValues(query: LogQuery, settings: CollectionSettings): string[] | undefined {
  if (!settings.severityField) return undefined;
  const wanted = wantedSeverities(query);
  if (!wanted) return undefined;
  const values = [...new Set(wanted.flatMap(spellings))];
  // Too many spellings to push down: the engine's filter does the work instead.
  return values.length <= MAX_IN_VALUES ? values : undefined;
}

export function shapeOf(plan: QueryPlan, settings: CollectionSettings): QueryShape {
  const filters: QueryShape['filters'] = [];
  if (plan.severityIn && settings.severityField) filters.push({ field: settings.severityField, op: 'in' });
  filters.push(
    { field: settings.timeField, op: '>=' },
    { field: settings.timeField, op: plan.untilInclusive ? '<=' : '<' },
  );
  return {
    collection: plan.collection,
    filters,
    orderBy: [
      { field: settings.timeField, direction: plan.direction },
      { field: '__name__', direction: plan.direction },
    ],
  };
}

export interface IndexField {
  fieldPath: string;
  order?: 'ASCENDING' | 'DESCENDING';
}

/**
 * The composite index a shape needs, by Firestore's rules: none while every filter and
 * ordering is on the one time field (single-field indexes serve those); an equality or `in`
 * filter on another field needs that field first. `__name__` is left out: every index
 * orders it implicitly in the direction of its last field, which is how we order it.
 */
export function requiredIndex(shape: QueryShape): IndexField[] | undefined {
  const others = shape.filters.filter((f) => f.field !== shape.orderBy[0]?.field);
  if (others.length === 0) return undefined;
  const order = (direction: 'asc' | 'desc'): IndexField['order'] =>
    direction === 'asc' ? 'ASCENDING' : 'DESCENDING';
  return [
    ...others.map((f) => ({ fieldPath: f.field, order: 'ASCENDING' as const })),
    ...shape.orderBy
      .filter((o) => o.field !== '__name__')
      .map((o) => ({ fieldPath: o.field, order: order(o.direction) })),
  ];
}
