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
  /** Graceful: stop accepting, let in-flight requests finish (up to the timeout), close clients. */
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

function closeServer(server: Server, timeoutMs: number, logger: Logger): Promise<void> {
  return new Promise((resolve) => {
    const force = setTimeout(() => {
      logger.warn({ timeoutMs }, 'shutdown timeout reached; closing remaining connections');
      server.closeAllConnections();
    }, timeoutMs);
    // Keep-alive connections hold close() open: drop each as soon as its last response is out.
    const sweep = setInterval(() => server.closeIdleConnections(), 50);
    server.close(() => {
      clearTimeout(force);
      clearInterval(sweep);
      resolve();
    });
    server.closeIdleConnections();
  });
}

export async function startServer(deps: AppDeps): Promise<RunningServer> {
  const { config, logger } = deps;
  const app = createApp(deps);
  const server = createServer(app.koa.callback());
  // Above the usual 60 s idle timeout of Google's load balancers, so they close first.
  server.keepAliveTimeout = 65_000;
  const address = await listen(server, config.host, config.port);
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${host}:${address.port}`;
  let closing: Promise<void> | undefined;
  const shutdown = (): Promise<void> => {
    closing ??= (async () => {
      app.beginShutdown();
      // Nothing new is counted while requests drain; the sources close after them.
      app.collector.stop();
      await closeServer(server, config.shutdownTimeoutMs, logger);
      await app.close();
    })();
    return closing;
  };
  return { app, server, url, startCollector: () => app.startCollector(), shutdown };
}
