/**
 * Faults the Kubernetes API double can play, for the fault suites: the API server failing
 * (500 with the Status body the real server sends when its storage fails), never answering,
 * or starting an answer and then falling silent (a kubelet that stops streaming a log).
 */
import type { ServerResponse } from 'node:http';

export type ApiFault =
  /** `500 InternalError` with a Status body. */
  | { kind: 'error'; path?: RegExp }
  /** No status line, no bytes: the request stays open until the client gives up. */
  | { kind: 'hang'; path?: RegExp }
  /** The real status and headers and the first `bytes` of the body, then silence. */
  | { kind: 'stall'; path?: RegExp; bytes: number };

/** Faults in force, checked in order against each request's decoded path. */
export class FaultTable {
  private readonly faults = new Set<ApiFault>();

  /** Adds a fault until the returned function is called. */
  add(fault: ApiFault): () => void {
    this.faults.add(fault);
    return () => void this.faults.delete(fault);
  }

  clear(): void {
    this.faults.clear();
  }

  /**
   * Plays the first fault matching `path` on `res`: true when the request is taken care of
   * (answered with an error, or left hanging); false when the real handler must answer,
   * possibly through a response that stalls.
   */
  apply(path: string, res: ServerResponse): boolean {
    const fault = [...this.faults].find((f) => f.path === undefined || f.path.test(path));
    if (!fault) return false;
    if (fault.kind === 'error') {
      sendInternalError(res);
      return true;
    }
    if (fault.kind === 'hang') return true;
    stallAfter(res, fault.bytes);
    return false;
  }
}

/** What kube-apiserver answers when etcd fails under it. */
function sendInternalError(res: ServerResponse): void {
  const cause = 'rpc error: code = Unavailable desc = etcdserver: request timed out';
  const body = JSON.stringify({
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: `Internal error occurred: ${cause}`,
    reason: 'InternalError',
    details: { causes: [{ message: cause }] },
    code: 500,
  });
  res.writeHead(500, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

/**
 * Lets the handler answer as usual, but only `bytes` of its body go out; the response never
 * ends (its Content-Length, when set, promises more), so the client waits on an open socket.
 */
function stallAfter(res: ServerResponse, bytes: number): void {
  let sent = 0;
  const write = res.write.bind(res) as (chunk: Buffer | string) => boolean;
  const take = (chunk: unknown): void => {
    if (chunk === undefined || chunk === null || typeof chunk === 'function') return;
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    const room = Math.max(0, bytes - sent);
    sent += buffer.length;
    if (room > 0) write(buffer.subarray(0, room));
  };
  res.write = ((chunk: unknown) => {
    take(chunk);
    return true;
  }) as typeof res.write;
  res.end = ((chunk?: unknown) => {
    take(chunk);
    return res;
  }) as typeof res.end;
}
