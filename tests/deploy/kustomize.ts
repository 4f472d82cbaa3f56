import type { IDeployment } from 'kubernetes-models/apps/v1';
import type { IConfigMap, IContainer, ISecret } from 'kubernetes-models/v1';
import { expect } from 'vitest';
import { PLACEHOLDER_SECRETS, isRecord, readYaml, readYamlDocuments } from './support.js';

/**
 * The GKE manifests in deployments/ as `kubectl apply -k deployments/` builds them, and the
 * environment Kubernetes gives a container of them: what the manifest suite checks and what the
 * deploy rehearsal starts the backend with.
 */

export const DEPLOYMENTS_DIR = 'deployments';
export const SECRET_TEMPLATE = `${DEPLOYMENTS_DIR}/secret.template.yaml`;

export interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  [field: string]: unknown;
}

export interface Kustomization {
  resources: string[];
  images: { name: string; newName?: string; newTag?: string; digest?: string }[];
  namespace?: string;
}

export function readKustomization(): Kustomization {
  const raw = readYaml(`${DEPLOYMENTS_DIR}/kustomization.yaml`);
  if (!isRecord(raw)) throw new Error('kustomization.yaml is not a mapping');
  return {
    resources: (raw.resources as string[] | undefined) ?? [],
    images: (raw.images as Kustomization['images'] | undefined) ?? [],
    namespace: raw.namespace as string | undefined,
  };
}

export function asManifest(value: unknown, file: string): Manifest {
  if (!isRecord(value) || typeof value.apiVersion !== 'string' || typeof value.kind !== 'string')
    throw new Error(`${file}: a document without apiVersion and kind`);
  if (!isRecord(value.metadata) || typeof value.metadata.name !== 'string')
    throw new Error(`${file}: a ${value.kind} without metadata.name`);
  return value as Manifest;
}

export const podContainers = (deployment: IDeployment): IContainer[] =>
  deployment.spec?.template.spec?.containers ?? [];

/** Kustomize's `images` transformer: a container image named like an entry gets its name and tag. */
function applyImages(manifest: Manifest, images: Kustomization['images']): Manifest {
  if (manifest.kind !== 'Deployment') return manifest;
  for (const container of podContainers(manifest as unknown as IDeployment)) {
    const [name] = container.image?.split(':') ?? [];
    const entry = images.find((image) => image.name === name);
    if (!entry) continue;
    const target = entry.newName ?? entry.name;
    container.image = entry.digest ? `${target}@${entry.digest}` : `${target}:${entry.newTag ?? 'latest'}`;
  }
  return manifest;
}

/** What `kubectl apply -k deployments/` sends: every listed file's documents, images substituted. */
export function buildKustomization(kustomization: Kustomization): Manifest[] {
  return kustomization.resources.flatMap((file) =>
    readYamlDocuments(`${DEPLOYMENTS_DIR}/${file}`).map((doc) =>
      applyImages(asManifest(doc, file), kustomization.images),
    ),
  );
}

export const readSecretTemplate = (): ISecret & Manifest =>
  asManifest(readYaml(SECRET_TEMPLATE), SECRET_TEMPLATE) as unknown as ISecret & Manifest;

/** The rendered manifests, looked up by kind and name. */
export class RenderedManifests {
  readonly manifests: Manifest[];
  readonly secretTemplate = readSecretTemplate();

  constructor(readonly kustomization: Kustomization = readKustomization()) {
    this.manifests = buildKustomization(kustomization);
  }

  only<T>(kind: string, name?: string): T {
    const found = this.manifests.filter(
      (m) => m.kind === kind && (name === undefined || m.metadata.name === name),
    );
    if (found.length !== 1)
      throw new Error(`expected one ${kind}${name ? ` ${name}` : ''}, found ${found.length}`);
    return found[0] as unknown as T;
  }

  all<T>(kind: string): T[] {
    return this.manifests.filter((m) => m.kind === kind) as unknown as T[];
  }

  /** The environment the container starts with: its env, the ConfigMap, the Secret (filled with `secrets`). */
  containerEnvironment(
    container: IContainer,
    secrets: Record<string, string> = PLACEHOLDER_SECRETS,
  ): { names: Map<string, string>; values: Record<string, string> } {
    const names = new Map<string, string>();
    const values: Record<string, string> = {};
    const secretName = this.secretTemplate.metadata?.name;
    const secretKeys = Object.keys(this.secretTemplate.stringData ?? {});
    for (const source of container.envFrom ?? []) {
      if (source.configMapRef) {
        const map = this.only<IConfigMap>('ConfigMap', source.configMapRef.name);
        for (const [key, value] of Object.entries(map.data ?? {})) {
          names.set(key, `ConfigMap ${map.metadata?.name}`);
          values[key] = value;
        }
      }
      if (source.secretRef) {
        expect(source.secretRef.name, 'the Secret the Deployment reads is the template').toBe(secretName);
        for (const key of secretKeys) {
          names.set(key, `Secret ${source.secretRef.name}`);
          const secret = secrets[key];
          if (secret !== undefined) values[key] = secret;
        }
      }
    }
    for (const variable of container.env ?? []) {
      const secretKey = variable.valueFrom?.secretKeyRef;
      if (secretKey) {
        expect(secretKey.name, 'the Secret the Deployment reads is the template').toBe(secretName);
        expect(secretKeys, `${variable.name} from the Secret`).toContain(secretKey.key);
        names.set(variable.name, `Secret ${secretKey.name}`);
        const secret = secrets[secretKey.key];
        if (secret !== undefined) values[variable.name] = secret;
        continue;
      }
      names.set(variable.name, 'the container env');
      if (variable.value !== undefined) values[variable.name] = expandVariables(variable.value, values);
    }
    return { names, values };
  }
}

/**
 * Kubernetes' `$(NAME)` references in an env value: replaced by a variable defined before it
 * (envFrom or an earlier env entry), left as written otherwise; `$$` escapes a `$`.
 */
export function expandVariables(text: string, defined: Record<string, string>): string {
  return text.replace(/\$\$|\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g, (whole, name?: string) => {
    if (name === undefined) return '$';
    return defined[name] ?? whole;
  });
}
