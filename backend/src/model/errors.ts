/** One line, no stack: warnings and logs name a failure without exposing its internals to clients. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return error.message.split('\n')[0] ?? error.name;
  return String(error);
}
