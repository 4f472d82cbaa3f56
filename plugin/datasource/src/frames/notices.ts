import { QueryResultMetaNotice } from '@grafana/data';

import { Warning } from '@gpt-runner-logs/contract';

/**
 * A source that fails does not fail the whole query; the backend says so in `warnings` and
 * `partial`, and the panel shows them as notices next to the data.
 */
export function toNotices(warnings: Warning[] | undefined, partial: boolean | undefined): QueryResultMetaNotice[] {
  const notices: QueryResultMetaNotice[] = (warnings ?? []).map((warning) => ({
    severity: 'warning',
    // Warnings about the whole answer (a truncated volume count) name no source.
    text: warning.source ? `${warning.source}: ${warning.message}` : warning.message,
  }));
  if (partial && notices.length === 0) {
    notices.push({ severity: 'warning', text: 'Partial result: at least one source did not answer in full.' });
  }
  return notices;
}
