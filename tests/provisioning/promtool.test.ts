/**
 * `promtool check rules` and `promtool test rules` on the alert rules: the unit tests in
 * provisioning/prometheus/rules/tests show each alert firing on a spike and staying quiet on
 * normal traffic and on a slow rise. CI installs promtool (Debian's `prometheus`, .ci/run).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROVISIONING, filesUnder, rel } from './support.js';

const RULES_DIR = path.join(PROVISIONING, 'prometheus/rules');
const ruleFiles = filesUnder(RULES_DIR, ['.rules.yml']);
const testFiles = filesUnder(path.join(RULES_DIR, 'tests'), ['.test.yml']);

const promtoolVersion = spawnSync('promtool', ['--version'], { encoding: 'utf8' });
const missing = promtoolVersion.error !== undefined || promtoolVersion.status !== 0;
if (missing)
  console.warn(
    'skipped: promtool is not installed (Debian package `prometheus`); the rule files are unchecked',
  );

function promtool(args: string[]): { status: number | null; output: string } {
  const run = spawnSync('promtool', args, { cwd: RULES_DIR, encoding: 'utf8' });
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

describe.skipIf(missing)('promtool', () => {
  it('finds rule files and their tests', () => {
    expect(ruleFiles.length).toBeGreaterThan(0);
    expect(testFiles.length).toBeGreaterThanOrEqual(4);
  });

  it.each(ruleFiles.map((f) => [rel(f), f]))('check rules %s', (_name, file) => {
    const { status, output } = promtool(['check', 'rules', file]);
    expect(status, output).toBe(0);
    expect(output).toContain('SUCCESS');
  });

  it.each(testFiles.map((f) => [rel(f), f]))('test rules %s', (_name, file) => {
    const { status, output } = promtool(['test', 'rules', file]);
    expect(status, output).toBe(0);
    expect(output).toContain('SUCCESS');
  });

  it('every alert has a unit test', () => {
    const tested = new Set(
      testFiles.flatMap((f) => [...readFileSync(f, 'utf8').matchAll(/alertname: (\w+)/g)].map((m) => m[1])),
    );
    const alerts = ruleFiles.flatMap((f) =>
      [...readFileSync(f, 'utf8').matchAll(/- alert: (\w+)/g)].map((m) => m[1]),
    );
    for (const alert of alerts) expect(tested.has(alert), alert).toBe(true);
  });
});
