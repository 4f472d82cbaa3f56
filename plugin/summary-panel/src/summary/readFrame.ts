import { DataFrame, Field, LoadingState, PanelData } from '@grafana/data';

import { SummaryView } from '../types';
import { readDigest } from './readDigest';

const fieldNamed = (frame: DataFrame, name: string): Field | undefined => frame.fields.find((f) => f.name === name);

/** The first frame with a `summary` field: the data source's Summary query answers with one such frame. */
export function findSummaryFrame(series: DataFrame[]): DataFrame | undefined {
  return series.find((frame) => frame.length > 0 && fieldNamed(frame, 'summary') !== undefined);
}

/** The value of a field in the frame's last row: a streaming frame appends, so the last row is the newest. */
function last(frame: DataFrame, name: string): unknown {
  const values = fieldNamed(frame, name)?.values;
  return values && values.length > 0 ? values[values.length - 1] : undefined;
}

const optionalString = (value: unknown) => (typeof value === 'string' && value !== '' ? value : undefined);
const optionalNumber = (value: unknown) => (typeof value === 'number' && Number.isFinite(value) ? value : undefined);

/**
 * Reads the Summary frame. A frame is streaming while `meta.custom.streaming` is true or,
 * as Grafana marks live queries, while the panel's data is in the Streaming state.
 */
export function readSummary(frame: DataFrame, state?: PanelData['state']): SummaryView {
  const custom = frame.meta?.custom ?? {};
  return {
    markdown: String(last(frame, 'summary') ?? ''),
    provider: optionalString(last(frame, 'provider')),
    model: optionalString(last(frame, 'model')),
    promptTokens: optionalNumber(last(frame, 'promptTokens')),
    completionTokens: optionalNumber(last(frame, 'completionTokens')),
    cached: last(frame, 'cached') === true || custom.cached === true,
    streaming: custom.streaming === true || state === LoadingState.Streaming,
    digest: readDigest(last(frame, 'digest')),
  };
}
