/**
 * The Cloud Storage emulator of firebase-tools, started inside the current process.
 *
 * `firebase emulators:start` cannot run here (it wants Java 21 and downloads a rules
 * JAR), but the storage server itself is plain Node. We load its internal module
 * `firebase-tools/lib/emulator/storage`, which is why package.json pins firebase-tools to
 * an exact version: `lib/` is not a public API.
 *
 * One per process: EmulatorRegistry is a process-wide singleton keyed by emulator name
 * and refuses a second "storage" instance. Tests that need several instances, or need to
 * kill one abruptly, use the child-process wrapper in gcs.ts instead.
 */
import { createRequire } from 'node:module';
import { LOOPBACK } from './process.js';

/** The slice of firebase-tools' StorageEmulator that is used here. */
interface StorageEmulatorInstance {
  getInfo(): { host: string; port: number };
  getName(): string;
  start(): Promise<void>;
  stop(): Promise<void>;
  reset(): void;
  /** Private in firebase-tools; replaced below so no rules JAR is needed. */
  _rulesRuntime: unknown;
  _rulesManager: unknown;
}

interface StorageEmulatorArgs {
  projectId: string;
  host: string;
  port: number;
  rules: { name: string; content: string };
  auto_download: boolean;
}

type StorageEmulatorClass = new (args: StorageEmulatorArgs) => StorageEmulatorInstance;

interface EmulatorRegistryApi {
  start(instance: StorageEmulatorInstance): Promise<void>;
  stop(name: string): Promise<void>;
  isRunning(name: string): boolean;
}

export interface InProcessGcs {
  readonly apiEndpoint: string;
  readonly projectId: string;
  readonly port: number;
  /** Drops every bucket and object. */
  reset(): void;
  stop(): Promise<void>;
}

export interface InProcessGcsOptions {
  projectId: string;
  port: number;
  /** Directory for object bytes; it is deleted when the emulator stops. */
  blobDir: string;
}

const STORAGE = 'storage';

/** Exit code of gcs-server.ts when its port was taken: the parent retries elsewhere. */
export const EXIT_PORT_IN_USE = 75;

/**
 * Starts the emulator on 127.0.0.1:`port`. A port taken between choosing it and binding
 * it surfaces as an uncaught EADDRINUSE (firebase-tools attaches no error listener);
 * the child-process wrapper turns that into a retry.
 */
export async function startGcsInProcess(options: InProcessGcsOptions): Promise<InProcessGcs> {
  const { StorageEmulator, EmulatorRegistry } = loadFirebaseStorage();
  if (EmulatorRegistry.isRunning(STORAGE)) {
    throw new Error('a storage emulator already runs in this process; use startGcsEmulator()');
  }
  const Isolated = withBlobDir(StorageEmulator, options.blobDir);
  const emulator = new Isolated({
    projectId: options.projectId,
    host: LOOPBACK,
    port: options.port,
    // Only the Firebase SDK routes (/v0) evaluate rules; the GCS JSON API routes that
    // @google-cloud/storage uses never do. A name is required, the content is unused.
    rules: { name: 'storage.rules', content: '' },
    auto_download: false,
  });
  disableRules(emulator);
  await EmulatorRegistry.start(emulator);
  return {
    apiEndpoint: `http://${LOOPBACK}:${options.port}`,
    projectId: options.projectId,
    port: options.port,
    reset: () => emulator.reset(),
    stop: () => EmulatorRegistry.stop(STORAGE),
  };
}

function loadFirebaseStorage(): {
  StorageEmulator: StorageEmulatorClass;
  EmulatorRegistry: EmulatorRegistryApi;
} {
  const require = createRequire(import.meta.url);
  const storage = require('firebase-tools/lib/emulator/storage') as {
    StorageEmulator?: StorageEmulatorClass;
  };
  const registry = require('firebase-tools/lib/emulator/registry') as {
    EmulatorRegistry?: EmulatorRegistryApi;
  };
  if (!storage.StorageEmulator || !registry.EmulatorRegistry) {
    const { version } = require('firebase-tools/package.json') as { version: string };
    throw new Error(`firebase-tools ${version}: storage emulator internals moved; pin 15.34.2`);
  }
  return { StorageEmulator: storage.StorageEmulator, EmulatorRegistry: registry.EmulatorRegistry };
}

/**
 * The upstream class keeps blobs in `$TMPDIR/firebase/storage/blobs`, shared by every
 * instance on the machine and deleted by whichever stops first. The constructor asks
 * getPersistenceTmpDir() for it, so overriding that method isolates each instance.
 */
function withBlobDir(Base: StorageEmulatorClass, blobDir: string): StorageEmulatorClass {
  return class extends Base {
    getPersistenceTmpDir(): string {
      return blobDir;
    }
  };
}

/**
 * Replaces the rules runtime (a Java process downloaded on first use) and the rules
 * manager that loads rules through it, with inert objects of the same shape.
 */
function disableRules(emulator: StorageEmulatorInstance): void {
  if (!('_rulesRuntime' in emulator) || !('_rulesManager' in emulator)) {
    throw new Error('firebase-tools storage emulator internals moved; pin 15.34.2');
  }
  const noIssues = { errors: [], warnings: [], all: [], exist: () => false };
  emulator._rulesRuntime = {
    alive: true,
    start: () => Promise.resolve(),
    stop: () => Promise.resolve(),
    loadRuleset: () => Promise.resolve({ ruleset: undefined, issues: noIssues }),
  };
  emulator._rulesManager = {
    start: () => Promise.resolve(noIssues),
    stop: () => Promise.resolve(),
    getRuleset: () => undefined,
  };
}
