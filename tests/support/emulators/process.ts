/**
 * Shared plumbing for the emulators: free loopback ports, polling until a server is
 * ready, and child processes that cannot outlive the process that started them.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type Socket } from 'node:net';
import type { Readable } from 'node:stream';

export const LOOPBACK = '127.0.0.1';

/** Asks the kernel for a port that is free on 127.0.0.1 right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, LOOPBACK, () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => (port > 0 ? resolve(port) : reject(new Error('no port assigned'))));
    });
  });
}

export interface WaitOptions {
  /** What is awaited, for the timeout message. */
  what: string;
  timeoutMs: number;
  intervalMs?: number;
  /** Stops waiting early, e.g. when the server process has already died. */
  abortReason?: () => string | undefined;
}

/** Polls `check` until it answers true; errors thrown by `check` count as "not yet". */
export async function waitUntil(
  check: () => Promise<boolean> | boolean,
  options: WaitOptions,
): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    const aborted = options.abortReason?.();
    if (aborted !== undefined) throw new Error(`${options.what}: ${aborted}`);
    if (
      await Promise.resolve()
        .then(check)
        .catch(() => false)
    )
      return;
    if (Date.now() > deadline) {
      throw new Error(`${options.what}: not ready after ${options.timeoutMs} ms`);
    }
    await sleep(options.intervalMs ?? 50);
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** True when an HTTP GET on the URL answers at all (any status). */
export async function answersHttp(url: string): Promise<boolean> {
  const response = await fetch(url, { signal: AbortSignal.timeout(1_000) });
  await response.arrayBuffer();
  return true;
}

// ---------------------------------------------------------------------------
// Cleanup when the test process exits

const exitHooks = new Set<() => void>();
let exitHookInstalled = false;

/**
 * Runs `hook` synchronously when this process exits, unless the returned function is
 * called first. Only synchronous work (such as `process.kill`) is possible there.
 */
export function onProcessExit(hook: () => void): () => void {
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.once('exit', () => {
      for (const run of exitHooks) {
        try {
          run();
        } catch {
          // The process is going away; one failed cleanup must not block the others.
        }
      }
    });
  }
  exitHooks.add(hook);
  return () => exitHooks.delete(hook);
}

/** Sends a signal, ignoring "no such process" (it is already gone). */
export function killQuietly(pid: number | undefined, signal: NodeJS.Signals): void {
  if (pid === undefined) return;
  try {
    process.kill(pid, signal);
  } catch {
    // ESRCH: already exited.
  }
}

// ---------------------------------------------------------------------------
// Guarded child processes

/**
 * A tiny Node program placed between us and a foreign server (e.g. a JVM). It starts the
 * server, reports its pid over IPC, and kills it when the IPC channel drops, which also
 * happens when our process dies from SIGKILL and no exit hook can run. Without it, a
 * killed test worker would leave the server running.
 */
const GUARD_SOURCE = `
const { spawn } = require('node:child_process');
const [command, ...args] = JSON.parse(process.argv[1]);
const server = spawn(command, args, { stdio: ['ignore', 'inherit', 'inherit'] });
server.on('error', (error) => { console.error(String(error)); process.exit(127); });
server.on('spawn', () => process.send({ pid: server.pid }));
server.on('exit', (code, signal) => process.exit(code ?? (signal ? 128 : 1)));
process.on('disconnect', () => server.kill('SIGKILL'));
process.on('SIGTERM', () => server.kill('SIGTERM'));
`;

export interface GuardedProcess {
  /** Pid of the server itself (not of the guard). */
  readonly pid: number;
  /** Everything the server printed so far (stdout and stderr, interleaved). */
  output(): string;
  /** Resolves with the exit code once the server has exited. */
  readonly exited: Promise<number | null>;
  hasExited(): boolean;
  /** SIGTERM to the server, SIGKILL after `graceMs`; resolves when it is gone. */
  stop(graceMs?: number): Promise<void>;
}

export interface GuardedOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

/** Starts `command` under the guard; resolves once the server process exists. */
export async function startGuarded(
  command: string,
  args: readonly string[],
  options: GuardedOptions = {},
): Promise<GuardedProcess> {
  const guard = spawn(process.execPath, ['-e', GUARD_SOURCE, JSON.stringify([command, ...args])], {
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    env: options.env ?? process.env,
    cwd: options.cwd,
  });
  const output = collectOutput(guard);
  const exited = exitOf(guard);
  const pid = await serverPidOf(guard, exited, output);
  // The channel stays open on purpose (its loss is the guard's signal).
  unrefChild(guard);
  let done = false;
  void exited.then(() => (done = true));
  const forget = onProcessExit(() => {
    killQuietly(pid, 'SIGKILL');
    killQuietly(guard.pid, 'SIGKILL');
  });
  const stop = async (graceMs = 3_000): Promise<void> => {
    if (!done) {
      killQuietly(pid, 'SIGTERM');
      const timer = setTimeout(() => killQuietly(pid, 'SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    }
    forget();
  };
  return { pid, output, exited, hasExited: () => done, stop };
}

/**
 * Lets this process exit while the child, its IPC channel and its pipes are still open;
 * an exit hook then ends the child. The pipes are sockets underneath.
 */
export function unrefChild(child: ChildProcess): void {
  child.unref();
  child.channel?.unref();
  for (const pipe of [child.stdout, child.stderr] as (Readable | null)[]) {
    (pipe as Partial<Socket> | null)?.unref?.();
  }
}

function collectOutput(child: ChildProcess): () => string {
  let text = '';
  const append = (chunk: Buffer): void => {
    // Keep the tail only: it is for error messages, and servers can be chatty.
    text = (text + chunk.toString('utf8')).slice(-64_000);
  };
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);
  return () => text;
}

function exitOf(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

function serverPidOf(
  guard: ChildProcess,
  exited: Promise<number | null>,
  output: () => string,
): Promise<number> {
  return new Promise((resolve, reject) => {
    guard.once('message', (message: unknown) => {
      const pid = (message as { pid?: unknown }).pid;
      if (typeof pid === 'number') resolve(pid);
      else reject(new Error(`unexpected message from guard: ${JSON.stringify(message)}`));
    });
    void exited.then((code) =>
      reject(new Error(`server exited before starting (code ${code}): ${output()}`)),
    );
  });
}
