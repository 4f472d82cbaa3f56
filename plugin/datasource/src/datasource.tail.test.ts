import {
  CircularDataFrame,
  DataFrame,
  DataFrameType,
  DataQueryResponse,
  FieldType,
  LoadingState,
  getTimeField,
  isDataFrame,
  toDataFrameDTO,
} from '@grafana/data';
import { getBackendSrv, setBackendSrv } from '@grafana/runtime';
import { LogEntry } from '@gpt-runner-logs/contract';
import { Subscription } from 'rxjs';

import pluginJson from './plugin.json';
import { DataSource } from './datasource';
import { connectDataSource, queryRequest, timeRange } from './__tests__/support/instance';
import { RealBackend, startRealBackend } from './__tests__/support/realBackend';
import { QueryType, UnifiedLogsQuery } from './types';

/**
 * Live tail through the real DataSource and the real backend (streams that end every 2 s, so
 * reconnects happen within a test): entries handed to the backend's tail (as a collector
 * would) reach `query()`'s Observable as a growing log-lines frame, `LoadingState.Streaming`.
 */
let backend: RealBackend;

beforeAll(async () => {
  backend = await startRealBackend(['--tail-seconds', '2']);
}, 90_000);

afterAll(async () => {
  await backend?.stop();
});

let sequence = 0;
function entry(message: string, severity = 'INFO'): LogEntry {
  sequence += 1;
  return {
    id: `stdin-${sequence}`,
    timestamp: new Date(Date.now() + sequence).toISOString().replace('Z', '000000Z'),
    source: 'pods',
    severity: severity as LogEntry['severity'],
    message,
    labels: { namespace: 'gpt-runner', pod: 'trader-0', container: 'trader' },
  };
}

interface Watch {
  responses: DataQueryResponse[];
  subscription: Subscription;
  /** Waits until the latest response satisfies `check`. */
  until(check: (response: DataQueryResponse) => boolean, timeoutMs?: number): Promise<DataQueryResponse>;
}

function watch(ds: DataSource, target: UnifiedLogsQuery, overrides = {}): Watch {
  const responses: DataQueryResponse[] = [];
  const range = timeRange(Date.now() - 3_600_000, Date.now());
  const subscription = ds
    .query(queryRequest([target], { range, ...overrides }))
    .subscribe((response) => responses.push(response));
  return {
    responses,
    subscription,
    until: (check, timeoutMs = 10_000) =>
      new Promise((resolve, reject) => {
        const deadline = Date.now() + timeoutMs;
        const poll = () => {
          const latest = responses.at(-1);
          if (latest && check(latest)) {
            resolve(latest);
          } else if (Date.now() > deadline) {
            reject(new Error(`not within ${timeoutMs} ms; latest: ${JSON.stringify(latest?.errors ?? latest?.state)}`));
          } else {
            setTimeout(poll, 50);
          }
        };
        poll();
      }),
  };
}

const frameOf = (response: DataQueryResponse): DataFrame => response.data[0] as DataFrame;
const bodies = (response: DataQueryResponse): string[] =>
  Array.from(frameOf(response).fields.find((f) => f.name === 'body')?.values ?? []);
const hasRows = (count: number) => (response: DataQueryResponse) =>
  response.data.length === 1 && frameOf(response).length === count;
const streaming = (response: DataQueryResponse) => response.state === LoadingState.Streaming;

const viewer = () => connectDataSource(backend.url, { token: backend.tokens.viewer });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('live tail', () => {
  it('declares streaming support in plugin.json', () => {
    expect(pluginJson.streaming).toBe(true);
  });

  it("streams Explore's Live mode as a growing log-lines frame with LoadingState.Streaming", async () => {
    const live = watch(viewer(), { refId: 'A', queryType: QueryType.Logs, limit: 5 }, { liveStreaming: true });
    try {
      await live.until(streaming);
      backend.publish([entry('order 1 filled'), entry('order 2 filled'), entry('order 3 filled')]);
      const three = await live.until(hasRows(3));
      expect(three.state).toBe(LoadingState.Streaming);
      expect(three.key).toBe('A');
      const frame = frameOf(three);
      expect(isDataFrame(frame)).toBe(true);
      expect(frame).toBeInstanceOf(CircularDataFrame);
      expect(frame.meta?.type).toBe(DataFrameType.LogLines);
      expect(frame.meta?.preferredVisualisationType).toBe('logs');
      expect(getTimeField(frame).timeField?.type).toBe(FieldType.time);
      expect(bodies(three)).toEqual(['order 1 filled', 'order 2 filled', 'order 3 filled']);
      const dto = toDataFrameDTO(frame);
      expect(dto.fields.map((f) => f.name)).toEqual(['timestamp', 'body', 'severity', 'id', 'labels']);

      // The buffer is capped at the query's limit: the oldest rows make way.
      backend.publish([entry('order 4 filled'), entry('order 5 filled'), entry('order 6 filled')]);
      const capped = await live.until((r) => bodies(r).includes('order 6 filled'));
      expect(bodies(capped)).toEqual([
        'order 2 filled',
        'order 3 filled',
        'order 4 filled',
        'order 5 filled',
        'order 6 filled',
      ]);
      expect(live.responses.every((r) => r.state === LoadingState.Streaming)).toBe(true);
    } finally {
      live.subscription.unsubscribe();
    }
  });

  it('keeps a dashboard panel live when its query says so, with its filters applied by the backend', async () => {
    const panel = watch(viewer(), {
      refId: 'B',
      queryType: QueryType.Logs,
      live: true,
      severities: ['ERROR'],
      search: 'broker',
      limit: 100,
    });
    try {
      await panel.until(streaming);
      backend.publish([
        entry('broker answered 503', 'ERROR'),
        entry('broker answered 200', 'INFO'),
        entry('order rejected', 'ERROR'),
        entry('broker timed out', 'ERROR'),
      ]);
      const rows = await panel.until(hasRows(2));
      expect(bodies(rows)).toEqual(['broker answered 503', 'broker timed out']);
      expect(Array.from(frameOf(rows).fields.find((f) => f.name === 'severity')?.values ?? [])).toEqual([
        'error',
        'error',
      ]);
      expect(frameOf(rows).meta?.searchWords).toEqual(['(?i)broker']);
    } finally {
      panel.subscription.unsubscribe();
    }
  });

  it('reconnects with the last event id when the backend ends a stream: nothing missed, nothing twice', async () => {
    const ds = viewer();
    // Counts the streaming requests going through Grafana's BackendSrv, which still makes them.
    const routed = getBackendSrv();
    let connections = 0;
    setBackendSrv({
      ...routed,
      chunked: (options) => {
        connections += 1;
        return routed.chunked(options);
      },
    });
    const live = watch(ds, { refId: 'C', queryType: QueryType.Logs, limit: 1000 }, { liveStreaming: true });
    try {
      await live.until(streaming);
      const sent: string[] = [];
      // Streams end every 2 s here: 5 s of writes span a reconnect.
      for (let i = 0; i < 50; i++) {
        const message = `tick ${i}`;
        sent.push(message);
        backend.publish([entry(message)]);
        await sleep(100);
      }
      const all = await live.until((r) => bodies(r).includes('tick 49'));
      expect(bodies(all)).toEqual(sent);
      // At least one reconnect, after which the server waited a second (`retry:`): lines were
      // written while no stream was open, and came on the next one.
      expect(connections).toBeGreaterThanOrEqual(2);
    } finally {
      live.subscription.unsubscribe();
    }
  }, 30_000);

  it('shows the backend refusal of a filter a tail cannot apply, naming it', async () => {
    const live = watch(
      viewer(),
      { refId: 'D', queryType: QueryType.Logs, source: 'pods', selector: 'app=trader' },
      { liveStreaming: true }
    );
    try {
      const failed = await live.until((r) => r.state === LoadingState.Error);
      expect(failed.errors?.[0]?.message).toMatch(/selector/);
    } finally {
      live.subscription.unsubscribe();
    }
  });
});
