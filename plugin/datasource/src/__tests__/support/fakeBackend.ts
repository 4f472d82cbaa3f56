import fs from 'node:fs';
import http, { IncomingMessage, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import path from 'node:path';
import {
  ContextResponse,
  LogsResponse,
  MetaField,
  MetaValuesResponse,
  PatternsResponse,
  ProblemBody,
  ReadyResponse,
  SummaryResponse,
  VolumeResponse,
  WhoAmIResponse,
} from '@gpt-runner-logs/contract';

/**
 * Recorded answers in the backend's contract. They live outside src/ so that the build,
 * which copies every JSON file under src/, does not ship them.
 */
const FIXTURES = path.resolve(__dirname, '../../../fixtures/backend');
/** A recorded answer, typed as the contract says that endpoint answers. */
export const fixture = <T = unknown>(name: string): T =>
  JSON.parse(fs.readFileSync(path.join(FIXTURES, `${name}.json`), 'utf8')) as T;

export const VALID_TOKEN = 'analyst-token';
export const VIEWER_TOKEN = 'viewer-token';

export interface RecordedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  body: unknown;
}

export interface Reply {
  status?: number;
  body: unknown;
  contentType?: string;
}

export type Handler = (request: RecordedRequest) => Reply;

export const problem = (status: number, title: string, detail: string, param?: string): Reply => ({
  status,
  contentType: 'application/problem+json',
  body: { type: 'about:blank', title, status, detail, ...(param ? { param } : {}) } satisfies ProblemBody,
});

const META_VALUES: Record<MetaField, string[]> = {
  buckets: ['gpt-runner-logs'],
  prefixes: ['trades/', 'reflections/', 'strategies/'],
  collections: ['gpt_runner_trades', 'gpt_runner_reflections'],
  namespaces: ['trading', 'monitoring'],
  pods: ['gpt-runner-pod-7c9f', 'gpt-runner-pod-2b1d'],
  containers: ['runner', 'sidecar'],
};

/** Answers as the backend's contract says; tests override single routes. */
function defaultHandlers(): Record<string, Handler> {
  const handlers: Record<string, Handler> = {
    'GET /readyz': () => ({ body: fixture<ReadyResponse>('readyz') }),
    'GET /meta/whoami': () => ({ body: fixture<WhoAmIResponse>('whoami') }),
    'GET /logs': () => ({ body: fixture<LogsResponse>('logs') }),
    'GET /logs/volume': () => ({ body: fixture<VolumeResponse>('volume') }),
    'GET /logs/patterns': () => ({ body: fixture<PatternsResponse>('patterns') }),
    'POST /logs/summary': () => ({ body: fixture<SummaryResponse>('summary') }),
    'GET /logs/context': () => ({ body: fixture<ContextResponse>('context') }),
  };
  for (const [field, values] of Object.entries(META_VALUES)) {
    const body: MetaValuesResponse = { values, warnings: [] };
    handlers[`GET /meta/${field}`] = () => ({ body });
  }
  return handlers;
}

const PUBLIC_PATHS = new Set(['/healthz', '/readyz']);

function authorize(request: RecordedRequest): Reply | undefined {
  if (PUBLIC_PATHS.has(request.path)) {
    return undefined;
  }
  const header = request.headers.authorization ?? '';
  if (header === `Bearer ${VALID_TOKEN}`) {
    return undefined;
  }
  if (header === `Bearer ${VIEWER_TOKEN}`) {
    return request.path === '/logs/summary'
      ? problem(403, 'Forbidden', 'role viewer may not request summaries')
      : undefined;
  }
  return problem(401, 'Unauthorized', 'missing or unknown bearer token');
}

async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) {
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  return text ? JSON.parse(text) : undefined;
}

export interface FakeBackend {
  url: string;
  requests: RecordedRequest[];
  /** Replace the answer of one route, e.g. `handle('GET /logs', () => problem(...))`. */
  handle: (route: string, handler: Handler) => void;
  reset: () => void;
  close: () => Promise<void>;
}

/** A real HTTP server on loopback with the backend's contract, for tests of the plugin. */
export async function startFakeBackend(): Promise<FakeBackend> {
  let handlers = defaultHandlers();
  const requests: RecordedRequest[] = [];

  const server = http.createServer(async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const recorded: RecordedRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: url.searchParams,
      headers: req.headers,
      body: await readBody(req),
    };
    requests.push(recorded);
    const handler = handlers[`${recorded.method} ${recorded.path}`];
    const reply =
      authorize(recorded) ?? (handler ? handler(recorded) : problem(404, 'Not Found', `no route ${recorded.path}`));
    res.writeHead(reply.status ?? 200, { 'Content-Type': reply.contentType ?? 'application/json' });
    res.end(JSON.stringify(reply.body));
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    handle: (route, handler) => {
      handlers[route] = handler;
    },
    reset: () => {
      handlers = defaultHandlers();
      requests.length = 0;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
