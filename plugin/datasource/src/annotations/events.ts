import { AnnotationEvent, AnnotationQuery, DataFrame, Field } from '@grafana/data';

import { UnifiedLogsQuery } from '../types';

/** An annotation of this data source as a dashboard stores it: a logs query and how to draw its lines. */
export interface UnifiedLogsAnnotation extends AnnotationQuery<UnifiedLogsQuery> {
  /** Lines at most this many seconds apart become one region (an error burst); 0 draws one marker per line. */
  groupWithinSeconds?: number;
  /** Comma-separated labels whose values become tags, besides the severity and the source. */
  tagLabels?: string;
}

/**
 * Lines at most five minutes apart (a usual alerting window) are one episode: an error storm
 * is drawn as a region, not as thousands of markers, while isolated lines keep their own.
 */
export const DEFAULT_GROUP_WITHIN_SECONDS = 300;

interface Line {
  time: number;
  message: string;
  severity: string;
  labels: Record<string, string>;
}

const fieldOf = (frame: DataFrame, name: string): Field | undefined => frame.fields.find((f) => f.name === name);

function linesOf(frame: DataFrame): Line[] {
  const times = fieldOf(frame, 'timestamp')?.values ?? [];
  const bodies = fieldOf(frame, 'body')?.values ?? [];
  const severities = fieldOf(frame, 'severity')?.values ?? [];
  const labels = fieldOf(frame, 'labels')?.values ?? [];
  return times.map((time: number, i: number) => ({
    time,
    message: String(bodies[i] ?? ''),
    severity: String(severities[i] ?? ''),
    labels: (labels[i] as Record<string, string> | undefined) ?? {},
  }));
}

/** Runs of lines, oldest first, each line within `gapMs` of the one before. */
function runs(lines: Line[], gapMs: number): Line[][] {
  const sorted = [...lines].sort((a, b) => a.time - b.time);
  const groups: Line[][] = [];
  for (const line of sorted) {
    const current = groups.at(-1);
    const last = current?.at(-1);
    if (current && last && line.time - last.time <= gapMs) {
      current.push(line);
    } else {
      groups.push([line]);
    }
  }
  return groups;
}

function tagsOf(lines: Line[], tagLabels: string[]): string[] {
  const tags = new Set<string>();
  for (const line of lines) {
    tags.add(line.severity.toUpperCase());
    if (line.labels.source) {
      tags.add(line.labels.source);
    }
    for (const name of tagLabels) {
      const value = Object.hasOwn(line.labels, name) ? line.labels[name] : undefined;
      if (value) {
        tags.add(value);
      }
    }
  }
  return [...tags].filter(Boolean);
}

function eventOf(lines: Line[], tagLabels: string[]): AnnotationEvent {
  const first = lines[0]!;
  const last = lines.at(-1)!;
  const tags = tagsOf(lines, tagLabels);
  if (lines.length === 1) {
    return { time: first.time, title: first.severity.toUpperCase(), text: first.message, tags };
  }
  return {
    time: first.time,
    timeEnd: last.time,
    isRegion: last.time > first.time,
    title: `${lines.length} lines`,
    text: `${first.message}\n… ${lines.length - 1} more, the last: ${last.message}`,
    tags,
  };
}

export const tagLabelsOf = (annotation: UnifiedLogsAnnotation): string[] =>
  (annotation.tagLabels ?? '')
    .split(',')
    .map((name) => name.trim())
    .filter(Boolean);

/**
 * Annotation events from the logs frames of an annotation's query: one marker per line, or
 * with `groupWithinSeconds` one region per run of lines (a burst of broker errors, a deploy's
 * restart lines), tagged with severity, source and the chosen labels' values.
 */
export function annotationEvents(annotation: UnifiedLogsAnnotation, frames: DataFrame[]): AnnotationEvent[] {
  const seconds = Number(annotation.groupWithinSeconds ?? DEFAULT_GROUP_WITHIN_SECONDS);
  const gapMs = Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : -1;
  const lines = frames.flatMap(linesOf);
  return runs(lines, gapMs).map((run) => eventOf(run, tagLabelsOf(annotation)));
}
