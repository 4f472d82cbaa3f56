import { DataFrame, DataQueryResponse, LogRowModel, TimeRange } from '@grafana/data';
import { firstValueFrom } from 'rxjs';

import { DataSource } from '../../datasource';
import { UnifiedLogsQuery } from '../../types';
import { queryRequest, timeRange } from './instance';
import { RealBackend, startRealBackend } from './realBackend';

export const MINUTE = 60_000;

/**
 * Starts the real backend over demo data before the suite and stops it after. The returned
 * object reads the running backend's fields once it has started (in tests and hooks).
 */
export function realBackendForSuite(): RealBackend {
  let backend: RealBackend | undefined;
  beforeAll(async () => {
    backend = await startRealBackend();
  }, 90_000);
  afterAll(async () => {
    await backend?.stop();
  });
  return new Proxy({} as RealBackend, {
    get: (_target, key: keyof RealBackend) => {
      if (!backend) {
        throw new Error('the real backend has not started');
      }
      return backend[key];
    },
  });
}

/** The last hour of the demo data, which holds its error burst. */
export const lastHourOf = (backend: RealBackend): TimeRange => timeRange(backend.nowMs - 60 * MINUTE, backend.nowMs);

/**
 * A suite over the real backend whose queries cover the demo data's last hour unless told
 * otherwise: the backend, that range, and `runOne`/`frameOf` over it.
 */
export function lastHourSuite() {
  const backend = realBackendForSuite();
  const lastHour = () => lastHourOf(backend);
  return { backend, lastHour, ...querying(lastHour) };
}

/** One query's first answer, and its single frame, over a range the suite chooses by default. */
export function querying(defaultRange: () => TimeRange) {
  const runOne = (ds: DataSource, target: UnifiedLogsQuery, overrides = {}): Promise<DataQueryResponse> =>
    firstValueFrom(ds.query(queryRequest([target], { range: defaultRange(), ...overrides })));

  /** The single frame of a successful answer; a failed one shows its error in the assertion. */
  const frameOf = async (ds: DataSource, target: UnifiedLogsQuery, overrides = {}): Promise<DataFrame> => {
    const response = await runOne(ds, target, overrides);
    expect(response.errors).toBeUndefined();
    expect(response.data).toHaveLength(1);
    return response.data[0] as DataFrame;
  };
  return { runOne, frameOf };
}

export const field = (frame: DataFrame | undefined, name: string) => frame?.fields.find((f) => f.name === name);
export const values = <T = unknown>(frame: DataFrame | undefined, name: string): T[] =>
  field(frame, name)?.values ?? [];
export const labelsOf = (frame: DataFrame) => values<Record<string, string>>(frame, 'labels');

export const NANOS_PER_MS = BigInt(1_000_000);

/** Grafana orders log rows by epoch nanoseconds; the frame keeps them as ms + nanos. */
export function epochNanos(frame: DataFrame): bigint[] {
  const times = field(frame, 'timestamp');
  return (times?.values ?? []).map(
    (ms: number, i: number) => BigInt(ms) * NANOS_PER_MS + BigInt(times?.nanos?.[i] ?? 0)
  );
}

/** The row Grafana would build from a logs frame (uid, rowId from the `id` field, ns time). */
export function rowAt(frame: DataFrame, index: number): LogRowModel {
  const nanos = epochNanos(frame)[index]!;
  return {
    uid: `${frame.refId}_${index}`,
    rowId: values<string>(frame, 'id')[index],
    timeEpochNs: nanos.toString(),
    labels: labelsOf(frame)[index],
    dataFrame: frame,
  } as unknown as LogRowModel;
}
