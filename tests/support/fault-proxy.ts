/**
 * A fault-injecting TCP proxy for the fault suites: placed between the backend and a real
 * server (an emulator, Redis), it forwards bytes unchanged until a test tells it to
 *
 * - `pause()`: hold every byte in both directions, on open and new connections alike, while
 *   keeping the sockets open — a server that stopped answering mid-request (a GC pause, a
 *   frozen VM, a black-holed network path), which no error reveals;
 * - `cutResponse(match, keepBytes)`: on the next HTTP exchange whose request head matches,
 *   pass the response head and `keepBytes` bytes of its body, then close the connection —
 *   a body cut mid-stream, as when a server or load balancer dies during a download;
 * - `resetAll()`: close every connection at once.
 *
 * Works for any TCP protocol (HTTP/1.1, gRPC over HTTP/2, RESP); only `cutResponse` reads
 * what it forwards, and only HTTP/1.1 heads.
 */
import { createServer, connect, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { LOOPBACK } from './emulators/process.js';

export interface FaultProxy {
  /** `127.0.0.1:<port>`: what the client connects to instead of the server. */
  readonly host: string;
  readonly port: number;
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  /** Holds all traffic; connections stay open and new ones are accepted but starved. */
  pause(): void;
  /**
   * Forwards the next bytes a client sends (a request), then pauses: the server has the
   * request, and its answer is held. Resolves once paused.
   */
  pauseAfterNextRequest(): Promise<void>;
  /** Delivers what was held and forwards again. */
  resume(): void;
  /**
   * Cuts the next response to a request whose head matches `match` after `keepBytes` bytes
   * of its body. Resolves with the request line once the cut has happened.
   */
  cutResponse(match: RegExp, keepBytes: number): Promise<string>;
  /** Closes every open connection (clients see a reset or an early end). */
  resetAll(): void;
  /** Connections accepted so far. */
  connections(): number;
  close(): Promise<void>;
}

interface Cut {
  match: RegExp;
  keepBytes: number;
  done: (requestLine: string) => void;
}

/** One client connection and its upstream twin. */
interface Pair {
  client: Socket;
  upstream: Socket;
  /** Set while a matching request waits for its response to be cut. */
  cutting?: { cut: Cut; requestLine: string; head: Buffer; bodyBytes: number; headDone: boolean };
}

export async function startFaultProxy(target: { host?: string; port: number }): Promise<FaultProxy> {
  const pairs = new Set<Pair>();
  let paused = false;
  let accepted = 0;
  let pendingCut: Cut | undefined;
  let pauseArmed: (() => void) | undefined;

  const setPaused = (value: boolean): void => {
    paused = value;
    for (const { client, upstream } of pairs) {
      for (const socket of [client, upstream]) {
        if (value) socket.pause();
        else socket.resume();
      }
    }
  };

  const server: Server = createServer((client) => {
    accepted += 1;
    const upstream = connect({ host: target.host ?? LOOPBACK, port: target.port });
    const pair: Pair = { client, upstream };
    pairs.add(pair);
    if (paused) {
      client.pause();
      upstream.pause();
    }
    const end = (): void => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
    client.on('data', (chunk: Buffer) => {
      armCut(pair, chunk);
      upstream.write(chunk);
      if (!pauseArmed) return;
      const paused = pauseArmed;
      pauseArmed = undefined;
      setPaused(true);
      paused();
    });
    upstream.on('data', (chunk: Buffer) => {
      if (pair.cutting) forwardCut(pair, chunk);
      else client.write(chunk);
    });
  });

  /** A request head matching the pending cut marks this connection's next response. */
  const armCut = (pair: Pair, chunk: Buffer): void => {
    if (!pendingCut || pair.cutting) return;
    const text = chunk.toString('latin1');
    const requestLine = text.slice(0, text.indexOf('\r\n'));
    if (!pendingCut.match.test(requestLine)) return;
    pair.cutting = { cut: pendingCut, requestLine, head: Buffer.alloc(0), bodyBytes: 0, headDone: false };
    pendingCut = undefined;
  };

  /** Passes the response head whole and the body up to `keepBytes`, then closes both sides. */
  const forwardCut = (pair: Pair, chunk: Buffer): void => {
    const state = pair.cutting;
    if (!state) return;
    let body = chunk;
    if (!state.headDone) {
      state.head = Buffer.concat([state.head, chunk]);
      const end = state.head.indexOf('\r\n\r\n');
      if (end < 0) return;
      state.headDone = true;
      pair.client.write(state.head.subarray(0, end + 4));
      body = state.head.subarray(end + 4);
    }
    const room = state.cut.keepBytes - state.bodyBytes;
    pair.client.write(body.subarray(0, Math.max(0, room)));
    state.bodyBytes += body.length;
    if (state.bodyBytes < state.cut.keepBytes) return;
    pair.cutting = undefined;
    // Flush what was kept, then close the way a dying server's kernel would (FIN, no more bytes).
    pair.upstream.destroy();
    pair.client.end();
    state.cut.done(state.requestLine);
  };

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, LOOPBACK, () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  const resetAll = (): void => {
    for (const { client, upstream } of pairs) {
      client.destroy();
      upstream.destroy();
    }
    pairs.clear();
  };

  return {
    host: `${LOOPBACK}:${port}`,
    port,
    url: `http://${LOOPBACK}:${port}`,
    pause: () => setPaused(true),
    pauseAfterNextRequest: () =>
      new Promise<void>((done) => {
        pauseArmed = done;
      }),
    resume: () => setPaused(false),
    cutResponse: (match, keepBytes) =>
      new Promise<string>((done) => {
        pendingCut = { match, keepBytes, done };
      }),
    resetAll,
    connections: () => accepted,
    close: async () => {
      resetAll();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
