import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The built backend (`backend/dist/main.js`), run exactly as a pod runs it. */
const MAIN = fileURLToPath(new URL('../backend/dist/main.js', import.meta.url));

/** Starts the built backend with `env` on top of this process's environment; its output is ours. */
export function startBuiltBackend(env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, ['--enable-source-maps', MAIN], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
}

/** Resolves once `/healthz` answers; fails when the backend exits first or the time runs out. */
export async function waitForHealth(base: string, backend: ChildProcess, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (backend.exitCode !== null) throw new Error(`the backend exited with code ${backend.exitCode}`);
    const ok = await fetch(`${base}/healthz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`the backend did not answer ${base}/healthz within ${timeoutMs} ms`);
}

/** SIGTERM, and wait until it has drained and exited. */
export async function stopBackend(backend: ChildProcess): Promise<void> {
  if (backend.exitCode !== null || backend.signalCode !== null) return;
  const exited = new Promise((resolve) => backend.once('exit', resolve));
  backend.kill('SIGTERM');
  await exited;
}
