/**
 * `npm run demo`: the whole backend against local stand-ins for Google Cloud. It starts the
 * GCS and Firestore emulators and the Kubernetes API double, seeds them with three days of
 * GPT Runner+ data, runs the built backend (`backend/dist/main.js`, exactly as in a pod)
 * pointed at them, and prints a token and curl commands. Ctrl-C stops everything it started.
 */
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { generateDataset, type DemoDataset } from './demo-data/dataset.js';
import { startBuiltBackend, stopBackend, waitForHealth } from './backend-process.js';
import { demoAuthTokens } from './demo-tokens.js';
import { startLocalStack, type LocalStack } from './stack.js';

function printWelcome(
  base: string,
  token: string,
  burst: { from: string; to: string },
  stack: LocalStack,
  mismatches: DemoDataset['mismatches'],
): void {
  const auth = `-H "Authorization: Bearer ${token}"`;
  console.log(`\nGPT Runner+ unified logs — demo backend on ${base}`);
  console.log(
    `  GCS emulator ${stack.gcs.apiEndpoint}, Firestore emulator ${stack.firestore.host} (${stack.firestore.kind}), Kubernetes API ${stack.kube.url}`,
  );
  console.log(`Token (admin): ${token}\n`);
  console.log('Try:');
  console.log(`  curl -s ${auth} "${base}/logs?limit=5"`);
  console.log(`  curl -s ${auth} "${base}/logs?minSeverity=ERROR&from=now-1h&limit=20"`);
  console.log(`  curl -s ${auth} "${base}/logs/pods?search=traceback&from=now-2h&limit=3"`);
  console.log(
    `  curl -s ${auth} "${base}/logs/related?key=order_id&value=${mismatches.firestoreOnly}"   # not archived in GCS`,
  );
  console.log(`  curl -s ${auth} "${base}/logs/reconcile"`);
  console.log(`\nError burst: ${burst.from} → ${burst.to}. Ctrl-C stops the demo and its emulators.`);
}

async function main(): Promise<void> {
  const token = process.env.DEMO_TOKEN || `demo-${randomBytes(12).toString('hex')}`;
  const port = process.env.PORT ?? '8080';
  console.log('Starting the GCS and Firestore emulators and the Kubernetes API double…');
  const stack = await startLocalStack();
  let backend: ChildProcess | undefined;
  let stopping = false;
  const stop = async (code: number): Promise<void> => {
    if (stopping) return;
    stopping = true;
    if (backend) await stopBackend(backend);
    await stack.stop();
    process.exit(code);
  };
  process.once('SIGINT', () => void stop(0));
  process.once('SIGTERM', () => void stop(0));
  try {
    const dataset = generateDataset({ nowMs: Date.now(), days: 3 });
    console.log(
      `Seeding ${dataset.objects.length} objects, ${dataset.documents.length} documents, ${dataset.pods.length} pods…`,
    );
    await stack.seed(dataset);
    backend = startBuiltBackend({
      ...stack.env,
      HOST: '127.0.0.1',
      PORT: port,
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
      // Tokens given in the environment stay usable beside the demo's admin.
      AUTH_TOKENS: demoAuthTokens(process.env.AUTH_TOKENS, token),
      CURSOR_SECRET: process.env.CURSOR_SECRET || randomBytes(32).toString('hex'),
    });
    backend.once('exit', (code) => {
      if (!stopping) {
        console.error(`The backend stopped (exit code ${code}).`);
        void stop(1);
      }
    });
    const base = `http://127.0.0.1:${port}`;
    await waitForHealth(base, backend, 30_000);
    printWelcome(base, token, dataset.burst, stack, dataset.mismatches);
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    await stop(1);
  }
}

await main();
