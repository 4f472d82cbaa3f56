import type { StreamScope } from '../../query/log-source.js';
import { objectOfId } from './object-entries.js';

/** A GCS row's context: the same object. */
export function gcsContextScope(id: string): StreamScope | undefined {
  const object = objectOfId(id);
  if (!object) return undefined;
  return {
    labels: [{ name: 'object', op: '=', value: object.name }],
    selectors: { gcs: { bucket: object.bucket, prefixes: [object.name] } },
  };
}
