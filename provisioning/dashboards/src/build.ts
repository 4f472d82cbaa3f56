/**
 * Writes provisioning/dashboards/json/*.json from the typed definitions beside this file.
 * Run `npm run provisioning:build` after changing a dashboard; a test fails while the
 * committed JSON differs from what this renders.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as prettier from 'prettier';
import { healthDashboard } from './health-dashboard.js';
import { logsDashboard } from './logs-dashboard.js';
import type { Dashboard } from './model.js';

export const JSON_DIR = fileURLToPath(new URL('../json/', import.meta.url));

/** File name → dashboard. File names are the uids, so a link's `/d/<uid>` names its file too. */
export function dashboards(): Record<string, Dashboard> {
  const all = [logsDashboard(), healthDashboard()];
  return Object.fromEntries(all.map((d) => [`${d.uid}.json`, d]));
}

/** The exact bytes of each file: formatted with the repository's Prettier settings, so `prettier --check` agrees. */
export async function renderDashboards(): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const [file, dashboard] of Object.entries(dashboards())) {
    const filepath = path.join(JSON_DIR, file);
    const options = (await prettier.resolveConfig(filepath)) ?? {};
    out[file] = await prettier.format(JSON.stringify(dashboard), { ...options, filepath });
  }
  return out;
}

async function main(): Promise<void> {
  await mkdir(JSON_DIR, { recursive: true });
  for (const [file, text] of Object.entries(await renderDashboards())) {
    await writeFile(path.join(JSON_DIR, file), text);
    console.log(`wrote ${path.relative(process.cwd(), path.join(JSON_DIR, file))}`);
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await main();
}
