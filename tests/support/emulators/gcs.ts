/**
 * Cloud Storage for tests: firebase-tools' storage emulator in its own child process
 * (gcs-server.ts), reached with `new Storage({ apiEndpoint, projectId })`.
 *
 * A child process rather than in-process because firebase-tools allows one storage
 * emulator per process (see gcs-inprocess.ts), and because a test must be able to make
 * the server vanish mid-test, the way a real outage looks to the client.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { EXIT_PORT_IN_USE } from './gcs-inprocess.js';
import { LOOPBACK, freePort, killQuietly, onProcessExit, unrefChild } from './process.js';

export { startGcsInProcess, type InProcessGcs } from './gcs-inprocess.js';

export interface GcsEmulator {
  /** `http://127.0.0.1:<port>`, for `new Storage({ apiEndpoint })`. */
  readonly apiEndpoint: string;
  readonly projectId: string;
  /** Pid of the emulator's process. */
  readonly pid: number;
  /** Milliseconds from start request to ready. */
  readonly startupMs: number;
  isRunning(): boolean;
  /** Drops every bucket and object. */
  reset(): Promise<void>;
  /**
   * Ends the emulator at once (SIGTERM, SIGKILL after 2 s): open connections are cut
   * and new ones refused. Safe to call twice.
   */
  stop(): Promise<void>;
}

export interface StartGcsOptions {
  projectId?: string;
  timeoutMs?: number;
}

const SERVER_ENTRY = fileURLToPath(new URL('./gcs-server.ts', import.meta.url));
const PORT_ATTEMPTS = 3;

export async function startGcsEmulator(options: StartGcsOptions = {}): Promise<GcsEmulator> {
  const started = performance.now();
  const projectId = options.projectId ?? 'unified-logs-test';
  // Each instance gets its own directory, also as TMPDIR, so nothing is shared.
  const root = await mkdtemp(join(tmpdir(), 'unified-logs-gcs-'));
  try {
    for (let attempt = 1; ; attempt++) {
      const port = await freePort();
      const child = spawnServer(projectId, port, root);
      const outcome = await readiness(child, options.timeoutMs ?? 20_000);
      if (outcome === 'ready') {
        return handleFor(child, port, projectId, root, Math.round(performance.now() - started));
      }
      killQuietly(child.pid, 'SIGKILL');
      if (!(outcome.portInUse && attempt < PORT_ATTEMPTS)) {
        throw new Error(`Cloud Storage emulator failed to start: ${outcome.message}`);
      }
    }
  } catch (error) {
    await rm(root, { recursive: true, force: true });
    throw error;
  }
}

function spawnServer(projectId: string, port: number, root: string): ChildProcess {
  const tsxLoader = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
  const args = ['--import', tsxLoader, SERVER_ENTRY];
  args.push('--project', projectId, '--port', String(port));
  args.push('--blob-dir', join(root, 'blobs'), '--work-dir', root);
  return spawn(process.execPath, args, {
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    env: { ...process.env, TMPDIR: root },
  });
}

interface StartFailure {
  message: string;
  portInUse: boolean;
}

function readiness(child: ChildProcess, timeoutMs: number): Promise<'ready' | StartFailure> {
  let output = '';
  const append = (chunk: Buffer): void => void (output += chunk.toString('utf8'));
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      resolve({ message: `not ready after ${timeoutMs} ms: ${output}`, portInUse: false });
    }, timeoutMs);
    child.once('message', (message: { ready?: boolean; error?: string }) => {
      clearTimeout(timer);
      resolve(message.ready ? 'ready' : { message: `${message.error}`, portInUse: false });
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      const portInUse = code === EXIT_PORT_IN_USE;
      resolve({ message: `exited with code ${code}: ${output}`, portInUse });
    });
  });
}

function handleFor(
  child: ChildProcess,
  port: number,
  projectId: string,
  root: string,
  startupMs: number,
): GcsEmulator {
  const pid = child.pid ?? -1;
  const apiEndpoint = `http://${LOOPBACK}:${port}`;
  let running = true;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  void exited.then(() => (running = false));
  // If this process ends without stop(), take the server and its files with it.
  const forget = onProcessExit(() => {
    killQuietly(pid, 'SIGKILL');
    rmSync(root, { recursive: true, force: true });
  });
  // The IPC channel stays open: its loss tells the child to exit.
  unrefChild(child);
  let stopping: Promise<void> | undefined;
  const stop = async (): Promise<void> => {
    if (running) killQuietly(pid, 'SIGTERM');
    const timer = setTimeout(() => killQuietly(pid, 'SIGKILL'), 2_000);
    await exited;
    clearTimeout(timer);
    await rm(root, { recursive: true, force: true });
    forget();
  };
  return {
    apiEndpoint,
    projectId,
    pid,
    startupMs,
    isRunning: () => running,
    reset: () => resetEmulator(apiEndpoint),
    stop: () => (stopping ??= stop()),
  };
}

/** firebase-tools' own reset route; it clears buckets, objects and blob files. */
async function resetEmulator(apiEndpoint: string): Promise<void> {
  const response = await fetch(`${apiEndpoint}/internal/reset`, { method: 'POST' });
  if (!response.ok) throw new Error(`Cloud Storage emulator reset: ${response.status}`);
  await response.arrayBuffer();
}
