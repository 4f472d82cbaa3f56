/**
 * For `it.skipIf(...)`: returns whether to skip and, when skipping, prints why, so a
 * missing emulator or feature never makes a test pass silently.
 */
export function skipBecause(reason: string | undefined, what: string): boolean {
  if (reason !== undefined) console.warn(`[skipped] ${what}: ${reason}`);
  return reason !== undefined;
}
