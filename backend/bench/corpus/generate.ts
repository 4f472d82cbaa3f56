/**
 * Generates the labelled GPT Runner+ corpus: log lines as the trader, the reflector and
 * their pods write them, each labelled with the logging statement that wrote it.
 *
 *   npm run corpus:generate [-- --seed <n>] [-- --lines <n>]
 *
 * Writes `GptRunner/GptRunner_2k.log_structured.csv` beside this script, in the LogHub
 * layout `bench:patterns --data` reads. The output depends only on the seed: a small
 * seeded PRNG drives every choice, nothing is downloaded.
 *
 * Labelling follows the source: one EventId per logging statement. A value the statement
 * formats in (ticker, side, exchange, model, pod, free-text rationale) is a variable of its
 * event, whatever its case; words the statement spells out (`OPEN -> CLOSED`, `ARMED` vs
 * `DISARMED`, `GET` vs `POST` from distinct handlers) are constants.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Random } from '../../../local/demo-data/random.js';
import { EVENTS, type Draw } from './events.js';

const NAME = 'GptRunner';

export interface LabelledLine {
  content: string;
  eventId: string;
  template: string;
}

/** Draws `count` lines, each event as often as its weight says. */
export function generateCorpus(seed: number, count: number): LabelledLine[] {
  // The demo data's generator: the same seed gives the same corpus on every machine.
  const random = new Random(seed);
  const draw: Draw = random;
  const total = EVENTS.reduce((sum, event) => sum + event.weight, 0);
  const lines: LabelledLine[] = [];
  for (let i = 0; i < count; i++) {
    let ticket = random.next() * total;
    const event = EVENTS.find((candidate) => (ticket -= candidate.weight) < 0) ?? EVENTS[EVENTS.length - 1];
    if (!event) throw new Error('no events defined');
    lines.push({ content: event.line(draw), eventId: event.id, template: event.template });
  }
  return lines;
}

/** RFC 4180 quoting, only where needed. */
function csvField(value: string): string {
  return /[",\n\r]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

export function toCsv(lines: readonly LabelledLine[]): string {
  const rows = lines.map((line, i) =>
    [String(i + 1), line.content, line.eventId, line.template].map(csvField).join(','),
  );
  return ['LineId,Content,EventId,EventTemplate', ...rows].join('\n') + '\n';
}

function main(): void {
  const { values } = parseArgs({
    options: { seed: { type: 'string', default: '20261129' }, lines: { type: 'string', default: '2000' } },
  });
  const lines = generateCorpus(Number(values.seed), Number(values.lines));
  const file = join(dirname(fileURLToPath(import.meta.url)), NAME, `${NAME}_2k.log_structured.csv`);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, toCsv(lines));
  console.log(
    `wrote ${lines.length} lines of ${new Set(lines.map((l) => l.eventId)).size} events to ${file}`,
  );
}

if (process.argv[1] === fileURLToPath(import.meta.url)) main();
