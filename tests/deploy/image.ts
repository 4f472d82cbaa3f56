import type { Ignore } from '@balena/dockerignore';
import { execFileSync } from 'node:child_process';
import { chmodSync, cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, posix } from 'node:path';
import { dockerfileStages, execForm, type Instruction, type Stage } from './dockerfile.js';
import { ROOT, readText } from './support.js';

/**
 * The file set of a Dockerfile stage, assembled on this machine the way the Dockerfile builds
 * it (no container engine runs here): COPY from the build context through `.dockerignore`,
 * COPY --from another stage, RUN in the stage's directory, ARG/ENV/WORKDIR/USER/ENTRYPOINT as
 * written. Each stage gets a directory standing for its root filesystem.
 *
 * Two departures, both about the machine rather than the image:
 * - the stage named `build` (the compiler stage) is the repository itself: it installs every
 *   dependency with `npm ci` exactly as the suites' own install did, so only its other RUN lines
 *   (the compile) run, in the repository;
 * - base images are not pulled: the stage's root starts empty and its commands use this
 *   machine's Node and npm (the same major version, tests/deploy/dockerfile.test.ts pins both).
 * RUN lines see absolute paths under the stage's WORKDIRs mapped into the stage's directory.
 */

export interface AssembledStage {
  name: string;
  /** The directory standing for the stage's root filesystem. */
  root: string;
  /** WORKDIR at the end of the stage, absolute inside the image. */
  workdir: string;
  /** `USER` as written (`uid:gid`), empty for root. */
  user: string;
  /** ENV of the stage (ARG values are build-time only). */
  env: Record<string, string>;
  entrypoint: string[];
  /** The repository stands for the stage, its WORKDIR for the repository's root. */
  inRepository?: boolean;
}

const REPOSITORY_STAGE = 'build';

// A CommonJS module whose typings declare an ES default export: required, it is the function.
const ignore = createRequire(import.meta.url)('@balena/dockerignore') as () => Ignore;

export class ImageBuilder {
  private readonly stages: Stage[];
  private readonly built = new Map<string, AssembledStage>();
  private readonly context = ignore().add(readText('.dockerignore'));
  private readonly negations = readText('.dockerignore')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.startsWith('!'))
    .map((line) => line.slice(1).replace(/\/$/, ''));

  /** `workspace`: where the stages' directories go; it must be readable by the image's user. */
  constructor(
    private readonly workspace: string,
    dockerfile = readText('Dockerfile'),
  ) {
    this.stages = dockerfileStages(dockerfile);
  }

  /** The runtime stage: the last one, the default target. */
  target(): AssembledStage {
    const last = this.stages.at(-1);
    if (!last) throw new Error('the Dockerfile has no stage');
    return this.stage(last.name);
  }

  stage(name: string): AssembledStage {
    const done = this.built.get(name);
    if (done) return done;
    const stage = this.stages.find((s) => s.name === name);
    if (!stage) throw new Error(`the Dockerfile has no stage ${name}`);
    const assembled = name === REPOSITORY_STAGE ? this.compileInRepository(stage) : this.assemble(stage);
    this.built.set(name, assembled);
    return assembled;
  }

  private compileInRepository(stage: Stage): AssembledStage {
    const workdir = stage.instructions.find((i) => i.keyword === 'WORKDIR')?.args ?? '/';
    for (const run of stage.instructions.filter((i) => i.keyword === 'RUN')) {
      if (/\bnpm ci\b/.test(run.args)) continue;
      execFileSync('sh', ['-c', run.args], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
    }
    // The stage's WORKDIR is the repository: `COPY --from=build /app/x` reads <repo>/x.
    return { name: stage.name, root: ROOT, workdir, user: '', env: {}, entrypoint: [], inRepository: true };
  }

  private assemble(stage: Stage): AssembledStage {
    if (this.stages.some((s) => s.name === stage.base))
      throw new Error(`stage ${stage.name}: building FROM another stage is not supported here`);
    const root = mkdtempSync(join(this.workspace, `${stage.name}-`));
    chmodSync(root, 0o755);
    const state: AssembledStage = { name: stage.name, root, workdir: '/', user: '', env: {}, entrypoint: [] };
    const args: Record<string, string> = {};
    const workdirs = new Set<string>();
    for (const instruction of stage.instructions) {
      this.apply(instruction, state, args, workdirs);
    }
    return state;
  }

  private apply(
    instruction: Instruction,
    state: AssembledStage,
    args: Record<string, string>,
    workdirs: Set<string>,
  ): void {
    const { keyword } = instruction;
    const text = substitute(instruction.args, { ...args, ...state.env });
    if (keyword === 'ARG') {
      const [name = '', value = ''] = text.split('=');
      args[name] = value;
    } else if (keyword === 'ENV') {
      const [name = '', ...value] = text.split('=');
      state.env[name] = value.join('=');
    } else if (keyword === 'WORKDIR') {
      state.workdir = posix.resolve(state.workdir, text);
      workdirs.add(state.workdir.split('/').slice(0, 2).join('/'));
      mkdirSync(this.inside(state, state.workdir), { recursive: true });
    } else if (keyword === 'COPY') {
      this.copy(text, state);
    } else if (keyword === 'RUN') {
      this.run(text, state, { ...args, ...state.env }, workdirs);
    } else if (keyword === 'USER') {
      state.user = text;
    } else if (keyword === 'ENTRYPOINT') {
      state.entrypoint = execForm(text) ?? ['sh', '-c', text];
    }
    // EXPOSE, HEALTHCHECK, LABEL and CMD change no file.
  }

  private inside(state: AssembledStage, path: string): string {
    return join(state.root, posix.resolve(state.workdir, path));
  }

  private copy(text: string, state: AssembledStage): void {
    const parts = text.split(/\s+/);
    const from = parts.find((p) => p.startsWith('--from='))?.slice('--from='.length);
    const [destination = '', ...sources] = parts.filter((p) => !p.startsWith('--')).reverse();
    const target = this.inside(state, destination);
    for (const source of sources.reverse()) {
      if (from) this.copyFromStage(this.stage(from), source, target, destination.endsWith('/'));
      else this.copyFromContext(source, target, destination.endsWith('/'));
    }
  }

  private copyFromStage(from: AssembledStage, source: string, target: string, intoDirectory: boolean): void {
    const mapped = from.inRepository
      ? join(from.root, posix.relative(from.workdir, source))
      : join(from.root, source);
    copyPath(mapped, target, intoDirectory);
  }

  /** Docker copies a directory's contents, and only what `.dockerignore` lets into the context. */
  private copyFromContext(source: string, target: string, intoDirectory: boolean): void {
    const relative = posix.normalize(source).replace(/\/$/, '');
    const absolute = join(ROOT, relative);
    if (!statSync(absolute).isDirectory()) {
      if (this.context.ignores(relative)) throw new Error(`COPY ${source}: not in the build context`);
      copyPath(absolute, target, intoDirectory);
      return;
    }
    for (const file of this.contextFiles(relative)) {
      const destination = join(target, posix.relative(relative, file));
      mkdirSync(dirname(destination), { recursive: true });
      cpSync(join(ROOT, file), destination);
    }
  }

  /** Files under `dir` that the context holds; directories no pattern can bring back are not walked. */
  private contextFiles(dir: string): string[] {
    const files: string[] = [];
    for (const entry of readdirSync(join(ROOT, dir), { withFileTypes: true })) {
      const path = posix.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (this.context.ignores(path) && !this.negations.some((p) => couldMatchBelow(p, path))) continue;
        files.push(...this.contextFiles(path));
      } else if (!this.context.ignores(path)) {
        files.push(path);
      }
    }
    return files;
  }

  private run(
    command: string,
    state: AssembledStage,
    env: Record<string, string>,
    workdirs: Set<string>,
  ): void {
    let mapped = command;
    for (const dir of workdirs) {
      mapped = mapped.replace(
        new RegExp(`(^|[\\s=:])${escapeRegExp(dir)}(?=/|\\s|$)`, 'g'),
        `$1${join(state.root, dir)}`,
      );
    }
    execFileSync('sh', ['-c', `set -e; ${mapped}`], {
      cwd: this.inside(state, state.workdir),
      env: {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        HOME: join(this.workspace, 'home'),
        // Its own npm cache: the stage's `npm cache clean` must not empty this machine's.
        npm_config_cache: join(this.workspace, 'npm-cache'),
        npm_config_update_notifier: 'false',
        ...env,
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
  }

  /** Removes every stage directory (the repository stage is the repository: left alone). */
  dispose(): void {
    for (const stage of this.built.values()) {
      if (!stage.inRepository) rmSync(stage.root, { recursive: true, force: true });
    }
  }
}

function copyPath(from: string, to: string, intoDirectory: boolean): void {
  const isDirectory = statSync(from).isDirectory();
  const destination = !isDirectory && intoDirectory ? join(to, from.split('/').at(-1) ?? '') : to;
  mkdirSync(isDirectory ? destination : dirname(destination), { recursive: true });
  cpSync(from, destination, { recursive: true, verbatimSymlinks: true });
}

/** `${NAME}` and `$NAME` from ARG and ENV, as the Dockerfile's own substitution does. */
function substitute(text: string, values: Record<string, string>): string {
  return text.replace(/\$\{(\w+)\}|\$(\w+)/g, (whole, braced?: string, bare?: string) => {
    const name = braced ?? bare ?? '';
    return values[name] ?? whole;
  });
}

/** Whether a pattern (path segments, `*` within one segment) may match a path below `dir`. */
function couldMatchBelow(pattern: string, dir: string): boolean {
  const patternParts = pattern.split('/');
  const dirParts = dir.split('/');
  if (patternParts.length <= dirParts.length) return false;
  return dirParts.every((part, i) => {
    const glob = patternParts[i] ?? '';
    if (glob === '**') return true;
    return new RegExp(`^${glob.split('*').map(escapeRegExp).join('[^/]*')}$`).test(part);
  });
}

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
