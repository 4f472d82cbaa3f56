import { DataFrame, DataFrameType, FieldColorModeId, FieldType, createDataFrame } from '@grafana/data';
import { SEVERITY_COLORS, VolumeResponse, severityRank } from '@gpt-runner-logs/contract';

import { grafanaLevel } from './logs';
import { toNotices } from './notices';

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** The backend answers `step` in milliseconds; a duration such as `30s` (as requests may say it) is read too. */
export function stepMs(step: number | string): number {
  if (typeof step === 'number') {
    return step;
  }
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)?$/.exec(step.trim());
  if (!match) {
    return NaN;
  }
  return Number(match[1]) * (UNITS[match[2] ?? 'ms'] ?? 1);
}

const toMs = (value: string | number): number => (typeof value === 'number' ? value : Date.parse(value));

/**
 * Buckets with no lines are absent from the backend's points; they are filled with zeros
 * so every severity's series shares the same timestamps and stacks correctly.
 */
export function alignedPoints(
  points: Array<[number, number]>,
  from: number,
  to: number,
  step: number
): Array<[number, number]> {
  if (!Number.isFinite(step) || step <= 0 || !Number.isFinite(from) || !Number.isFinite(to)) {
    return points;
  }
  const counts = new Map(points.map(([t, count]) => [t, count]));
  const first = Math.floor(from / step) * step;
  const aligned: Array<[number, number]> = [];
  for (let t = first; t < to; t += step) {
    aligned.push([t, counts.get(t) ?? 0]);
    counts.delete(t);
  }
  // Points the grid did not cover (a backend with another alignment) are kept, not lost.
  counts.forEach((count, t) => aligned.push([t, count]));
  return aligned.sort((a, b) => a[0] - b[0]);
}

export function volumeFrames(response: VolumeResponse, refId: string): DataFrame[] {
  const step = stepMs(response.step);
  const from = toMs(response.from);
  const to = toMs(response.to);
  const series = [...(response.series ?? [])].sort((a, b) => severityRank(a.severity) - severityRank(b.severity));
  const notices = toNotices(response.warnings, response.partial);

  return series.map((serie, index) => {
    const points = alignedPoints(serie.points ?? [], from, to, step);
    return createDataFrame({
      refId,
      name: serie.severity,
      meta: {
        type: DataFrameType.TimeSeriesMulti,
        typeVersion: [0, 1],
        // Notices once, on the first frame, so the panel does not repeat them per severity.
        notices: index === 0 ? notices : [],
        custom: { step, partial: response.partial },
      },
      fields: [
        { name: 'Time', type: FieldType.time, values: points.map(([t]) => t), config: { interval: step } },
        {
          name: 'Value',
          type: FieldType.number,
          values: points.map(([, count]) => count),
          labels: { level: grafanaLevel(serie.severity), severity: serie.severity },
          config: {
            displayNameFromDS: serie.severity,
            color: { mode: FieldColorModeId.Fixed, fixedColor: SEVERITY_COLORS[serie.severity] ?? 'text' },
          },
        },
      ],
    });
  });
}
