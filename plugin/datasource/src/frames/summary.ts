import { DataFrame, FieldType, createDataFrame } from '@grafana/data';

import { SummaryResponse } from '@gpt-runner-logs/contract';

/**
 * One row: the summary panel reads `summary` (markdown) and `digest`; the table view shows
 * what the summary cost.
 */
export function summaryFrame(response: SummaryResponse, refId: string): DataFrame {
  return createDataFrame({
    refId,
    name: 'summary',
    meta: { preferredVisualisationType: 'table', custom: { cached: response.cached } },
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
