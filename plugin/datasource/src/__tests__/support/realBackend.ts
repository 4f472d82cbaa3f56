import { ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import readline from 'node:readline';

/** The repository root, where `local/memory-backend.ts` and the shared tsx install live. */
const REPO_ROOT = path.resolve(__dirname, '../../../../..');
const LAUNCHER = path.join('local', 'memory-backend.ts');
const START_TIMEOUT_MS = 60_000;

/** Tokens of `tests/support/backend.ts`: one per role, and one that may read GCS only. */
export interface BackendTokens {
  admin: string;
  analyst: string;
  viewer: string;
  gcsOnly: string;
}

/** The line `local/memory-backend.ts` prints once it listens. */
interface ReadyLine {
  url: string;
  tokens: BackendTokens;
  now: string;
  burst: { from: string; to: string };
  mismatches: Mismatches;
}

/** The trades the demo's GCS archive disagrees with Firestore about (local/demo-data/dataset.ts). */
export interface Mismatches {
  firestoreOnly: string;
  statusDiffers: string;
}

export interface RealBackend {
  url: string;
  tokens: BackendTokens;
  /** End of the generated demo data (epoch ms): time ranges are aimed relative to it. */
  nowMs: number;
  /** The demo's error burst (epoch ms): the broker answers 503 and orders are rejected. */
  burst: { fromMs: number; toMs: number };
  mismatches: Mismatches;
  stop: () => Promise<void>;
}

function waitForReadyLine(child: ChildProcess, stderr: () => string): Promise<ReadyLine> {
  return new Promise((resolve, reject) => {
    const lines = readline.createInterface({ input: child.stdout! });
    const fail = (reason: string) => {
      clearTimeout(timer);
      reject(new Error(`${reason}\n${stderr()}`));
    };
    const timer = setTimeout(() => fail(`the backend did not start within ${START_TIMEOUT_MS} ms`), START_TIMEOUT_MS);
    lines.once('line', (line) => {
      clearTimeout(timer);
      try {
        resolve(JSON.parse(line) as ReadyLine);
      } catch {
        fail(`the backend printed something other than its ready line: ${line}`);
      }
    });
    child.once('exit', (code) => fail(`the backend exited with code ${code} before it was ready`));
  });
}

function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) {
    return Promise.resolve();
  }
  return new Promise((resolve) => {
    // A backend stuck in shutdown must not hold the test run open.
    const force = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/**
 * Starts the real backend over in-memory demo data in a child process (it is an ESM
 * TypeScript workspace, which jest's CommonJS runtime cannot load in-process).
 */
export async function startRealBackend(): Promise<RealBackend> {
  const child = spawn(process.execPath, ['--import', 'tsx', LAUNCHER], {
    cwd: REPO_ROOT,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let errors = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    errors += chunk.toString('utf8');
  });
  try {
    const ready = await waitForReadyLine(child, () => errors);
    return {
      url: ready.url,
      tokens: ready.tokens,
      nowMs: Date.parse(ready.now),
      burst: { fromMs: Date.parse(ready.burst.from), toMs: Date.parse(ready.burst.to) },
      mismatches: ready.mismatches,
      stop: () => stopProcess(child),
    };
  } catch (error) {
    await stopProcess(child);
    throw error;
  }
}
