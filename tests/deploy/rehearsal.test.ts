import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { IDeployment } from 'kubernetes-models/apps/v1';
import type { IContainer } from 'kubernetes-models/v1';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LogsResponse, VolumeResponse } from '@gpt-runner-logs/contract';
import { waitForHealth, stopBackend } from '../../local/backend-process.js';
import { generateDataset, type DemoDataset } from '../../local/demo-data/dataset.js';
import { startLocalStack, type LocalStack } from '../../local/stack.js';
import { freePort } from '../support/emulators/process.js';
import { redisServerMissing, startRedis, type TestRedis } from '../support/redis.js';
import { ImageBuilder, type AssembledStage } from './image.js';
import { RenderedManifests, podContainers } from './kustomize.js';
import { readText } from './support.js';

/**
 * The deploy rehearsal: the backend as GKE runs it, as near as this machine allows. The image's
 * file set is assembled as the Dockerfile builds it (tests/deploy/image.ts), then started from its
 * ENTRYPOINT as the pod's user, on a read-only root with the pod's emptyDir mounts, with exactly
 * the environment the rendered kustomize output gives the container — ConfigMap, Secret and env —
 * except the endpoints below, which point at the local emulators instead of Google and the cluster.
 * It must answer every endpoint the README documents and read every source's records.
 */

/** What differs from the cluster: where the services are, and the project the ConfigMap leaves to the operator. */
const LOCAL_ENDPOINTS = [
  'GOOGLE_CLOUD_PROJECT',
  'GCS_API_ENDPOINT',
  'FIRESTORE_EMULATOR_HOST',
  'K8S_API_URL',
  'METADATA_SERVER_DETECTION',
  'REDIS_URL',
  'PORT',
] as const;

/** Variables libfaketime reads: the suites' moved-clock run must move the rehearsed backend's clock too. */
const CLOCK_VARIABLES = ['LD_PRELOAD', 'FAKETIME', 'FAKETIME_NO_CACHE', 'FAKETIME_DONT_FAKE_MONOTONIC'];

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

/** Why the rehearsal cannot isolate the process here, or undefined when it can. */
function isolationMissing(): string | undefined {
  const probe = spawnSync('unshare', ['--mount', '--propagation', 'private', 'true']);
  if (probe.status === 0) return undefined;
  return `a private mount namespace is not available (unshare: ${String(probe.stderr).trim() || probe.error?.message}); the rehearsal needs root and CAP_SYS_ADMIN for the read-only root`;
}

const missing = redisServerMissing() ?? isolationMissing();
if (missing) console.warn(`deploy rehearsal skipped: ${missing}`);

/** The documented endpoints: the first cell of each row of README.md's API table. */
function documentedEndpoints(): { method: string; path: string }[] {
  const endpoints: { method: string; path: string }[] = [];
  for (const line of readText('README.md').split('\n')) {
    const cell = /^\| (`(?:GET|POST|PUT|DELETE) [^|]+)\|/.exec(line)?.[1];
    if (!cell) continue;
    const method = /`(GET|POST|PUT|DELETE) /.exec(cell)?.[1] ?? 'GET';
    for (const [, written] of cell.matchAll(/`(?:[A-Z]+ )?(\/[^`]*)`/g)) {
      const braces = /^(.*)\{([^}]+)\}(.*)$/.exec(written ?? '');
      const paths = braces
        ? (braces[2] ?? '').split(',').map((part) => `${braces[1]}${part}${braces[3]}`)
        : [written ?? ''];
      for (const path of paths) endpoints.push({ method, path });
    }
  }
  return endpoints;
}

describe.skipIf(missing)(
  'deploy rehearsal: the image, as the pod runs it, with the GKE configuration',
  () => {
    const token = `rehearsal-${randomBytes(12).toString('hex')}`;
    const redisPassword = randomBytes(24).toString('hex');
    let workspace: string;
    let image: AssembledStage;
    let builder: ImageBuilder;
    let stack: LocalStack;
    let redis: TestRedis;
    let dataset: DemoDataset;
    let backend: ChildProcess;
    let base: string;
    let output = '';
    let window: { from: string; to: string };

    const rendered = new RenderedManifests();
    const deployment = rendered.only<IDeployment>('Deployment', 'log-aggregator');
    const container = podContainers(deployment)[0] as IContainer;
    const podSecurity = deployment.spec?.template.spec?.securityContext;

    const get = async (path: string): Promise<Response> =>
      fetch(`${base}${path}`, { headers: { Authorization: `Bearer ${token}` } });
    const getJson = async <T>(path: string): Promise<T> => {
      const response = await get(path);
      expect(response.status, `GET ${path}: ${await response.clone().text()}`).toBe(200);
      return (await response.json()) as T;
    };
    const inWindow = (query: Record<string, string>): string =>
      new URLSearchParams({ ...window, ...query }).toString();

    /** Environment of the container from the rendered manifests, the Secret filled as an operator would. */
    function podEnvironment(ports: { backend: number }): Record<string, string> {
      const secrets = {
        AUTH_TOKENS: JSON.stringify([{ name: 'rehearsal', sha256: sha256(token), role: 'admin' }]),
        CURSOR_SECRET: randomBytes(32).toString('hex'),
        REDIS_PASSWORD: redisPassword,
        OPENAI_API_KEY: '',
      };
      const { values } = rendered.containerEnvironment(container, secrets);
      const redisUrl = new URL(values.REDIS_URL ?? '');
      redisUrl.hostname = '127.0.0.1';
      redisUrl.port = String(redis.port);
      const local: Record<(typeof LOCAL_ENDPOINTS)[number], string> = {
        GOOGLE_CLOUD_PROJECT: stack.env.GOOGLE_CLOUD_PROJECT ?? '',
        GCS_API_ENDPOINT: stack.env.GCS_API_ENDPOINT ?? '',
        FIRESTORE_EMULATOR_HOST: stack.env.FIRESTORE_EMULATOR_HOST ?? '',
        K8S_API_URL: stack.env.K8S_API_URL ?? '',
        METADATA_SERVER_DETECTION: 'none',
        REDIS_URL: redisUrl.toString(),
        PORT: String(ports.backend),
      };
      const clock = Object.fromEntries(
        CLOCK_VARIABLES.flatMap((name) => (process.env[name] ? [[name, process.env[name] as string]] : [])),
      );
      return { ...image.env, ...values, ...local, ...clock };
    }

    /**
     * `unshare` gives the process its own mount table: the root remounted read-only, a tmpfs for each
     * emptyDir the pod mounts; `setpriv` drops to the pod's user; `env -i` leaves it nothing else.
     */
    function startAsPod(env: Record<string, string>): ChildProcess {
      const mounts = (container.volumeMounts ?? []).flatMap((mount) => {
        const volume = deployment.spec?.template.spec?.volumes?.find((v) => v.name === mount.name);
        if (!volume?.emptyDir) throw new Error(`volume ${mount.name}: only emptyDir volumes are rehearsed`);
        const size = volume.emptyDir.sizeLimit
          ? `,size=${String(volume.emptyDir.sizeLimit).replace(/i$/, '')}`
          : '';
        return [`mount -t tmpfs -o mode=1777${size} tmpfs ${mount.mountPath}`];
      });
      const script = ['set -e', 'mount -o remount,bind,ro /', ...mounts, 'exec "$@"'].join('\n');
      const [program = 'node', ...args] = image.entrypoint;
      const user = `${podSecurity?.runAsUser ?? ''}`;
      const group = `${podSecurity?.runAsGroup ?? ''}`;
      const path = [dirname(process.execPath), '/usr/local/bin', '/usr/bin', '/bin'].join(':');
      const assignments = Object.entries({ ...env, PATH: path }).map(([k, v]) => `${k}=${v}`);
      return spawn(
        'unshare',
        [
          '--mount',
          '--propagation',
          'private',
          'sh',
          '-c',
          script,
          'pod',
          'setpriv',
          `--reuid=${user}`,
          `--regid=${group}`,
          '--clear-groups',
          'env',
          '-i',
          ...assignments,
          program,
          ...args,
        ],
        { cwd: join(image.root, image.workdir), stdio: ['ignore', 'pipe', 'pipe'] },
      );
    }

    beforeAll(async () => {
      workspace = mkdtempSync('/var/tmp/deploy-rehearsal-');
      // The pod's user reads the image from here.
      chmodSync(workspace, 0o755);
      builder = new ImageBuilder(workspace);
      image = builder.target();
      [stack, redis] = await Promise.all([startLocalStack(), startRedis({ password: redisPassword })]);
      dataset = generateDataset({ nowMs: Date.now(), days: 1 });
      await stack.seed(dataset);
      window = {
        from: new Date(Date.parse(dataset.burst.from) - 25 * 3_600_000).toISOString(),
        to: new Date(Date.now() + 60_000).toISOString(),
      };
      const port = await freePort();
      base = `http://127.0.0.1:${port}`;
      backend = startAsPod(podEnvironment({ backend: port }));
      backend.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
      backend.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
      await waitForHealth(base, backend, 60_000).catch((error: unknown) => {
        throw new Error(`${String(error)}\n${output}`);
      });
    }, 600_000);

    afterAll(async () => {
      if (backend) await stopBackend(backend);
      await Promise.allSettled([stack?.stop(), redis?.close()]);
      builder?.dispose();
      if (workspace) rmSync(workspace, { recursive: true, force: true });
    }, 60_000);

    it('changes nothing of the rendered configuration but the endpoints of the local services', () => {
      const { names, values } = rendered.containerEnvironment(container);
      const env = podEnvironment({ backend: 1 });
      const local = new Set<string>([...LOCAL_ENDPOINTS, ...Object.keys(image.env), ...CLOCK_VARIABLES]);
      const fromSecret = (name: string): boolean => names.get(name)?.startsWith('Secret') ?? false;
      expect(Object.keys(env).filter((name) => !names.has(name) && !local.has(name))).toEqual([]);
      expect(
        Object.keys(values).filter(
          (name) => !local.has(name) && !fromSecret(name) && env[name] !== values[name],
        ),
      ).toEqual([]);
    });

    it('runs as the pod user, the image user, on a read-only root', () => {
      const status = readFileSync(`/proc/${backend.pid}/status`, 'utf8');
      const uid = /^Uid:\s+(\d+)/m.exec(status)?.[1];
      expect(uid).toBe(String(podSecurity?.runAsUser));
      expect(image.user.split(':')[0]).toBe(uid);
      const mounts = readFileSync(`/proc/${backend.pid}/mountinfo`, 'utf8').split('\n');
      const root = mounts.map((line) => line.split(' ')).find((fields) => fields[4] === '/');
      expect(root?.[5]?.split(',')).toContain('ro');
      expect(container.securityContext?.readOnlyRootFilesystem).toBe(true);
    });

    it('is ready, with every source up and the password-protected Redis as its cache', async () => {
      // As the kubelet does, ask until it is ready: the Redis client connects in the background.
      let ready: Record<string, unknown> = {};
      for (let attempt = 0; attempt < 40 && ready.status !== 'ok'; attempt++) {
        if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 500));
        ready = await fetch(`${base}/readyz`).then((r) => r.json() as Promise<Record<string, unknown>>);
      }
      expect(ready, JSON.stringify(ready)).toMatchObject({
        status: 'ok',
        cache: { kind: 'redis', up: true },
      });
    });

    it('answers every endpoint README.md documents', async () => {
      const endpoints = documentedEndpoints();
      expect(endpoints.length).toBeGreaterThan(10);
      const trade = (await getJson<LogsResponse>(`/logs/gcs?${inWindow({ prefix: 'trades/', limit: '1' })}`))
        .entries[0];
      const orderId = (trade?.payload as { order_id?: string } | undefined)?.order_id;
      expect(orderId, JSON.stringify(trade)).toBeTruthy();
      // What an endpoint needs besides the time window; a listing gets a small page.
      const needs: Record<string, Record<string, string>> = {
        '/logs/context': { source: 'gcs', id: trade?.id ?? '', timestamp: trade?.timestamp ?? '' },
        '/logs/related': { key: 'order_id', value: orderId ?? '' },
        '/logs/reconcile': window,
        '/logs/labels/values': { ...window, name: 'symbol' },
        // A tail takes no window: it follows what arrives from now on.
        '/logs/tail': { source: 'gcs' },
      };
      for (const { method, path } of endpoints) {
        const listing = method === 'GET' && path.startsWith('/logs');
        const query = listing ? (needs[path] ?? inWindow({ limit: '5' })) : undefined;
        const response = await fetch(
          `${base}${path}${query ? `?${new URLSearchParams(query).toString()}` : ''}`,
          {
            method,
            headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
            body:
              method === 'POST' ? JSON.stringify({ ...window, source: ['gcs'], maxEntries: 500 }) : undefined,
          },
        );
        if (response.status !== 200)
          expect.fail(`${method} ${path}: ${response.status} ${await response.text()}`);
        // A stream (the live tail) is not read to its end: its headers answered.
        await response.body?.cancel();
      }
    });

    it('reads every record of every Firestore collection: none hidden by a missing time field', async () => {
      const collections = [...new Set(dataset.documents.map((d) => d.collection))];
      expect(collections).toEqual(expect.arrayContaining(['gpt_runner_trades', 'gpt_runner_reflections']));
      for (const collection of collections) {
        const volume = await getJson<VolumeResponse>(
          `/logs/volume?${inWindow({ source: 'firestore', collection })}`,
        );
        const counted = volume.series.flatMap((s) => s.points).reduce((sum, [, count]) => sum + count, 0);
        expect(counted, collection).toBe(dataset.documents.filter((d) => d.collection === collection).length);
        expect(volume.partial, collection).toBe(false);
        expect(volume.warnings, collection).toEqual([]);
      }
    });

    it('reads records of every GCS prefix and every pod', async () => {
      const { values } = rendered.containerEnvironment(container);
      const prefixes = (values.GCS_PREFIXES ?? '').split(',').filter(Boolean);
      expect(prefixes.length).toBeGreaterThan(0);
      for (const prefix of prefixes) {
        const page = await getJson<LogsResponse>(`/logs/gcs?${inWindow({ prefix, limit: '5' })}`);
        expect(page.entries.length, prefix).toBeGreaterThan(0);
      }
      const namespaces = (values.K8S_NAMESPACES ?? '').split(',');
      const served = dataset.pods.filter((pod) => namespaces.includes(pod.namespace));
      expect(served.length).toBeGreaterThan(0);
      for (const pod of served) {
        const page = await getJson<LogsResponse>(
          `/logs/pods?${inWindow({ namespace: pod.namespace, pod: pod.name, limit: '5' })}`,
        );
        expect(page.entries.length, pod.name).toBeGreaterThan(0);
      }
    });

    it('logs no error while doing all of it', () => {
      const records = output
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as { severity?: string; msg?: string });
      expect(records.length).toBeGreaterThan(0);
      expect(records.filter((r) => r.severity === 'ERROR' || r.severity === 'CRITICAL')).toEqual([]);
    });

    it('stops cleanly on SIGTERM within the grace period of the pod', async () => {
      const graceMs = (deployment.spec?.template.spec?.terminationGracePeriodSeconds ?? 30) * 1000;
      const started = Date.now();
      const exited = new Promise<number | null>((resolve) => backend.once('exit', resolve));
      backend.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(Date.now() - started).toBeLessThan(graceMs);
    }, 60_000);
  },
);
