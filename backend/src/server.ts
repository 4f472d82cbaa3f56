import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { createApp, type AppDeps, type App } from './app.js';

export interface RunningServer {
  app: App;
  server: Server;
  url: string;
  /** Starts the background log-volume collector (once); `main.ts` calls it after listening. */
  startCollector(): void;
  /**
   * Graceful: `/readyz` answers 503 at once, and the server keeps accepting connections for the
   * drain period (each closed after its response) so probes see it; then it stops accepting, lets
   * in-flight requests finish (up to the timeout, counted from the start), and closes clients.
   */
  shutdown(): Promise<void>;
}

async function listen(server: Server, host: string, port: number): Promise<AddressInfo> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return server.address() as AddressInfo;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Drains `server`: for `drainMs` it still accepts connections (the caller answers them with
 * `Connection: close`), then it stops accepting and waits for in-flight requests; at `timeoutMs`
 * from the start the remaining connections are closed.
 */
async function closeServer(
  server: Server,
  drainMs: number,
  timeoutMs: number,
  logger: Logger,
): Promise<void> {
  const force = setTimeout(() => {
    logger.warn({ timeoutMs }, 'shutdown timeout reached; closing remaining connections');
    server.closeAllConnections();
  }, timeoutMs);
  // Keep-alive connections would hold close() open: drop each as soon as its last response is out.
  const sweep = setInterval(() => server.closeIdleConnections(), 50);
  server.closeIdleConnections();
  try {
    if (drainMs > 0) await sleep(drainMs);
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeIdleConnections();
    });
  } finally {
    clearTimeout(force);
    clearInterval(sweep);
  }
}

export async function startServer(deps: AppDeps): Promise<RunningServer> {
  const { config, logger } = deps;
  const app = createApp(deps);
  const handle = app.koa.callback();
  let draining = false;
  // While draining, every response closes its connection: a client reconnects to another replica.
  const server = createServer((request, response) => {
    if (draining) response.setHeader('Connection', 'close');
    void handle(request, response);
  });
  // Above the usual 60 s idle timeout of Google's load balancers, so they close first.
  server.keepAliveTimeout = 65_000;
  const address = await listen(server, config.host, config.port);
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${host}:${address.port}`;
  let closing: Promise<void> | undefined;
  const shutdown = (): Promise<void> => {
    closing ??= (async () => {
      app.beginShutdown();
      draining = true;
      // Nothing new is counted while requests drain; the sources close after them.
      app.collector.stop();
      const drainMs = Math.min(config.shutdownDrainMs, config.shutdownTimeoutMs);
      await closeServer(server, drainMs, config.shutdownTimeoutMs, logger);
      await app.close();
    })();
    return closing;
  };
  return { app, server, url, startCollector: () => app.startCollector(), shutdown };
}
