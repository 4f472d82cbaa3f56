import { pino, type DestinationStream, type Logger } from 'pino';

/** Structured JSON on stdout, which GKE ships to Cloud Logging with `severity` understood. */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'log-aggregator' },
      messageKey: 'message',
      formatters: {
        // Cloud Logging reads `severity`; pino's numeric `level` would land as DEFAULT.
        level: (label) => ({ severity: label.toUpperCase() }),
      },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination,
  );
}
