import { createCollectorRole } from './app/create-collector-role.js';
import { createSources } from './app/create-sources.js';
import { ConfigError, loadConfig } from './config/index.js';
import { createLogger } from './logger.js';
import { startServer } from './server.js';
import { FirestoreSource } from './sources/firestore/firestore-source.js';
import { describeTimeGap } from './sources/firestore/time-coverage.js';

/** Reads the configuration, starts serving, and shuts down gracefully on SIGTERM/SIGINT. */
async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  if (!config.cursorSecret)
    logger.warn('CURSOR_SECRET is not set: cursors will not work across replicas or restarts');
  const sources = createSources(config, logger);
  // Documents without their collection's time field never appear in a listing: say so at start.
  for (const source of sources)
    if (source instanceof FirestoreSource)
      source
        .timeGaps()
        .then((gaps) => {
          for (const gap of gaps) logger.warn({ ...gap }, describeTimeGap(gap));
        })
        .catch((error: unknown) =>
          logger.warn({ err: error }, 'could not count documents without their time field'),
        );
  const server = await startServer({ config, sources, logger });
  logger.info({ url: server.url, sources: config.enabledSources }, 'log aggregator listening');
  // Only once serving: the collector's first listings and streams must not delay readiness.
  const role = config.collector.enabled ? createCollectorRole(config, server.app, logger) : undefined;
  role?.start();

  const stop = (signal: string): void => {
    logger.info({ signal }, 'shutting down');
    // The collector hands its Lease over first, so the next instance counts while this one drains.
    Promise.resolve(role?.stop())
      .then(() => server.shutdown())
      .then(() => process.exit(0))
      .catch((error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      });
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    console.error(error.message);
  } else {
    console.error('log aggregator failed to start:', error instanceof Error ? error.message : error);
  }
  process.exit(1);
});
