import type { ProblemBody } from '../../backend/src/http/problem.js';
import { TOKENS, type TestBackend } from '../support/backend.js';

/** A problem document as the backend renders it. */
export type Problem = ProblemBody;

export interface ServerEvent {
  event: string;
  data: unknown;
}

/** The messages `GET /logs` answers for a regex search over a window (a link's query, run here). */
export async function messagesOfRegex(
  backend: TestBackend,
  window: { from: string; to: string },
  search: string,
): Promise<string[]> {
  const params = new URLSearchParams({ ...window, search, regex: 'true', limit: '5000' });
  const { status, body } = await backend.json<{ entries: { message: string }[] }>(
    `/logs?${params.toString()}`,
    TOKENS.analyst,
  );
  if (status !== 200) throw new Error(`GET /logs answered ${status}`);
  return body.entries.map((entry) => entry.message);
}

/** `POST /logs/summary` with a JSON body. */
export function postSummary(
  backend: TestBackend,
  body: unknown,
  token: string = TOKENS.analyst,
  headers: Record<string, string> = {},
): Promise<Response> {
  return fetch(`${backend.url}/logs/summary`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

/** Reads a whole `text/event-stream` response into its events, parsing each `data` as JSON. */
export async function readEvents(response: Response): Promise<ServerEvent[]> {
  const text = await response.text();
  return text
    .split('\n\n')
    .filter((block) => block.trim() !== '')
    .map((block) => {
      const lines = block.split('\n');
      const event = lines.find((l) => l.startsWith('event: '))?.slice(7) ?? 'message';
      const data = lines
        .filter((l) => l.startsWith('data: '))
        .map((l) => l.slice(6))
        .join('\n');
      return { event, data: JSON.parse(data) as unknown };
    });
}

/** The value of one Prometheus sample, or undefined when absent. */
export function sample(
  metrics: string,
  name: string,
  labels: Record<string, string> = {},
): number | undefined {
  const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  for (const line of metrics.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    const braces = /\{(.*)\}/.exec(line)?.[1] ?? '';
    const present = braces.split(',');
    if (wanted.every((pair) => present.includes(pair))) return Number(line.split(' ').at(-1));
  }
  return undefined;
}

export async function metricsText(backend: TestBackend): Promise<string> {
  return (await backend.get('/metrics')).text();
}
