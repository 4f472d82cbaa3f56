/**
 * A real `redis-server` on a free loopback port, without persistence, that the suites can
 * stop, restart on the same port, and freeze (SIGSTOP) to play a hung server.
 */
import { existsSync } from 'node:fs';
import { connect } from 'node:net';
import {
  LOOPBACK,
  freePort,
  killQuietly,
  startGuarded,
  waitUntil,
  type GuardedProcess,
} from './emulators/process.js';

export const REDIS_SERVER = '/usr/bin/redis-server';

/** Why the Redis suites cannot run here, or undefined when they can. */
export function redisServerMissing(): string | undefined {
  if (existsSync(REDIS_SERVER)) return undefined;
  return `${REDIS_SERVER} is not installed (Debian package redis-server; .ci/run installs it)`;
}

export interface TestRedis {
  readonly port: number;
  readonly url: string;
  /** SIGTERM, resolves once the server has exited. */
  stop(): Promise<void>;
  /** Starts it again on the same port (after `stop`). */
  restart(): Promise<void>;
  /** SIGSTOP: connections stay open and nothing answers, like a hung server. */
  freeze(): void;
  /** SIGCONT after `freeze`. */
  thaw(): void;
  /** Everything still running is stopped. */
  close(): Promise<void>;
}

/** `password`: the server asks for it (`requirepass`), as the deployed Redis does. */
export async function startRedis(options: { password?: string } = {}): Promise<TestRedis> {
  const port = await freePort();
  const launch = (p: number): Promise<GuardedProcess> => launchServer(p, options.password);
  let server: GuardedProcess | undefined = await launch(port);
  let frozen = false;
  const stop = async (): Promise<void> => {
    if (!server) return;
    if (frozen) thaw();
    await server.stop();
    server = undefined;
  };
  const thaw = (): void => {
    killQuietly(server?.pid, 'SIGCONT');
    frozen = false;
  };
  return {
    port,
    url: `redis://${LOOPBACK}:${port}`,
    stop,
    restart: async () => {
      await stop();
      server = await launch(port);
    },
    freeze: () => {
      killQuietly(server?.pid, 'SIGSTOP');
      frozen = true;
    },
    thaw,
    close: stop,
  };
}

/**
 * redis-server's allocator recurses into libfaketime and the server never starts, so in the
 * suites' moved-clock run it keeps the real clock. Its keys only carry relative TTLs, so the
 * clock it reads does not change what the suites observe.
 */
function withoutFakeTime(): NodeJS.ProcessEnv {
  const { LD_PRELOAD: _preload, FAKETIME: _faketime, ...env } = process.env;
  return env;
}

async function launchServer(port: number, password: string | undefined): Promise<GuardedProcess> {
  const args = ['--bind', LOOPBACK, '--port', String(port), '--save', '', '--appendonly', 'no'];
  if (password) args.push('--requirepass', password);
  const server = await startGuarded(REDIS_SERVER, [...args, '--daemonize', 'no'], { env: withoutFakeTime() });
  await waitUntil(() => answersPing(port), {
    what: `redis-server on port ${port}`,
    timeoutMs: 10_000,
    abortReason: () => (server.hasExited() ? `exited: ${server.output()}` : undefined),
  });
  return server;
}

/** One PING over a raw socket: true once the server answers +PONG. */
function answersPing(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: LOOPBACK, port });
    const done = (answer: boolean): void => {
      socket.destroy();
      resolve(answer);
    };
    socket.setTimeout(1_000, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    // A server that asks for a password answers NOAUTH: it is up all the same.
    socket.once('data', (chunk) => done(/^(\+PONG|-NOAUTH)/.test(chunk.toString('utf8'))));
  });
}
