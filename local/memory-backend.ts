/**
 * The real backend over generated demo data held in memory, for clients in other processes
 * (the data-source plugin's jest suites). It listens on 127.0.0.1, on a free port unless
 * `--port` says otherwise, and prints one JSON line when ready:
 *
 *   {"url":"http://127.0.0.1:41234","tokens":{"admin":"…",…},"now":"…","burst":{"from":"…","to":"…"},"mismatches":{…}}
 *
 * `now` is the end of the generated data, `burst` the error burst inside it and `mismatches`
 * the trades the archive disagrees about on purpose, so clients
 * can aim their time ranges; the server's clock starts at `now`, so relative ranges aim there too. It stops on SIGTERM, SIGINT, or when stdin closes (the parent
 * went away). Usage: `tsx local/memory-backend.ts [--port 8080] [--now 2026-11-29T08:00:00Z]`.
 */
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { loadConfig } from '../backend/src/config/index.js';
import { generateDataset } from './demo-data/dataset.js';
import { memorySources } from './demo-data/memory-sources.js';
import { clockStartingAt, formatEpochMs } from '../backend/src/model/index.js';
import { startServer } from '../backend/src/server.js';
import { TOKENS, TOKEN_CONFIG } from '../tests/support/backend.js';

function readOptions(): { port: number; nowMs: number } {
  const { values } = parseArgs({ options: { port: { type: 'string' }, now: { type: 'string' } } });
  const port = Number(values.port ?? 0);
  const nowMs = values.now === undefined ? Date.now() : Date.parse(values.now);
  if (!Number.isInteger(port) || port < 0)
    throw new Error(`--port must be a port number, not ${values.port}`);
  if (Number.isNaN(nowMs)) throw new Error(`--now must be an RFC 3339 time, not ${values.now}`);
  return { port, nowMs };
}

async function main(): Promise<void> {
  const { port, nowMs } = readOptions();
  const config = loadConfig({
    HOST: '127.0.0.1',
    PORT: String(port),
    AUTH_TOKENS: TOKEN_CONFIG,
    CURSOR_SECRET: 'c'.repeat(32),
  });
  // stdout carries only the ready line; the backend's own warnings go to stderr.
  const logger = pino({ level: process.env.LOG_LEVEL ?? 'warn' }, pino.destination(2));
  const dataset = generateDataset({ nowMs, days: 1, tradesPerHour: 20 });
  const server = await startServer({
    config,
    sources: memorySources(dataset, formatEpochMs(nowMs)),
    logger,
    // `now-1h` means the last hour of the generated data, whatever `--now` says.
    clock: clockStartingAt(nowMs),
  });

  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    void server.shutdown().then(() => process.exit(0));
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  process.stdin.once('end', stop);
  process.stdin.once('close', stop);
  process.stdin.resume();

  const ready = {
    url: server.url,
    tokens: TOKENS,
    now: formatEpochMs(nowMs),
    burst: dataset.burst,
    mismatches: dataset.mismatches,
  };
  process.stdout.write(`${JSON.stringify(ready)}\n`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
