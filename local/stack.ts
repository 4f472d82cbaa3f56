import { Firestore } from '@google-cloud/firestore';
import { Storage } from '@google-cloud/storage';
import type { DemoDataset } from './demo-data/dataset.js';
import { startFirestoreEmulator, type FirestoreEmulator } from '../tests/support/emulators/firestore.js';
import { startGcsEmulator, type GcsEmulator } from '../tests/support/emulators/gcs.js';
import { startKubernetesDouble, type KubernetesDouble } from '../tests/support/emulators/kubernetes.js';
import { DEMO_DATA_LAYOUT_ENV, seedFirestore, seedGcs, seedPods } from './seed.js';

/**
 * The three stand-ins for Google Cloud, started together: the GCS emulator, the Firestore
 * emulator and the Kubernetes API double — and the environment that points the backend at
 * them. The demo, the source suites and the benchmark run on this.
 */
export interface LocalStack {
  gcs: GcsEmulator;
  firestore: FirestoreEmulator;
  kube: KubernetesDouble;
  storage: Storage;
  db: Firestore;
  bucketName: string;
  /** Backend configuration for this stack (merge AUTH_TOKENS and the rest in). */
  env: Record<string, string>;
  seed(dataset: DemoDataset): Promise<void>;
  stop(): Promise<void>;
}

// The clients would otherwise probe for a GCE metadata server that is not there.
process.env.METADATA_SERVER_DETECTION ??= 'none';

export async function startLocalStack(
  options: { projectId?: string; bucket?: string } = {},
): Promise<LocalStack> {
  const projectId = options.projectId ?? 'gpt-runner-local';
  const bucketName = options.bucket ?? 'gpt-runner-logs';
  const [gcs, firestore, kube] = await Promise.all([
    startGcsEmulator({ projectId }),
    startFirestoreEmulator({ projectId }),
    startKubernetesDouble({ namespaces: ['default', 'kube-system', 'gpt-runner'] }),
  ]);
  const storage = new Storage({ apiEndpoint: gcs.apiEndpoint, projectId });
  const db = new Firestore(firestore.clientSettings());
  const env: Record<string, string> = {
    GOOGLE_CLOUD_PROJECT: projectId,
    METADATA_SERVER_DETECTION: 'none',
    GCS_BUCKET: bucketName,
    GCS_API_ENDPOINT: gcs.apiEndpoint,
    FIRESTORE_EMULATOR_HOST: firestore.host,
    ...DEMO_DATA_LAYOUT_ENV,
    K8S_API_URL: kube.url,
    K8S_NAMESPACES: 'gpt-runner',
  };
  return {
    gcs,
    firestore,
    kube,
    storage,
    db,
    bucketName,
    env,
    async seed(dataset) {
      seedPods(kube, dataset);
      await Promise.all([seedGcs(storage.bucket(bucketName), dataset), seedFirestore(db, dataset)]);
    },
    async stop() {
      await db.terminate().catch(() => undefined);
      await Promise.allSettled([gcs.stop(), firestore.stop(), kube.stop()]);
    },
  };
}
