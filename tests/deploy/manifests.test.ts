import { readdirSync } from 'node:fs';
import { Deployment, type IDeployment } from 'kubernetes-models/apps/v1';
import { HorizontalPodAutoscaler, type IHorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { NetworkPolicy, type INetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1';
import { PodDisruptionBudget, type IPodDisruptionBudget } from 'kubernetes-models/policy/v1';
import {
  Role,
  RoleBinding,
  type IRole,
  type IRoleBinding,
} from 'kubernetes-models/rbac.authorization.k8s.io/v1';
import {
  ConfigMap,
  Namespace,
  Secret,
  Service,
  ServiceAccount,
  type IConfigMap,
  type IContainer,
  type IService,
  type IServiceAccount,
} from 'kubernetes-models/v1';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../backend/src/config/index.js';
import type { RunningServer } from '../../backend/src/server.js';
import { DEMO_DATA_LAYOUT_ENV } from '../../local/seed.js';
import {
  DEPLOYMENTS_DIR,
  RenderedManifests,
  expandVariables,
  podContainers,
  type Manifest,
} from './kustomize.js';
import { modelNameOf, unknownFields } from './strict-fields.js';
import {
  PLACEHOLDER_SECRETS,
  PROCESS_VARIABLES,
  backendVariables,
  parseBackendEnv,
  readText,
  readYaml,
  repoPath,
  startBackendFor,
} from './support.js';

/**
 * The GKE manifests in deployments/: built as `kubectl apply -k deployments/` would build them,
 * validated against the Kubernetes schemas, and checked against the backend they deploy.
 */

const DIR = DEPLOYMENTS_DIR;
const BACKEND_NAMESPACE = 'gpt-runner-logs';

interface Validatable {
  validate(): void;
}

/** The Kubernetes model of each kind the base may hold; another kind fails the suite until it is added here. */
const MODELS: Record<string, new (data: never) => Validatable> = {
  'v1/Namespace': Namespace,
  'v1/ServiceAccount': ServiceAccount,
  'v1/ConfigMap': ConfigMap,
  'v1/Secret': Secret,
  'v1/Service': Service,
  'apps/v1/Deployment': Deployment,
  'autoscaling/v2/HorizontalPodAutoscaler': HorizontalPodAutoscaler,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
  'networking.k8s.io/v1/NetworkPolicy': NetworkPolicy,
  'rbac.authorization.k8s.io/v1/Role': Role,
  'rbac.authorization.k8s.io/v1/RoleBinding': RoleBinding,
};

const CLUSTER_SCOPED = new Set(['Namespace', 'ClusterRole', 'ClusterRoleBinding']);

const rendered = new RenderedManifests();
const { manifests, kustomization, secretTemplate } = rendered;
const only = <T>(kind: string, name?: string): T => rendered.only<T>(kind, name);
const all = <T>(kind: string): T[] => rendered.all<T>(kind);

const backend = only<IDeployment>('Deployment', 'log-aggregator');
const backendContainer = podContainers(backend)[0] as IContainer;
const backendPodLabels = backend.spec?.template.metadata?.labels ?? {};
const configMap = only<IConfigMap>('ConfigMap', 'log-aggregator-config');

/** A label selector's matchLabels select these labels (matchExpressions are not used here). */
function selects(selector: Record<string, string> | undefined, labels: Record<string, string>): boolean {
  const entries = Object.entries(selector ?? {});
  return entries.length > 0 && entries.every(([key, value]) => labels[key] === value);
}

/** CPU in cores, memory in bytes. */
function quantity(value: string | number | undefined): number {
  if (value === undefined) return Number.NaN;
  const match = /^(\d+(?:\.\d+)?)(m|Ki|Mi|Gi|Ti|k|M|G)?$/.exec(String(value));
  if (!match) return Number.NaN;
  const factor: Record<string, number> = {
    m: 1e-3,
    k: 1e3,
    M: 1e6,
    G: 1e9,
    Ki: 2 ** 10,
    Mi: 2 ** 20,
    Gi: 2 ** 30,
    Ti: 2 ** 40,
  };
  return Number(match[1]) * (match[2] ? (factor[match[2]] ?? Number.NaN) : 1);
}

const containerEnvironment = (container: IContainer, secrets?: Record<string, string>) =>
  rendered.containerEnvironment(container, secrets);

describe('kustomization', () => {
  it('lists files that exist, and every manifest in deployments/ is listed', () => {
    const files = readdirSync(repoPath(DIR)).filter((f) => /\.ya?ml$/.test(f));
    for (const resource of kustomization.resources)
      expect(files, `${resource} is listed`).toContain(resource);
    const manifestsOnDisk = files.filter((f) => f !== 'kustomization.yaml' && !f.endsWith('.template.yaml'));
    expect([...kustomization.resources].sort()).toEqual(manifestsOnDisk.sort());
  });

  it('sets no namespace of its own: the Role lives in the watched namespace, not the backend one', () => {
    expect(kustomization.namespace).toBeUndefined();
    for (const manifest of manifests) {
      if (CLUSTER_SCOPED.has(manifest.kind)) continue;
      expect(manifest.metadata.namespace, `${manifest.kind} ${manifest.metadata.name}`).toBeTruthy();
    }
  });

  it('pins every image to a version', () => {
    const images = all<IDeployment>('Deployment').flatMap((d) => podContainers(d).map((c) => c.image ?? ''));
    expect(images.length).toBeGreaterThan(1);
    for (const image of images) {
      expect(image, image).toMatch(/^[^:@]+(?::[\w][\w.-]*|@sha256:[0-9a-f]{64})$/);
      expect(image, image).not.toMatch(/:latest$/);
    }
    expect(backendContainer.image).toMatch(/\/log-aggregator:\d+\.\d+\.\d+$/);
  });

  it('names each object once per kind and namespace', () => {
    const keys = manifests.map((m) => `${m.kind}/${m.metadata.namespace ?? ''}/${m.metadata.name}`);
    expect(new Set(keys).size).toBe(keys.length);
  });
});

describe('Kubernetes schemas', () => {
  const checked: [string, Manifest][] = [
    ...manifests.map((m): [string, Manifest] => [`${m.kind} ${m.metadata.name}`, m]),
    ['the Secret template', secretTemplate],
  ];
  it.each(checked)('%s validates', (_name, manifest) => {
    const Model = MODELS[`${manifest.apiVersion}/${manifest.kind}`];
    expect(Model, `a model for ${manifest.apiVersion} ${manifest.kind}`).toBeDefined();
    expect(() => new (Model as new (data: unknown) => Validatable)(manifest).validate()).not.toThrow();
  });

  it.each(checked)('%s has no field its kind does not define', (_name, manifest) => {
    expect(unknownFields(manifest, modelNameOf(manifest.apiVersion, manifest.kind))).toEqual([]);
  });

  it('catches a misspelled field deep inside a manifest', () => {
    const misspelled = structuredClone(backend) as unknown as Manifest;
    const container = podContainers(misspelled as unknown as IDeployment)[0] as unknown as Record<
      string,
      unknown
    >;
    container.readinesProbe = container.readinessProbe;
    delete container.readinessProbe;
    expect(unknownFields(misspelled, modelNameOf(misspelled.apiVersion, misspelled.kind))).toEqual([
      'spec.template.spec.containers[0].readinesProbe',
    ]);
  });
});

describe('selectors', () => {
  it("the Deployment's selector matches its pods", () => {
    expect(selects(backend.spec?.selector.matchLabels, backendPodLabels)).toBe(true);
  });

  it('the Service, the PodDisruptionBudget and the spread constraints select the backend pods', () => {
    const service = only<IService>('Service', 'log-aggregator');
    expect(selects(service.spec?.selector, backendPodLabels)).toBe(true);
    const pdb = only<IPodDisruptionBudget>('PodDisruptionBudget', 'log-aggregator');
    expect(selects(pdb.spec?.selector?.matchLabels, backendPodLabels)).toBe(true);
    for (const constraint of backend.spec?.template.spec?.topologySpreadConstraints ?? [])
      expect(selects(constraint.labelSelector?.matchLabels, backendPodLabels)).toBe(true);
  });

  it('every Service selects the pods of a Deployment in its namespace, on a port they declare', () => {
    for (const service of all<IService>('Service')) {
      const targets = all<IDeployment>('Deployment').filter(
        (d) =>
          d.metadata?.namespace === service.metadata?.namespace &&
          selects(service.spec?.selector, d.spec?.template.metadata?.labels ?? {}),
      );
      expect(targets, `pods of Service ${service.metadata?.name}`).toHaveLength(1);
      const ports = podContainers(targets[0] as IDeployment).flatMap((c) => c.ports ?? []);
      for (const port of service.spec?.ports ?? []) {
        const target = port.targetPort ?? port.port;
        expect(
          ports.some((p) => p.name === target || p.containerPort === target),
          `Service ${service.metadata?.name} port ${port.name}`,
        ).toBe(true);
      }
    }
  });

  it('the HorizontalPodAutoscaler scales the backend Deployment, never below two replicas', () => {
    const hpa = only<IHorizontalPodAutoscaler>('HorizontalPodAutoscaler');
    expect(hpa.spec?.scaleTargetRef).toMatchObject({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      name: 'log-aggregator',
    });
    expect(hpa.metadata?.namespace).toBe(backend.metadata?.namespace);
    expect(hpa.spec?.minReplicas).toBeGreaterThanOrEqual(2);
    expect(hpa.spec?.maxReplicas).toBeGreaterThan(hpa.spec?.minReplicas ?? 0);
  });

  it('leaves the replica count of every autoscaled Deployment to its autoscaler', () => {
    // A count in the manifest would reset the autoscaler's on every `kubectl apply -k`.
    for (const hpa of all<IHorizontalPodAutoscaler>('HorizontalPodAutoscaler')) {
      const target = only<IDeployment>('Deployment', hpa.spec?.scaleTargetRef.name);
      expect(target.spec?.replicas, target.metadata?.name).toBeUndefined();
    }
  });
});

describe('the backend Deployment', () => {
  const httpPort = backendContainer.ports?.find((p) => p.name === 'http');
  let server: RunningServer;

  beforeAll(async () => {
    server = await startBackendFor({
      ...containerEnvironment(backendContainer).values,
      ...PLACEHOLDER_SECRETS,
    });
  });
  afterAll(async () => {
    await server?.shutdown();
  });

  it('listens on the port the container declares', () => {
    const config = parseBackendEnv({
      ...containerEnvironment(backendContainer).values,
      ...PLACEHOLDER_SECRETS,
    });
    expect(httpPort?.containerPort).toBe(config.port);
  });

  it('probes /healthz for liveness and /readyz for readiness, paths the backend answers', async () => {
    const probes = { '/healthz': backendContainer.livenessProbe, '/readyz': backendContainer.readinessProbe };
    for (const [path, probe] of Object.entries(probes)) {
      expect(probe?.httpGet?.path).toBe(path);
      expect([httpPort?.name, httpPort?.containerPort]).toContain(probe?.httpGet?.port);
      const response = await fetch(`${server.url}${path}`);
      expect(response.status, path).toBe(200);
    }
    // /readyz gives each source 2 s; the probe must wait longer than that.
    expect(backendContainer.readinessProbe?.timeoutSeconds).toBeGreaterThan(2);
  });

  it('is scraped one way only: by its pods, never also through a Service', () => {
    // Pods and Service both annotated: the usual pod and endpoint jobs scrape every series twice.
    for (const service of all<IService>('Service')) {
      const annotations = Object.keys(service.metadata?.annotations ?? {});
      expect(
        annotations.filter((key) => key.startsWith('prometheus.io/')),
        service.metadata?.name,
      ).toEqual([]);
    }
  });

  it('is scraped by annotation on the port and path of /metrics', async () => {
    const annotations = backend.spec?.template.metadata?.annotations ?? {};
    expect(annotations['prometheus.io/scrape']).toBe('true');
    expect(Number(annotations['prometheus.io/port'])).toBe(httpPort?.containerPort);
    const response = await fetch(`${server.url}${annotations['prometheus.io/path']}`);
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('# TYPE');
  });

  it('sets requests and limits, requests within limits, and a heap below the memory limit', () => {
    const { requests = {}, limits = {} } = backendContainer.resources ?? {};
    for (const resource of ['cpu', 'memory']) {
      expect(quantity(requests[resource]), `requests.${resource}`).toBeGreaterThan(0);
      expect(quantity(limits[resource]), `limits.${resource}`).toBeGreaterThanOrEqual(
        quantity(requests[resource]),
      );
    }
    const heapMb = Number(
      /--max-old-space-size=(\d+)/.exec(
        containerEnvironment(backendContainer).values.NODE_OPTIONS ?? '',
      )?.[1],
    );
    expect(heapMb * 2 ** 20).toBeLessThan(quantity(limits.memory));
  });

  it('runs as a non-root user on a read-only root filesystem, without privileges', () => {
    const pod = backend.spec?.template.spec?.securityContext;
    expect(pod?.runAsNonRoot).toBe(true);
    expect(pod?.runAsUser).toBeGreaterThan(0);
    const container = backendContainer.securityContext;
    expect(container?.readOnlyRootFilesystem).toBe(true);
    expect(container?.allowPrivilegeEscalation).toBe(false);
    expect(container?.capabilities?.drop).toEqual(['ALL']);
  });

  it('gives the graceful shutdown time: the preStop pause plus SHUTDOWN_TIMEOUT_MS fit the grace period', () => {
    const config = parseBackendEnv({
      ...containerEnvironment(backendContainer).values,
      ...PLACEHOLDER_SECRETS,
    });
    const preStop = backendContainer.lifecycle?.preStop?.sleep?.seconds ?? 0;
    const grace = backend.spec?.template.spec?.terminationGracePeriodSeconds ?? 30;
    // Closing the sources and the Redis connection after the drain needs a few seconds more.
    expect(grace).toBeGreaterThanOrEqual(preStop + config.shutdownTimeoutMs / 1000 + 5);
  });

  it('keeps answering /readyz (503) for a while after SIGTERM instead of refusing connections', () => {
    const config = parseBackendEnv({
      ...containerEnvironment(backendContainer).values,
      ...PLACEHOLDER_SECRETS,
    });
    expect(config.shutdownDrainMs).toBeGreaterThan(0);
    expect(config.shutdownDrainMs).toBeLessThanOrEqual(config.shutdownTimeoutMs);
  });

  it('drains for as long as the readiness probe needs to see the pod unready, and leaves time for requests after', () => {
    const config = parseBackendEnv({
      ...containerEnvironment(backendContainer).values,
      ...PLACEHOLDER_SECRETS,
    });
    const probe = backendContainer.readinessProbe;
    const unreadyAfterMs = (probe?.periodSeconds ?? 10) * (probe?.failureThreshold ?? 3) * 1000;
    // Shorter, and the server stops accepting while the kubelet still counts the pod ready: the
    // probes that follow are refused connections, not the 503 the drain exists to answer.
    expect(config.shutdownDrainMs).toBeGreaterThanOrEqual(unreadyAfterMs);
    expect(config.shutdownTimeoutMs - config.shutdownDrainMs).toBeGreaterThanOrEqual(5_000);
  });

  it('runs as the Workload Identity service account of its namespace', () => {
    const account = only<IServiceAccount>('ServiceAccount', backend.spec?.template.spec?.serviceAccountName);
    expect(account.metadata?.namespace).toBe(backend.metadata?.namespace);
    expect(account.metadata?.annotations?.['iam.gke.io/gcp-service-account']).toMatch(
      /^[a-z][a-z0-9-]+@[A-Za-z0-9_-]+\.iam\.gserviceaccount\.com$/,
    );
  });
});

/** The problems the backend lists when it refuses an environment (none when it starts). */
function problemsOf(env: Record<string, string>): string[] {
  try {
    parseBackendEnv(env);
    return [];
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
}

describe('environment', () => {
  const { read, required } = backendVariables();
  const { names, values } = containerEnvironment(backendContainer);

  it('sets only variables the backend reads (or Node and the Google clients read)', () => {
    const unknown = [...names].filter(([name]) => !read.has(name) && !(name in PROCESS_VARIABLES));
    expect(unknown.map(([name, where]) => `${name} (${where})`)).toEqual([]);
  });

  it('sets every variable the backend requires', () => {
    expect(required.size).toBeGreaterThan(0);
    for (const name of required) expect(names.has(name), name).toBe(true);
  });

  it('parses as a valid configuration once the Secret is filled in', () => {
    const config = parseBackendEnv({ ...values, ...PLACEHOLDER_SECRETS });
    expect(config.enabledSources).toEqual(['gcs', 'firestore', 'pods']);
    expect(config.cache.backend).toBe('redis');
  });

  it("refuses to start on the Secret template's placeholders", () => {
    const placeholders = Object.fromEntries(
      Object.entries(secretTemplate.stringData ?? {}).filter(([, value]) => value !== ''),
    );
    expect(Object.keys(placeholders).sort()).toEqual(['AUTH_TOKENS', 'CURSOR_SECRET', 'REDIS_PASSWORD']);
    // REDIS_URL is built from the Secret's REDIS_PASSWORD by the Deployment, placeholder included.
    const templated = containerEnvironment(backendContainer, placeholders).values;
    expect(templated.REDIS_URL).toContain(':REPLACE_ME@');
    const problems = problemsOf({
      ...templated,
      ...placeholders,
      GOOGLE_CLOUD_PROJECT: PLACEHOLDER_SECRETS.GOOGLE_CLOUD_PROJECT as string,
    });
    expect(problems.map((problem) => problem.split(':')[0]).sort()).toEqual([
      'AUTH_TOKENS',
      'CURSOR_SECRET',
      'REDIS_PASSWORD',
      'REDIS_URL',
    ]);
  });

  it("refuses to start on the ConfigMap's PROJECT_ID placeholder", () => {
    const { GOOGLE_CLOUD_PROJECT: _project, ...secrets } = PLACEHOLDER_SECRETS;
    expect(configMap.data?.GOOGLE_CLOUD_PROJECT).toBe('PROJECT_ID');
    expect(problemsOf({ ...values, ...secrets })).toEqual([
      'GOOGLE_CLOUD_PROJECT: holds the placeholder PROJECT_ID; set the real value',
    ]);
  });

  it('keeps secrets out of the ConfigMap', () => {
    const secretKeys = Object.keys(secretTemplate.stringData ?? {});
    expect(Object.keys(configMap.data ?? {}).filter((key) => secretKeys.includes(key))).toEqual([]);
    expect(secretKeys).toContain('OPENAI_API_KEY');
  });

  it('points REDIS_URL at the Redis Service', () => {
    const url = new URL(values.REDIS_URL ?? '');
    const [name, namespace] = url.hostname.split('.');
    const service = only<IService>('Service', name);
    expect(service.metadata?.namespace).toBe(namespace);
    expect(service.spec?.ports?.map((p) => p.port)).toContain(Number(url.port));
  });

  it("authenticates to Redis with the password Redis requires, both from the Secret's one key", () => {
    const url = new URL(values.REDIS_URL ?? '');
    expect(decodeURIComponent(url.password)).toBe(PLACEHOLDER_SECRETS.REDIS_PASSWORD);
    const redis = podContainers(only<IDeployment>('Deployment', 'log-aggregator-redis'))[0] as IContainer;
    const redisEnv = containerEnvironment(redis).values;
    const args = redis.args ?? [];
    const required = args[args.indexOf('--requirepass') + 1] ?? '';
    expect(args).toContain('--requirepass');
    expect(expandVariables(required, redisEnv)).toBe(PLACEHOLDER_SECRETS.REDIS_PASSWORD);
    // The readiness probe's redis-cli authenticates through REDISCLI_AUTH.
    expect(redisEnv.REDISCLI_AUTH).toBe(PLACEHOLDER_SECRETS.REDIS_PASSWORD);
  });

  it("keeps Redis's data well below its memory limit", () => {
    const redis = podContainers(only<IDeployment>('Deployment', 'log-aggregator-redis'))[0] as IContainer;
    const args = redis.args ?? [];
    const maxmemory = quantity((args[args.indexOf('--maxmemory') + 1] ?? '').replace(/mb$/i, 'Mi'));
    // maxmemory counts data only; fragmentation and client buffers come on top of it.
    expect(maxmemory).toBeLessThanOrEqual(0.7 * quantity(redis.resources?.limits?.memory));
  });
});

/** Kubernetes API calls of the pod source (method of the client → the permission it needs). */
const API_CALLS: Record<string, { resource: string; verb: string }> = {
  'core.listNamespacedPod': { resource: 'pods', verb: 'list' },
  'core.readNamespacedPod': { resource: 'pods', verb: 'get' },
  'core.readNamespacedPodLog': { resource: 'pods/log', verb: 'get' },
  'log.log': { resource: 'pods/log', verb: 'get' },
  'watch.watch': { resource: 'pods', verb: 'watch' },
};

/** The most the Role may grant: reading pods and their logs (watch for a future live tail). */
const GRANTABLE: Record<string, string[]> = { pods: ['get', 'list', 'watch'], 'pods/log': ['get'] };

describe('RBAC', () => {
  const roles = all<IRole>('Role');
  const bindings = all<IRoleBinding>('RoleBinding');
  const account = backend.spec?.template.spec?.serviceAccountName;

  it('has no cluster-wide grants', () => {
    expect(manifests.filter((m) => m.kind.startsWith('Cluster')).map((m) => m.kind)).toEqual([]);
  });

  it('binds a Role to the backend in exactly the namespaces it watches (K8S_NAMESPACES)', () => {
    const watched = parseBackendEnv({
      ...containerEnvironment(backendContainer).values,
      ...PLACEHOLDER_SECRETS,
    }).pods.namespaces;
    const bound = bindings
      .filter((b) =>
        b.subjects?.some(
          (s) => s.kind === 'ServiceAccount' && s.name === account && s.namespace === BACKEND_NAMESPACE,
        ),
      )
      .map((b) => {
        expect(b.roleRef.kind).toBe('Role');
        expect(
          roles.some(
            (r) => r.metadata?.name === b.roleRef.name && r.metadata?.namespace === b.metadata?.namespace,
          ),
        ).toBe(true);
        return b.metadata?.namespace;
      });
    expect(bound.sort()).toEqual([...watched].sort());
    expect(bindings.flatMap((b) => b.subjects ?? []).every((s) => s.name === account)).toBe(true);
  });

  it('grants each call the pod source makes, and nothing beyond reading pods and their logs', () => {
    const source = readText('backend/src/sources/pods/pod-source.ts');
    const calls = [...source.matchAll(/this\.options\.(core|log|watch)\.(\w+)\(/g)].map(
      ([, client, method]) => `${client}.${method}`,
    );
    expect(calls.length).toBeGreaterThan(0);
    for (const call of calls) expect(API_CALLS, `the permission ${call} needs`).toHaveProperty([call]);
    for (const role of roles) {
      const granted = new Map<string, Set<string>>();
      for (const rule of role.rules ?? []) {
        expect(rule.apiGroups).toEqual(['']);
        expect(rule.resourceNames).toBeUndefined();
        for (const resource of rule.resources ?? []) {
          for (const verb of rule.verbs) {
            expect(GRANTABLE[resource] ?? [], `${role.metadata?.name} grants ${verb} ${resource}`).toContain(
              verb,
            );
            granted.set(resource, (granted.get(resource) ?? new Set()).add(verb));
          }
        }
      }
      for (const call of calls) {
        const needed = API_CALLS[call] as { resource: string; verb: string };
        expect(
          granted.get(needed.resource)?.has(needed.verb),
          `${call} needs ${needed.verb} ${needed.resource}`,
        ).toBe(true);
      }
    }
  });
});

describe('NetworkPolicy', () => {
  const policies = all<INetworkPolicy>('NetworkPolicy');

  it('lets only Grafana and Prometheus reach the backend, on its port', () => {
    const policy = policies.find((p) => selects(p.spec?.podSelector.matchLabels, backendPodLabels));
    expect(policy?.spec?.policyTypes).toContain('Ingress');
    const peers = (policy?.spec?.ingress ?? []).flatMap((rule) => {
      expect(rule.ports?.map((p) => p.port)).toEqual([backendContainer.ports?.[0]?.containerPort]);
      return rule.from ?? [];
    });
    for (const peer of peers) {
      // Both selectors in one peer: these pods in that namespace. Apart, either would admit a whole namespace.
      expect(peer.ipBlock).toBeUndefined();
      expect(peer.namespaceSelector?.matchLabels?.['kubernetes.io/metadata.name']).toBeTruthy();
      expect(peer.podSelector?.matchLabels?.['app.kubernetes.io/name']).toBeTruthy();
    }
    expect(peers.map((p) => p.podSelector?.matchLabels?.['app.kubernetes.io/name']).sort()).toEqual([
      'grafana',
      'prometheus',
    ]);
  });

  it('lets only the backend reach Redis', () => {
    const redisPods =
      only<IDeployment>('Deployment', 'log-aggregator-redis').spec?.template.metadata?.labels ?? {};
    const policy = policies.find((p) => selects(p.spec?.podSelector.matchLabels, redisPods));
    const peers = (policy?.spec?.ingress ?? []).flatMap((rule) => rule.from ?? []);
    expect(peers).toHaveLength(1);
    expect(peers[0]?.namespaceSelector).toBeUndefined();
    expect(selects(peers[0]?.podSelector?.matchLabels, backendPodLabels)).toBe(true);
  });
});

describe('parity with docker-compose.yml and the demo', () => {
  // Where the data lives and how it is shaped: a difference here hides records silently
  // (a Firestore query ordered by a field the documents lack returns none of them).
  function dataLayout(env: Record<string, string>) {
    const { firestore, gcs } = parseBackendEnv({ ...env, ...PLACEHOLDER_SECRETS, CACHE_BACKEND: 'memory' });
    return {
      bucket: gcs.bucket,
      prefixes: gcs.prefixes,
      collections: firestore.collections,
      timeType: firestore.timeType,
      timeFields: Object.fromEntries(
        firestore.collections.map((c) => [c, firestore.timeFields[c] ?? firestore.timeField]),
      ),
      severityFields: firestore.severityFields,
    };
  }

  const gke = dataLayout(containerEnvironment(backendContainer).values);
  const composeFile = readYaml('docker-compose.yml') as {
    services: Record<string, { environment?: Record<string, string> }>;
  };

  it('reads the data as docker-compose.yml reads it', () => {
    expect(gke).toEqual(dataLayout(composeFile.services.backend?.environment ?? {}));
  });

  it('reads the data as the demo lays it out', () => {
    expect(gke).toEqual(dataLayout(DEMO_DATA_LAYOUT_ENV));
    expect(gke.timeFields.gpt_runner_reflections).toBe('created_at');
  });
});
