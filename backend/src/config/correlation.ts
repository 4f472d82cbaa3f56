import {
  CORRELATION_FIELD_NAME,
  DEFAULT_CORRELATION_FIELDS,
  parseCorrelationFields,
  SOURCE_NAMES,
  type CorrelationField,
  type ExpectedPlace,
} from '@gpt-runner-logs/contract';
import { z } from 'zod';
import { csv, integer, jsonMap } from './env.js';

/** `order_id` or `order_id:ord-`: a field and the id prefix that marks it in free text. */
const correlationFields = z
  .string()
  .default(DEFAULT_CORRELATION_FIELDS.join(','))
  .transform((text, ctx): CorrelationField[] => {
    const parsed = parseCorrelationFields(text);
    if ('fields' in parsed) return parsed.fields;
    ctx.addIssue({ code: 'custom', message: parsed.problem });
    return z.NEVER;
  });

/** `gcs prefix=trades/`: a source and the label that narrows it to where an id should be. */
const PLACE = /^(\S+) ([A-Za-z_][A-Za-z0-9_.-]*)=(\S+)$/;
const place = z.string().transform((text, ctx): ExpectedPlace => {
  const m = PLACE.exec(text.trim());
  const source = SOURCE_NAMES.find((s) => s === m?.[1]);
  if (!m || !source) {
    ctx.addIssue({ code: 'custom', message: `"${text}" is not "<gcs|firestore|pods> label=value"` });
    return z.NEVER;
  }
  return { source, label: m[2] as string, value: m[3] as string, name: `${source} ${m[2]}=${m[3]}` };
});

const DEFAULT_EXPECTED = {
  order_id: ['gcs prefix=trades/', 'firestore collection=gpt_runner_trades', 'pods app=trader'],
};

export const correlationEnv = {
  CORRELATION_FIELDS: correlationFields,
  CORRELATION_EXPECTED_PLACES: jsonMap(
    z.array(place).max(20),
    'a JSON object of field → ["<source> label=value", …]',
  ),
  RECONCILE_GCS_PREFIX: z.string().min(1).default('trades/'),
  RECONCILE_COLLECTION: z.string().min(1).default('gpt_runner_trades'),
  RECONCILE_KEY: z.string().regex(CORRELATION_FIELD_NAME, 'must be a field name').default('order_id'),
  RECONCILE_FIELDS: csv('status,qty,price,pnl').pipe(
    z.array(z.string().regex(CORRELATION_FIELD_NAME, 'must be field names')).min(1),
  ),
  RECONCILE_INTERVAL_SECONDS: integer(0, 86_400, 900),
  RECONCILE_WINDOW_HOURS: integer(1, 24 * 31, 24),
  RECONCILE_SETTLE_MINUTES: integer(0, 1_440, 15),
};

type CorrelationEnv = z.infer<z.ZodObject<typeof correlationEnv>>;

export interface CorrelationConfig {
  fields: CorrelationField[];
  /** Per field, where an id of it is expected to leave a trace. */
  expected: Record<string, ExpectedPlace[]>;
}

/** Comparing the GCS archive with Firestore, on request and (when `intervalMs` > 0) on a schedule. */
export interface ReconcileConfig {
  gcsPrefix: string;
  collection: string;
  key: string;
  fields: string[];
  /** 0: only on request. */
  intervalMs: number;
  windowMs: number;
  /** Trades younger than this are not expected in the archive yet. */
  settleMs: number;
}

const defaultExpected = (): Record<string, ExpectedPlace[]> =>
  Object.fromEntries(
    Object.entries(DEFAULT_EXPECTED).map(([key, places]) => [key, places.map((p) => place.parse(p))]),
  );

export const correlationConfig = (e: CorrelationEnv): CorrelationConfig => ({
  fields: e.CORRELATION_FIELDS,
  expected:
    (e.CORRELATION_EXPECTED_PLACES as Record<string, ExpectedPlace[]> | undefined) ?? defaultExpected(),
});

export const reconcileConfig = (e: CorrelationEnv): ReconcileConfig => ({
  gcsPrefix: e.RECONCILE_GCS_PREFIX,
  collection: e.RECONCILE_COLLECTION,
  key: e.RECONCILE_KEY,
  fields: e.RECONCILE_FIELDS,
  intervalMs: e.RECONCILE_INTERVAL_SECONDS * 1000,
  windowMs: e.RECONCILE_WINDOW_HOURS * 3_600_000,
  settleMs: e.RECONCILE_SETTLE_MINUTES * 60_000,
});
