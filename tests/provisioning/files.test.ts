import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { JSON_DIR, dashboards, renderDashboards } from '../../provisioning/dashboards/src/build.js';
import { PROVISIONING, filesUnder, readJson, readYaml, rel } from './support.js';

const yamlFiles = filesUnder(PROVISIONING, ['.yaml', '.yml']);
const jsonFiles = filesUnder(PROVISIONING, ['.json']);

describe('every provisioning file parses', () => {
  it('finds the files', () => {
    expect(yamlFiles.length).toBeGreaterThanOrEqual(8);
    expect(jsonFiles.length).toBeGreaterThanOrEqual(2);
  });

  it.each(yamlFiles.map((f) => [rel(f), f]))('%s is YAML', (_name, file) => {
    expect(readYaml(file)).toBeTypeOf('object');
  });

  it.each(jsonFiles.map((f) => [rel(f), f]))('%s is JSON', (_name, file) => {
    expect(readJson(file)).toBeTypeOf('object');
  });

  const grafanaFiles = yamlFiles.filter((f) => f.startsWith(path.join(PROVISIONING, 'grafana')));
  it.each(grafanaFiles.map((f) => [rel(f), f]))('%s is Grafana provisioning apiVersion 1', (_name, file) => {
    expect(readYaml<{ apiVersion: number }>(file).apiVersion).toBe(1);
  });
});

describe('dashboards as code', () => {
  it('the committed JSON is exactly what the TypeScript renders', async () => {
    const rendered = await renderDashboards();
    const committed = filesUnder(JSON_DIR, ['.json']).map((f) => path.basename(f));
    expect(committed.sort(), 'run `npm run provisioning:build`').toEqual(Object.keys(rendered).sort());
    for (const [file, text] of Object.entries(rendered)) {
      expect(
        readFileSync(path.join(JSON_DIR, file), 'utf8'),
        `${file} is stale: run \`npm run provisioning:build\``,
      ).toBe(text);
    }
  });

  it('each dashboard has a unique uid that names its file, and unique panel ids', () => {
    const uids = new Set<string>();
    for (const [file, dashboard] of Object.entries(dashboards())) {
      expect(file).toBe(`${dashboard.uid}.json`);
      expect(uids.has(dashboard.uid)).toBe(false);
      uids.add(dashboard.uid);
      expect(dashboard.uid.length).toBeLessThanOrEqual(40);
      const ids = dashboard.panels.flatMap((p) => [p.id, ...(p.panels ?? []).map((c) => c.id)]);
      expect(new Set(ids).size).toBe(ids.length);
    }
  });

  it('panels sit on the 24-column grid without overlapping', () => {
    for (const dashboard of Object.values(dashboards())) {
      const boxes = dashboard.panels
        .flatMap((p) => [p, ...(p.panels ?? [])])
        .map((p) => ({ t: p.title, ...p.gridPos }));
      for (const b of boxes) {
        expect(b.x + b.w, b.t).toBeLessThanOrEqual(24);
        expect(b.w > 0 && b.h > 0, b.t).toBe(true);
      }
      for (const [i, a] of boxes.entries()) {
        for (const b of boxes.slice(i + 1)) {
          const overlap = a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
          expect(overlap, `${a.t} overlaps ${b.t}`).toBe(false);
        }
      }
    }
  });

  it('the logs dashboard has the four tabs as rows and every variable the requirement names', () => {
    const logs = dashboards()['gpt-runner-logs.json']!;
    const rows = logs.panels.filter((p) => p.type === 'row').map((p) => p.title);
    expect(rows).toEqual(expect.arrayContaining(['GCS', 'Firestore', 'Pods', 'GPT Summary']));
    expect(logs.templating.list.map((v) => v.name)).toEqual([
      'source',
      'prefix',
      'collection',
      'namespace',
      'pod',
      'severity',
      'search',
    ]);
    const types = logs.panels.flatMap((p) => [p, ...(p.panels ?? [])]).map((p) => p.type);
    expect(types).toEqual(
      expect.arrayContaining(['logs', 'timeseries', 'table', 'gptrunner-logsummary-panel']),
    );
  });
});
