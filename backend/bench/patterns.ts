/**
 * Benchmark of the log template miner on LogHub-style labelled samples.
 *
 *   npm run bench:patterns -- [--data <dir>] [--reps <n>]
 *
 * `<dir>` holds one folder per system, each with `<System>/<System>_2k.log_structured.csv`
 * (columns `Content` and `EventId`); it defaults to $LOGHUB_DIR, then to the shared
 * samples beside the repository; `--data backend/bench/corpus` runs the labelled GPT
 * Runner+ corpus (`npm run corpus:generate`). The miner sees only `Content`. Prints grouping accuracy
 * per system and on average, and mining throughput over all lines together; the last line
 * is one JSON object for scripts. Throughput is measured twice: on the samples as they are
 * (where repeated lines hit the miner's exact-line cache) and on the same lines made
 * unique by a numbered suffix, so every line is masked and placed.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { parse } from 'csv-parse/sync';
import { PatternMiner, groupingAccuracy } from '../src/insight/patterns/index.js';

interface System {
  name: string;
  lines: string[];
  events: string[];
}

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const DEFAULT_DATA = resolve(REPO_ROOT, '../shared/data/loghub');
const WARM_UP_REPS = 2;

function options(): { data: string; reps: number } {
  const { values } = parseArgs({
    options: { data: { type: 'string' }, reps: { type: 'string', default: '10' } },
    allowPositionals: false,
  });
  const reps = Number(values.reps);
  if (!Number.isInteger(reps) || reps < 1)
    throw new Error(`--reps must be a positive integer, got ${values.reps}`);
  return { data: resolve(values.data ?? process.env.LOGHUB_DIR ?? DEFAULT_DATA), reps };
}

function loadSystems(dir: string): System[] {
  if (!existsSync(dir)) throw new Error(`no data folder at ${dir} (use --data or LOGHUB_DIR)`);
  const systems = readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => ({
      name: entry.name,
      file: join(dir, entry.name, `${entry.name}_2k.log_structured.csv`),
    }))
    .filter(({ file }) => existsSync(file))
    .sort((a, b) => (a.name < b.name ? -1 : 1))
    .map(({ name, file }) => ({ name, ...readStructured(file) }));
  if (systems.length === 0) throw new Error(`no <System>/<System>_2k.log_structured.csv under ${dir}`);
  return systems;
}

function readStructured(file: string): { lines: string[]; events: string[] } {
  const rows: Record<string, string | undefined>[] = parse(readFileSync(file), { columns: true, bom: true });
  const lines: string[] = [];
  const events: string[] = [];
  for (const row of rows) {
    if (row.Content === undefined || row.EventId === undefined)
      throw new Error(`${file}: needs Content and EventId`);
    lines.push(row.Content);
    events.push(row.EventId);
  }
  return { lines, events };
}

function accuracy(system: System): number {
  const miner = new PatternMiner();
  const ids = system.lines.map((line) => miner.add(line));
  // Grouping is judged on the miner's final state: ids of merged templates follow the merge.
  const groups = ids.map((id) => miner.resolve(id) ?? id);
  return groupingAccuracy(system.events, groups);
}

/** One pass over every system, a fresh miner each, as a query would run it. */
function mineAll(systems: readonly System[]): void {
  for (const system of systems) {
    const miner = new PatternMiner();
    for (const line of system.lines) miner.add(line);
  }
}

/** The same systems with no line repeated: a request number ends every line. */
function uniquely(systems: readonly System[]): System[] {
  return systems.map((system) => ({
    ...system,
    lines: system.lines.map((line, i) => `${line} req=${i}`),
  }));
}

/**
 * Seconds per pass, best and median over `reps` timed passes after a warm-up. The best
 * pass is the throughput figure: on a shared machine slower passes measure the neighbours.
 */
function timePasses(systems: readonly System[], reps: number): { best: number; median: number } {
  for (let i = 0; i < WARM_UP_REPS; i++) mineAll(systems);
  const seconds: number[] = [];
  for (let i = 0; i < reps; i++) {
    const start = process.hrtime.bigint();
    mineAll(systems);
    seconds.push(Number(process.hrtime.bigint() - start) / 1e9);
  }
  seconds.sort((a, b) => a - b);
  return { best: seconds[0] as number, median: seconds[Math.floor(seconds.length / 2)] as number };
}

function reportThroughput(label: string, systems: readonly System[], total: number, reps: number): number {
  const { best, median } = timePasses(systems, reps);
  const linesPerSecond = Math.round(total / best);
  console.log(
    `throughput (${label}): ${linesPerSecond} lines/s best of ${reps} passes (median ${Math.round(total / median)} lines/s), ${total} lines per pass`,
  );
  return linesPerSecond;
}

const round = (value: number, digits: number): number => Number(value.toFixed(digits));

function main(): void {
  const { data, reps } = options();
  const systems = loadSystems(data);
  console.log(`data: ${data}`);
  const scores: Record<string, number> = {};
  for (const system of systems) {
    scores[system.name] = round(accuracy(system), 4);
    console.log(
      `${system.name.padEnd(12)} GA ${(scores[system.name] as number).toFixed(4)}  (${system.lines.length} lines)`,
    );
  }
  const average = round(Object.values(scores).reduce((sum, score) => sum + score, 0) / systems.length, 4);
  console.log(`${'average'.padEnd(12)} GA ${average.toFixed(4)}`);

  const total = systems.reduce((sum, system) => sum + system.lines.length, 0);
  const linesPerSecond = reportThroughput('as sampled', systems, total, reps);
  const uniqueLinesPerSecond = reportThroughput('unique lines', uniquely(systems), total, reps);
  console.log(JSON.stringify({ systems: scores, average, linesPerSecond, uniqueLinesPerSecond }));
}

try {
  main();
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
}
