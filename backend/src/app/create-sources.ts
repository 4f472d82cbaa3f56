import { Firestore } from '@google-cloud/firestore';
import { Storage } from '@google-cloud/storage';
import { CoreV1Api, KubeConfig, Log } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import type { Config } from '../config/index.js';
import type { LogSource } from '../query/log-source.js';
import { FirestoreSource } from '../sources/firestore/firestore-source.js';
import { GcsSource } from '../sources/gcs/gcs-source.js';
import { DEFAULT_FIELD_MAPPING, type FieldMapping } from '../sources/mapping/record-mapper.js';
import { PodSource } from '../sources/pods/pod-source.js';

/** The mapping for a prefix or collection: the defaults, with that key's overrides on top. */
export function mappingResolver(overrides: Config['fieldMappings']): (key: string) => FieldMapping {
  return (key) => ({ ...DEFAULT_FIELD_MAPPING, ...overrides[key] });
}

/**
 * In a pod: the service account's in-cluster credentials. Elsewhere: an explicit API URL
 * (the demo's local API server) or the usual kubeconfig.
 */
export function kubeConfigFor(config: Config['pods']): KubeConfig {
  const kc = new KubeConfig();
  if (config.apiUrl) {
    kc.loadFromOptions({
      // Plain http is only ever a local API server; the client refuses it unless told so.
      clusters: [
        { name: 'target', server: config.apiUrl, skipTLSVerify: config.apiUrl.startsWith('http://') },
      ],
      users: [{ name: 'reader' }],
      contexts: [{ name: 'target', cluster: 'target', user: 'reader' }],
      currentContext: 'target',
    });
  } else if (process.env.KUBERNETES_SERVICE_HOST) {
    kc.loadFromCluster();
  } else {
    kc.loadFromDefault();
  }
  return kc;
}

export function gcsSource(config: Config): GcsSource {
  const storage = new Storage({
    projectId: config.projectId,
    ...(config.gcs.apiEndpoint ? { apiEndpoint: config.gcs.apiEndpoint } : {}),
    // The engine's time budget bounds a page; long client-side retries would only hide an outage.
    // (maxRetries 0 would be read as "unset"; one retry covers a stale kept-alive connection.)
    retryOptions: { autoRetry: true, maxRetries: 1, totalTimeout: Math.ceil(config.sourceTimeoutMs / 1000) },
  });
  return new GcsSource({
    bucket: storage.bucket(config.gcs.bucket),
    prefixes: config.gcs.prefixes,
    downloadConcurrency: config.gcs.downloadConcurrency,
    maxObjectBytes: config.gcs.maxObjectBytes,
    maxListCalls: config.gcs.maxListCalls,
    objectCacheEntries: config.gcs.objectCacheEntries,
    nameSlackMs: config.gcs.nameSlackMs,
    listingTtlMs: config.gcs.listingTtlMs,
    downloadIdleMs: config.gcs.downloadIdleMs,
    mappingFor: mappingResolver(config.fieldMappings),
  });
}

export function firestoreSource(config: Config): FirestoreSource {
  const f = config.firestore;
  const db = new Firestore({
    projectId: config.projectId,
    databaseId: f.databaseId,
    ignoreUndefinedProperties: true,
    // Named explicitly (not only through the environment) so tests can run several backends in one process.
    ...(f.emulatorHost ? { host: f.emulatorHost, ssl: false } : {}),
  });
  return new FirestoreSource({
    db,
    collections: f.collections,
    batchSize: f.batchSize,
    settingsFor: (collection) => ({
      timeField: f.timeFields[collection] ?? f.timeField,
      severityField: f.severityFields[collection],
      timeType: f.timeType,
    }),
    mappingFor: mappingResolver(config.fieldMappings),
  });
}

export function podSource(config: Config): PodSource {
  const kc = kubeConfigFor(config.pods);
  return new PodSource({
    core: kc.makeApiClient(CoreV1Api),
    log: new Log(kc),
    namespaces: config.pods.namespaces,
    labelSelector: config.pods.labelSelector,
    tailLines: config.pods.tailLines,
    maxBytesPerStream: config.pods.maxBytesPerStream,
    concurrency: config.pods.concurrency,
  });
}

const FACTORIES = { gcs: gcsSource, firestore: firestoreSource, pods: podSource } as const;

/** The enabled sources, built from configuration alone. */
export function createSources(config: Config, logger: Logger): LogSource[] {
  return config.enabledSources.map((name) => {
    logger.debug({ source: name }, 'creating source');
    return FACTORIES[name](config);
  });
}
