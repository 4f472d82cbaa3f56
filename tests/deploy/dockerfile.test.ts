import { execFile, execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decode, encode } from 'gpt-tokenizer';
import * as tokenizerModels from 'gpt-tokenizer/models';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../backend/src/server.js';
import { dockerfileStages, execForm, type Stage } from './dockerfile.js';
import {
  PLACEHOLDER_SECRETS,
  exists,
  parseBackendEnv,
  readText,
  repoPath,
  startBackendFor,
} from './support.js';

/** The backend's Dockerfile, read as text (no container engine here) and checked against the backend. */

const stages = dockerfileStages(readText('Dockerfile'));
const runtime = stages.at(-1) as Stage;
const stageNames = new Set(stages.map((stage) => stage.name));
const argsOf = (stage: Stage, keyword: string): string[] =>
  stage.instructions.filter((i) => i.keyword === keyword).map((i) => i.args);
const stage = (name: string): Stage => {
  const found = stages.find((s) => s.name === name);
  if (!found) throw new Error(`no stage ${name}`);
  return found;
};
/** A stage and the stages it is built FROM, nearest first. */
const lineage = (of: Stage): Stage[] => (stageNames.has(of.base) ? [of, ...lineage(stage(of.base))] : [of]);

describe('stages', () => {
  it('is multi-stage, the runtime stage last so that it is the default target', () => {
    expect(stages.length).toBeGreaterThanOrEqual(3);
    expect(runtime.name).toBe('runtime');
    expect(stageNames.size).toBe(stages.length);
  });

  it('pins every base image to a version (no latest, no bare name)', () => {
    for (const { base } of stages) {
      if (stageNames.has(base)) continue;
      expect(base, base).toMatch(/^[^:@\s]+:[^:@\s]*\d+\.\d+\.\d+[^:@\s]*(@sha256:[0-9a-f]{64})?$/);
      expect(base).not.toMatch(/:latest\b/);
    }
  });

  it('starts the runtime stage from a small base image, not from a build stage', () => {
    expect(stageNames.has(runtime.base)).toBe(false);
    expect(runtime.base).toMatch(/alpine|slim|distroless/);
  });
});

describe('production dependencies only', () => {
  it('installs with `npm ci --omit=dev` in every stage the runtime copies from', () => {
    const copiedFrom = argsOf(runtime, 'COPY')
      .map((args) => /--from=(\S+)/.exec(args)?.[1])
      .filter((name): name is string => Boolean(name));
    expect(copiedFrom.length).toBeGreaterThan(0);
    for (const name of copiedFrom) {
      const installs = lineage(stage(name)).flatMap((s) =>
        argsOf(s, 'RUN').filter((run) => /\bnpm (ci|install|i)\b/.test(run)),
      );
      expect(installs.length, `stage ${name} installs dependencies`).toBeGreaterThan(0);
      for (const run of installs) expect(run, `stage ${name}`).toMatch(/\bnpm ci\b[^&;]*--omit=dev/);
    }
  });

  it('prunes gpt-tokenizer to the one encoding the backend loads, and what is left still encodes', () => {
    const prodDeps = stage('prod-deps');
    const encoding = argsOf(prodDeps, 'ARG')
      .map((args) => /^TOKENIZER_ENCODING=(\w+)$/.exec(args)?.[1])
      .find(Boolean);
    expect(encoding).toBeTruthy();
    const install = argsOf(prodDeps, 'RUN').find((run) => run.includes('gpt-tokenizer')) ?? '';
    const prune = /cd node_modules\/gpt-tokenizer\s*&&\s*([\s\S]*?)\s*&&\s*cd \/app\b/.exec(install)?.[1];
    expect(prune, 'the prune commands, run inside the package').toBeDefined();

    // The backend imports the package's default encoding and its model table, nothing else.
    const imports = new Set<string>();
    const sources = readdirSync(repoPath('backend/src'), { recursive: true, encoding: 'utf8' }).filter(
      (file) => file.endsWith('.ts') && !file.endsWith('.test.ts'),
    );
    for (const file of sources)
      for (const match of readText(`backend/src/${file}`).matchAll(/from '(gpt-tokenizer[^']*)'/g))
        imports.add(match[1] as string);
    expect([...imports].sort()).toEqual(['gpt-tokenizer', 'gpt-tokenizer/models']);

    const dir = mkdtempSync(join(tmpdir(), 'tokenizer-prune-'));
    try {
      const pkg = join(dir, 'node_modules', 'gpt-tokenizer');
      cpSync(repoPath('node_modules/gpt-tokenizer'), pkg, { recursive: true });
      execFileSync('sh', ['-c', `set -e; ${prune}`], {
        cwd: pkg,
        env: { ...process.env, TOKENIZER_ENCODING: encoding },
      });
      const kept = readdirSync(join(pkg, 'esm', 'encoding'));
      expect(kept.length).toBeGreaterThan(0);
      for (const file of [...kept, ...readdirSync(join(pkg, 'esm', 'bpeRanks'))])
        expect(file.startsWith(`${encoding}.`), file).toBe(true);
      const sample = 'Trade 42 filled: BTC-USD @ 97,310.5 — héllo';
      const script = [
        "import { decode, encode } from 'gpt-tokenizer';",
        "import * as models from 'gpt-tokenizer/models';",
        `const tokens = encode(${JSON.stringify(sample)});`,
        'console.log(JSON.stringify({ tokens, text: decode(tokens), models: Object.keys(models).length }));',
      ].join('\n');
      const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
        cwd: dir,
        encoding: 'utf8',
      });
      expect(JSON.parse(out)).toEqual({
        tokens: encode(sample),
        text: decode(encode(sample)),
        models: Object.keys(tokenizerModels).length,
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('installs nothing in the runtime stage itself', () => {
    expect(argsOf(runtime, 'RUN')).toEqual([]);
  });

  it('copies only build-context files that exist', () => {
    for (const s of stages) {
      for (const args of argsOf(s, 'COPY')) {
        if (args.includes('--from=')) continue;
        const parts = args.split(/\s+/).filter((part) => !part.startsWith('--'));
        for (const source of parts.slice(0, -1))
          expect(exists(source), `${s.name}: COPY ${source}`).toBe(true);
      }
    }
  });

  it('keeps node_modules, .git and everything not listed out of the build context', () => {
    const ignore = readText('.dockerignore')
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line && !line.startsWith('#'));
    expect(ignore[0]).toBe('*');
    expect(
      ignore
        .filter((line) => line.startsWith('!'))
        .some((line) => /node_modules|\.git|dist|\.env/.test(line)),
    ).toBe(false);
  });
});

describe('runtime', () => {
  it('runs as a non-root user, by number so Kubernetes can verify it', () => {
    const user = argsOf(runtime, 'USER').at(-1) ?? '';
    expect(user).toMatch(/^\d+(:\d+)?$/);
    expect(Number(user.split(':')[0])).toBeGreaterThan(0);
  });

  it('sets NODE_ENV=production and exposes the port the backend listens on by default', () => {
    expect(argsOf(runtime, 'ENV').join(' ')).toMatch(/NODE_ENV=production/);
    const defaults = parseBackendEnv({ ...PLACEHOLDER_SECRETS });
    expect(argsOf(runtime, 'EXPOSE')).toEqual([String(defaults.port)]);
  });

  it('starts Node itself in exec form, so SIGTERM reaches the backend (no npm, no shell)', () => {
    const entrypoint = execForm(argsOf(runtime, 'ENTRYPOINT').at(-1) ?? '');
    expect(entrypoint?.[0]).toBe('node');
    expect(entrypoint?.join(' ')).not.toMatch(/\bnpm\b|\bsh\b|bash|-c\b/);
    const cmd = argsOf(runtime, 'CMD');
    for (const args of cmd) expect(execForm(args), 'CMD in exec form').toBeDefined();
    // The script it runs is the backend's entry point, relative to the last WORKDIR.
    const workdir = argsOf(runtime, 'WORKDIR').at(-1) ?? '/';
    const script = entrypoint?.find((part) => part.endsWith('.js')) ?? '';
    const main = (JSON.parse(readText('backend/package.json')) as { main: string }).main;
    expect(`${workdir}/${script}`).toBe(`/app/backend/${main}`);
  });
});

describe('HEALTHCHECK', () => {
  const healthcheck = runtime.healthcheck;
  const command = execForm(healthcheck?.args.replace(/^(--\S+\s+)*CMD\s+/, '') ?? '') ?? [];
  let server: RunningServer;

  beforeAll(async () => {
    server = await startBackendFor({ ...PLACEHOLDER_SECRETS });
  });
  afterAll(async () => {
    await server?.shutdown();
  });

  /** The exit code of the check, run as Docker runs it, with the container's PORT. */
  const run = (port: string): Promise<number> =>
    new Promise((resolve) => {
      const executable = command[0] === 'node' ? process.execPath : (command[0] ?? '');
      execFile(
        executable,
        command.slice(1),
        { env: { ...process.env, PORT: port }, timeout: 10_000 },
        (error) => resolve(error ? Number(error.code ?? -1) : 0),
      );
    });

  it('asks /healthz with Node, in exec form, with a timeout', () => {
    expect(healthcheck).toBeDefined();
    expect(healthcheck?.args).toMatch(/--timeout=\d+s/);
    expect(command[0]).toBe('node');
    expect(command.join(' ')).toContain('/healthz');
  });

  it('passes against a running backend and fails when nothing answers', async () => {
    expect(await run(new URL(server.url).port)).toBe(0);
    expect(await run('1')).toBe(1);
  });
});
