import { createHash, randomBytes } from 'node:crypto';
import { loadConfig } from '../config.js';
import { createLogger } from '../logger.js';
import { formatEpochMs } from '../model/index.js';
import { startServer } from '../server.js';
import { generateDataset } from './dataset.js';
import { memorySources } from './memory-sources.js';

/**
 * `npm run demo`: the backend on 127.0.0.1 with realistic GPT Runner+ data, a token, and
 * the curl commands to try it. Everything here is local; nothing needs a cloud account.
 */
const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

async function main(): Promise<void> {
  const token = process.env.DEMO_TOKEN || `demo-${randomBytes(12).toString('hex')}`;
  const config = loadConfig({
    HOST: '127.0.0.1',
    PORT: process.env.PORT ?? '8080',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
    ...process.env,
    AUTH_TOKENS: JSON.stringify([{ name: 'demo', sha256: sha256(token), role: 'admin' }]),
  });
  const nowMs = Date.now();
  const dataset = generateDataset({ nowMs, days: 3 });
  const server = await startServer({
    config,
    sources: memorySources(dataset, formatEpochMs(nowMs)),
    logger: createLogger(config.logLevel),
  });
  const base = server.url;
  const auth = `-H "Authorization: Bearer ${token}"`;
  console.log(`GPT Runner+ unified logs: demo backend listening on ${base}`);
  console.log(`Token (admin): ${token}\n`);
  console.log('Try:');
  console.log(`  curl -s ${auth} "${base}/logs?limit=5"`);
  console.log(`  curl -s ${auth} "${base}/logs?minSeverity=ERROR&from=now-1h&limit=20"`);
  console.log(`  curl -s ${auth} "${base}/logs/pods?search=traceback&from=now-2h&limit=3"`);
  console.log(`\nError burst: ${dataset.burst.from} to ${dataset.burst.to}. Ctrl-C stops the demo.`);

  const stop = (): void => {
    console.log('\nStopping…');
    void server.shutdown().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
