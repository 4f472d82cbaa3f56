import type { LogEntry } from '../../backend/src/model/index.js';
import { documentEntryId, firestoreContextScope } from '../../backend/src/sources/firestore/document-id.js';
import { gcsContextScope } from '../../backend/src/sources/gcs/context-scope.js';
import {
  objectRecordEntry,
  objectTextLineEntry,
  type ObjectOrigin,
} from '../../backend/src/sources/gcs/object-entries.js';
import { recordToEntry } from '../../backend/src/sources/mapping/record-mapper.js';
import { podContextScope } from '../../backend/src/sources/pods/context-scope.js';
import { parsePodLog } from '../../backend/src/sources/pods/line-parser.js';
import type { DemoDataset, DemoLogLine, DemoPod } from './dataset.js';
import { MemorySource } from './memory-source.js';

function gcsEntries(dataset: DemoDataset, objectTime: string): LogEntry[] {
  return dataset.objects.flatMap((object) => {
    const origin: ObjectOrigin = {
      bucket: dataset.bucket,
      name: object.name,
      prefix: `${object.name.split('/')[0]}/`,
      fallbackTime: objectTime,
    };
    if (object.format === 'text') return object.lines.map((line, i) => objectTextLineEntry(line, i, origin));
    return object.records.map((record, i) => objectRecordEntry(record, i, origin));
  });
}

function firestoreEntries(dataset: DemoDataset, fallbackTime: string): LogEntry[] {
  return dataset.documents.map(({ collection, id, data }) =>
    recordToEntry(data, {
      id: documentEntryId(collection, id),
      source: 'firestore',
      labels: { collection, document: id },
      fallbackTime,
    }),
  );
}

const logBody = (lines: DemoLogLine[]): string => lines.map((l) => `${l.time} ${l.text}`).join('\n');

function podEntries(pod: DemoPod): LogEntry[] {
  return pod.containers.flatMap((container) => {
    const origin = (previous: boolean) => ({
      namespace: pod.namespace,
      pod: pod.name,
      container: container.name,
      previous,
      labels: {
        namespace: pod.namespace,
        pod: pod.name,
        container: container.name,
        node: pod.nodeName,
        app: pod.labels.app ?? '',
        ...(previous ? { previous: 'true' } : {}),
      },
    });
    const current = parsePodLog(logBody(container.lines), origin(false));
    const previous = container.previous ? parsePodLog(logBody(container.previous), origin(true)) : [];
    return [...current, ...previous];
  });
}

/**
 * The dataset held in memory, one source per origin, read through the real mapping code
 * and answering context with the real sources' reading of their ids.
 */
export function memorySources(dataset: DemoDataset, nowIso: string): MemorySource[] {
  return [
    new MemorySource('gcs', gcsEntries(dataset, nowIso), { contextScope: gcsContextScope }),
    new MemorySource('firestore', firestoreEntries(dataset, nowIso), { contextScope: firestoreContextScope }),
    new MemorySource('pods', dataset.pods.flatMap(podEntries), { contextScope: podContextScope }),
  ];
}
