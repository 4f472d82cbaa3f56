import {
  DataFrame,
  DataQueryError,
  FieldType,
  LoadingState,
  PanelProps,
  createDataFrame,
  getDefaultTimeRange,
} from '@grafana/data';

import { SummaryResponse } from '@gpt-runner-logs/contract';
import fs from 'fs';
import path from 'path';

import { DEFAULT_OPTIONS, SummaryOptions } from '../types';

/** A recorded answer of `POST /logs/summary`, in the contract's shape. */
export type SummaryAnswer = SummaryResponse;

/**
 * A `POST /logs/summary` answer recorded from the real backend over its demo data
 * (2026-03-02, 11:00–12:00 UTC). Kept outside src/ so the build does not ship it.
 */
export const RECORDED: SummaryAnswer = JSON.parse(
  fs.readFileSync(path.join(__dirname, '../../fixtures/summary.json'), 'utf8')
);

/** The frame exactly as the data source's `summaryFrame` (plugin/datasource/src/frames/summary.ts) builds it. */
export function summaryFrame(answer: Partial<SummaryAnswer> = {}, custom: Record<string, unknown> = {}): DataFrame {
  const response = { ...RECORDED, ...answer };
  return createDataFrame({
    refId: 'A',
    name: 'summary',
    meta: { preferredVisualisationType: 'table', custom: { cached: response.cached, ...custom } },
    fields: [
      { name: 'summary', type: FieldType.string, values: [response.summary] },
      { name: 'provider', type: FieldType.string, values: [response.provider] },
      { name: 'model', type: FieldType.string, values: [response.model] },
      { name: 'promptTokens', type: FieldType.number, values: [response.usage?.promptTokens ?? 0] },
      { name: 'completionTokens', type: FieldType.number, values: [response.usage?.completionTokens ?? 0] },
      { name: 'digest', type: FieldType.other, values: [response.digest ?? {}] },
      { name: 'cached', type: FieldType.boolean, values: [Boolean(response.cached)] },
    ],
  });
}

interface Overrides {
  series?: DataFrame[];
  state?: LoadingState;
  errors?: DataQueryError[];
  options?: Partial<SummaryOptions>;
  height?: number;
}

/** What Grafana hands a panel, with the parts this panel does not read left as stubs. */
export function panelProps({ series = [], state = LoadingState.Done, errors, options, height = 600 }: Overrides = {}) {
  const timeRange = getDefaultTimeRange();
  return {
    id: 1,
    data: { series, state, errors, timeRange },
    timeRange,
    timeZone: 'utc',
    options: { ...DEFAULT_OPTIONS, ...options },
    transparent: false,
    width: 800,
    height,
    fieldConfig: { defaults: {}, overrides: [] },
    renderCounter: 1,
    title: 'Summary',
    eventBus: { publish: jest.fn() },
    onOptionsChange: jest.fn(),
    onFieldConfigChange: jest.fn(),
    replaceVariables: (s: string) => s,
    onChangeTimeRange: jest.fn(),
  } as unknown as PanelProps<SummaryOptions>;
}
