/**
 * Firestore for tests: Google's Cloud Firestore emulator (the JAR from the Debian package
 * google-cloud-cli-firestore-emulator) run directly with Java, or, where that package is
 * absent, the in-process npm emulator `@firestore-emulator/server`, which lacks a few
 * features (see FALLBACK_LIMITATIONS) that tests must skip loudly.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { FirestoreServer } from '@firestore-emulator/server';
import { LOOPBACK, answersHttp, freePort, startGuarded, waitUntil } from './process.js';

export type FirestoreEmulatorKind = 'google' | 'fallback';

/**
 * Features the fallback emulator (0.3.x) silently ignores or lacks, as measured through
 * @google-cloud/firestore 8. count(), sum() and average() do work there.
 */
export type FirestoreFeature = 'startAfter' | 'offset' | 'collectionGroup' | 'bulkWriter' | 'listCollections';

const FALLBACK_LIMITATIONS: readonly FirestoreFeature[] = [
  'startAfter',
  'offset',
  'collectionGroup',
  'bulkWriter',
  'listCollections',
];

const FALLBACK_GAPS: Record<FirestoreFeature, string> = {
  startAfter: 'silently ignores startAfter/startAt cursors (returns the first page again)',
  offset: 'silently ignores offset',
  collectionGroup: 'answers collection group queries with no documents',
  bulkWriter: 'does not implement BulkWriter (batchWrite)',
  listCollections: 'does not implement listCollections',
};

/** Known before starting, so tests can decide what to skip when they are collected. */
export function limitationsOf(kind: FirestoreEmulatorKind): readonly FirestoreFeature[] {
  return kind === 'fallback' ? FALLBACK_LIMITATIONS : [];
}

/** Why `feature` cannot be tested on `kind`, or undefined when it can. */
export function unsupportedReason(
  kind: FirestoreEmulatorKind,
  feature: FirestoreFeature,
): string | undefined {
  if (!limitationsOf(kind).includes(feature)) return undefined;
  return `the fallback Firestore emulator (@firestore-emulator/server) ${FALLBACK_GAPS[feature]}`;
}

export interface FirestoreClientSettings {
  projectId: string;
  host: string;
  ssl: false;
}

export interface FirestoreEmulator {
  readonly kind: FirestoreEmulatorKind;
  /** `127.0.0.1:<port>`, the value FIRESTORE_EMULATOR_HOST would take. */
  readonly host: string;
  readonly projectId: string;
  /** Features this emulator does not implement; empty for Google's emulator. */
  readonly limitations: readonly FirestoreFeature[];
  /** Why the fallback was used, when it was. */
  readonly fallbackReason: string | undefined;
  /** Milliseconds from start request to ready. */
  readonly startupMs: number;
  supports(feature: FirestoreFeature): boolean;
  /**
   * Settings for `new Firestore(settings)`. They target this instance explicitly, so two
   * emulators can serve one process; FIRESTORE_EMULATOR_HOST, if set, would override them.
   */
  clientSettings(): FirestoreClientSettings;
  /** Deletes every document of the project. */
  reset(): Promise<void>;
  stop(): Promise<void>;
}

export interface StartFirestoreOptions {
  projectId?: string;
  /** `auto` (default) prefers Google's emulator; env FIRESTORE_EMULATOR_KIND overrides. */
  kind?: FirestoreEmulatorKind | 'auto';
  timeoutMs?: number;
}

const DEBIAN_JAR = '/usr/lib/google-cloud-sdk/platform/cloud-firestore-emulator/cloud-firestore-emulator.jar';
const MAIN_CLASS = 'com.google.cloud.datastore.emulator.firestore.CloudFirestore';
const READY_LINE = 'Dev App Server is now running.';
const MIN_JAVA = 11;

export async function startFirestoreEmulator(
  options: StartFirestoreOptions = {},
): Promise<FirestoreEmulator> {
  const projectId = options.projectId ?? 'unified-logs-test';
  const wanted = requestedKind(options.kind);
  if (wanted === 'fallback') {
    return startFallback(projectId, 'requested explicitly');
  }
  const runtime = findGoogleRuntime();
  if (typeof runtime === 'string') {
    if (wanted === 'google') throw new Error(`Google's Firestore emulator: ${runtime}`);
    return startFallback(projectId, runtime);
  }
  return startGoogle(projectId, runtime, options.timeoutMs ?? 30_000);
}

function requestedKind(kind: StartFirestoreOptions['kind']): FirestoreEmulatorKind | 'auto' {
  const fromEnv = process.env.FIRESTORE_EMULATOR_KIND;
  const value = kind ?? fromEnv ?? 'auto';
  if (value === 'google' || value === 'fallback' || value === 'auto') return value;
  throw new Error(`FIRESTORE_EMULATOR_KIND must be google, fallback or auto, not ${value}`);
}

// ---------------------------------------------------------------------------
// Google's emulator

interface GoogleRuntime {
  java: string;
  jar: string;
}

/** The Java binary and the JAR, or the reason they cannot be used. */
export function findGoogleRuntime(): GoogleRuntime | string {
  const jar = findFirestoreJar();
  if (jar === undefined) {
    return 'cloud-firestore-emulator.jar not found (Debian package google-cloud-cli-firestore-emulator)';
  }
  const java = process.env.JAVA_HOME ? join(process.env.JAVA_HOME, 'bin', 'java') : 'java';
  const major = javaMajorVersion(java);
  if (major === undefined) return `no working Java at ${java}`;
  if (major < MIN_JAVA) return `Java ${major} is too old (need ${MIN_JAVA}+)`;
  return { java, jar };
}

export function findFirestoreJar(): string | undefined {
  const candidates = [process.env.FIRESTORE_EMULATOR_JAR, DEBIAN_JAR, ...jarsFromDpkg()];
  return candidates.find((path): path is string => path !== undefined && existsSync(path));
}

function jarsFromDpkg(): string[] {
  try {
    const listing = execFileSync('dpkg', ['-L', 'google-cloud-cli-firestore-emulator'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    return listing.split('\n').filter((line) => line.endsWith('cloud-firestore-emulator.jar'));
  } catch {
    return []; // not a Debian system, or the package is not installed
  }
}

function javaMajorVersion(java: string): number | undefined {
  // `java -version` prints to stderr, e.g. `openjdk version "17.0.15" 2025-04-15`.
  const result = spawnSync(java, ['-version'], { encoding: 'utf8', timeout: 10_000 });
  if (result.error) return undefined;
  return parseJavaMajor(`${result.stderr}${result.stdout}`);
}

function parseJavaMajor(versionText: string): number | undefined {
  const match = /version "(\d+)(?:\.(\d+))?/.exec(versionText);
  if (!match?.[1]) return undefined;
  const first = Number(match[1]);
  // Java 8 and older report "1.8.0_x".
  return first === 1 && match[2] ? Number(match[2]) : first;
}

/**
 * The JVM under libfaketime (the suites' moved-clock run) does not start within half a minute on
 * these machines, so the emulator keeps the real clock. The suites stamp documents themselves and
 * query those fields; the server's clock only gives create and update times, which stand in for
 * no document's time in the suites (every one has a usable time field or none at all).
 */
function withoutFakeTime(): NodeJS.ProcessEnv {
  const { LD_PRELOAD: _preload, FAKETIME: _faketime, ...env } = process.env;
  return env;
}

async function startGoogle(
  projectId: string,
  runtime: GoogleRuntime,
  timeoutMs: number,
): Promise<FirestoreEmulator> {
  const started = performance.now();
  const port = await freePort();
  const host = `${LOOPBACK}:${port}`;
  const jvm = await startGuarded(
    runtime.java,
    [
      '-XX:TieredStopAtLevel=1',
      '-XX:+UseSerialGC',
      '-cp',
      runtime.jar,
      MAIN_CLASS,
      'start',
      `--host=${LOOPBACK}`,
      `--port=${port}`,
    ],
    { env: withoutFakeTime() },
  );
  try {
    await waitUntil(async () => jvm.output().includes(READY_LINE) && (await answersHttp(`http://${host}/`)), {
      what: 'Firestore emulator',
      timeoutMs,
      abortReason: () => (jvm.hasExited() ? `exited early: ${jvm.output()}` : undefined),
    });
  } catch (error) {
    await jvm.stop(0);
    throw error;
  }
  const documentsUrl = `http://${host}/emulator/v1/projects/${projectId}/databases/(default)/documents`;
  return {
    kind: 'google',
    host,
    projectId,
    limitations: [],
    fallbackReason: undefined,
    startupMs: Math.round(performance.now() - started),
    supports: () => true,
    clientSettings: () => ({ projectId, host, ssl: false }),
    reset: () => deleteAllDocuments(documentsUrl),
    stop: () => jvm.stop(),
  };
}

async function deleteAllDocuments(documentsUrl: string): Promise<void> {
  const response = await fetch(documentsUrl, { method: 'DELETE' });
  if (!response.ok) {
    throw new Error(`Firestore reset failed: ${response.status} ${await response.text()}`);
  }
  await response.arrayBuffer();
}

// ---------------------------------------------------------------------------
// Fallback: @firestore-emulator/server, in process

/** The part of grpc-js's Server used here; FirestoreServer keeps it private. */
interface GrpcServer {
  bindAsync(
    address: string,
    credentials: unknown,
    callback: (error: Error | null, port: number) => void,
  ): void;
  forceShutdown(): void;
}

/**
 * Credentials from the very grpc-js copy the fallback package uses (it pins its own
 * version), since grpc-js checks them with instanceof.
 */
function insecureCredentials(): unknown {
  const requireHere = createRequire(import.meta.url);
  const requireThere = createRequire(requireHere.resolve('@firestore-emulator/server'));
  const grpc = requireThere('@grpc/grpc-js') as {
    ServerCredentials: { createInsecure(): unknown };
  };
  return grpc.ServerCredentials.createInsecure();
}

async function startFallback(projectId: string, reason: string): Promise<FirestoreEmulator> {
  const started = performance.now();
  const server = new FirestoreServer();
  // FirestoreServer.start() binds 0.0.0.0; bind its gRPC server on loopback ourselves,
  // with port 0 so the kernel picks a free port without a race.
  const grpc = (server as unknown as { server: GrpcServer }).server;
  const port = await new Promise<number>((resolve, reject) => {
    grpc.bindAsync(`${LOOPBACK}:0`, insecureCredentials(), (error, bound) =>
      error ? reject(error) : resolve(bound),
    );
  });
  const host = `${LOOPBACK}:${port}`;
  return {
    kind: 'fallback',
    host,
    projectId,
    limitations: FALLBACK_LIMITATIONS,
    fallbackReason: reason,
    startupMs: Math.round(performance.now() - started),
    supports: (feature) => !FALLBACK_LIMITATIONS.includes(feature),
    clientSettings: () => ({ projectId, host, ssl: false }),
    reset: () => {
      server.state.clear();
      return Promise.resolve();
    },
    stop: () => {
      server.stop();
      return Promise.resolve();
    },
  };
}
