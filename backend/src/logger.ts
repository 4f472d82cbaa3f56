import { pino, stdSerializers, type DestinationStream, type Logger } from 'pino';

/**
 * Fields an error may carry that hold a request's or a response's bytes or headers, and so
 * its `Authorization` token: Node's `clientError` attaches the raw request (`rawPacket`),
 * HTTP clients attach the request, the response, their headers and their configuration.
 */
const UNSAFE_ERROR_FIELDS = new Set([
  'rawPacket',
  'headers',
  'rawHeaders',
  'request',
  'req',
  'response',
  'res',
  'config',
  'options',
  'body',
  'socket',
]);

/**
 * An error as a log record shows it: type, message, stack, code and status, and its cause
 * the same way, never a field holding request bytes or headers.
 */
export function errorForLog(error: unknown, depth = 0): unknown {
  if (!(error instanceof Error)) return error;
  const serialized = stdSerializers.err(error) as unknown as Record<string, unknown>;
  const safe: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(serialized)) {
    if (UNSAFE_ERROR_FIELDS.has(key)) continue;
    if (key === 'cause') continue;
    if (key === 'aggregateErrors' && Array.isArray(value)) {
      safe.aggregateErrors = (error as AggregateError).errors.map((e) => errorForLog(e, depth + 1));
      continue;
    }
    safe[key] = value;
  }
  const cause = (error as { cause?: unknown }).cause;
  // A cause that is not an Error may be anything (a response, a request): only primitives pass.
  if (cause instanceof Error && depth < 3) safe.cause = errorForLog(cause, depth + 1);
  else if (cause !== null && ['string', 'number', 'boolean'].includes(typeof cause)) safe.cause = cause;
  return safe;
}

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
      serializers: { err: errorForLog, error: errorForLog },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination,
  );
}
