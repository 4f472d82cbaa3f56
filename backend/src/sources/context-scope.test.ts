import { describe, expect, it } from 'vitest';
import type { SourceName } from '../model/index.js';
import { contextQuery, type ContextRequest } from '../query/context.js';
import type { StreamScope } from '../query/log-source.js';
import { firestoreContextScope } from './firestore/document-id.js';
import { gcsContextScope } from './gcs/context-scope.js';
import { podContextScope } from './pods/context-scope.js';

/** Each source answers the scope of its own ids, as the engine asks them. */
const SCOPES: Record<SourceName, (id: string) => StreamScope | undefined> = {
  gcs: gcsContextScope,
  firestore: firestoreContextScope,
  pods: podContextScope,
};
const scopes = { contextScope: (source: SourceName, id: string) => SCOPES[source](id) };
const queryFor = (request: ContextRequest) => contextQuery(request, scopes);

const ts = '2026-11-29T07:30:00.123456789Z';

describe('contextQuery', () => {
  it('reads the same container log before a pod row, starting right after it', () => {
    const id = 'gpt-runner/trader-1/trader@2026-11-29T07:30:00.123456789Z#0';
    const query = queryFor({ source: 'pods', id, timestamp: ts, direction: 'backward', limit: 10 });
    expect(query?.selectors.pods).toEqual({
      namespace: 'gpt-runner',
      pods: ['trader-1'],
      container: 'trader',
      previous: false,
    });
    expect(query?.labels.map((l) => `${l.name}${l.op}${l.value}`)).toEqual([
      'namespace=gpt-runner',
      'pod=trader-1',
      'container=trader',
    ]);
    expect(query?.after).toEqual({ timestamp: ts, id, source: 'pods' });
    expect((query?.to ?? '') > ts).toBe(true);
    expect((query?.from ?? ts) < ts).toBe(true);
  });

  it('keeps to the previous container instance for its rows', () => {
    const id = 'gpt-runner/market-data-1/feed/previous@2026-11-29T07:30:00.123456789Z#2';
    const query = queryFor({ source: 'pods', id, timestamp: ts, direction: 'forward', limit: 5 });
    expect(query?.selectors.pods?.previous).toBe(true);
    expect(query?.from).toBe(ts);
  });

  it('reads the same object for a GCS row and the same collection for a Firestore row', () => {
    const gcs = queryFor({
      source: 'gcs',
      id: 'logs/trades/2026/11/29/07/trades.jsonl#12',
      timestamp: ts,
      direction: 'forward',
      limit: 5,
    });
    expect(gcs?.selectors.gcs).toEqual({ bucket: 'logs', prefixes: ['trades/2026/11/29/07/trades.jsonl'] });
    expect(gcs?.labels).toEqual([{ name: 'object', op: '=', value: 'trades/2026/11/29/07/trades.jsonl' }]);
    const fs = queryFor({
      source: 'firestore',
      id: 'gpt_runner_trades/ord-1',
      timestamp: ts,
      direction: 'backward',
      limit: 5,
    });
    expect(fs?.selectors.firestore).toEqual({ collections: ['gpt_runner_trades'] });
  });

  it.each([
    ['pods', 'not-a-pod-id'],
    ['gcs', 'no-index-here'],
    ['firestore', 'no-slash'],
  ] as const)('refuses a %s id it did not issue: %s', (source, id) => {
    expect(queryFor({ source, id, timestamp: ts, direction: 'backward', limit: 5 })).toBeUndefined();
  });
});
