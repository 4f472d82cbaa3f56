import type { StreamScope } from '../../query/log-source.js';

/** Entry ids are document paths, `collection/document`: unique, and stable across reads. */
export const documentEntryId = (collection: string, document: string): string => `${collection}/${document}`;

/** A Firestore row's context: the same collection. */
export function firestoreContextScope(id: string): StreamScope | undefined {
  const slash = id.indexOf('/');
  if (slash <= 0) return undefined;
  const collection = id.slice(0, slash);
  return {
    labels: [{ name: 'collection', op: '=', value: collection }],
    selectors: { firestore: { collections: [collection] } },
  };
}
