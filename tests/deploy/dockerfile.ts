/** A small Dockerfile reader: enough to check stages, users, health checks and entry points. */

export interface Instruction {
  keyword: string;
  /** Everything after the keyword, continuation lines joined. */
  args: string;
  line: number;
}

export interface Stage {
  /** `FROM <image>` */
  base: string;
  /** `AS <name>`; empty when unnamed. */
  name: string;
  instructions: Instruction[];
  /** The stage's HEALTHCHECK instruction, if any. */
  healthcheck?: Instruction;
}

export function dockerfileInstructions(text: string): Instruction[] {
  const instructions: Instruction[] = [];
  let pending: { parts: string[]; line: number } | undefined;
  text.split('\n').forEach((raw, index) => {
    const line = raw.trim();
    // Comments and blank lines may sit inside a continued instruction; parser directives are comments too.
    if (line === '' || line.startsWith('#')) return;
    const continued = line.endsWith('\\');
    const content = continued ? line.slice(0, -1).trim() : line;
    pending = pending
      ? { ...pending, parts: [...pending.parts, content] }
      : { parts: [content], line: index + 1 };
    if (continued) return;
    const joined = pending.parts.join(' ');
    const [keyword = '', ...rest] = joined.split(/\s+/);
    instructions.push({ keyword: keyword.toUpperCase(), args: rest.join(' '), line: pending.line });
    pending = undefined;
  });
  return instructions;
}

export function dockerfileStages(text: string): Stage[] {
  const stages: Stage[] = [];
  for (const instruction of dockerfileInstructions(text)) {
    if (instruction.keyword === 'FROM') {
      const [base = '', as, name = ''] = instruction.args.replace(/--platform=\S+\s*/, '').split(/\s+/);
      stages.push({ base, name: as?.toUpperCase() === 'AS' ? name : '', instructions: [] });
      continue;
    }
    const stage = stages.at(-1);
    if (!stage) throw new Error(`line ${instruction.line}: ${instruction.keyword} before FROM`);
    stage.instructions.push(instruction);
    if (instruction.keyword === 'HEALTHCHECK') stage.healthcheck = instruction;
  }
  return stages;
}

/** The JSON array of an exec-form instruction (`["node", "main.js"]`), or undefined for shell form. */
export function execForm(args: string): string[] | undefined {
  if (!args.trimStart().startsWith('[')) return undefined;
  const parsed: unknown = JSON.parse(args);
  return Array.isArray(parsed) && parsed.every((part) => typeof part === 'string') ? parsed : undefined;
}
