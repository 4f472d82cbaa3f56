import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROVISIONING, filesUnder, readYaml, rel } from './support.js';

/**
 * What a fresh Grafana database holds after provisioning, decided by the files alone: the
 * folders the dashboards and alert rules land in, and the org's default data source.
 *
 * Grafana's alert rule files (AlertRuleGroupV1) name a folder by title only, and Grafana
 * provisions alerting before dashboards (concurrently in newer releases), getting or creating
 * that folder by title under a generated uid. A dashboard provider that named a `folderUid`
 * would look for that uid, not find it, and create a second folder of the same title (or fail
 * on the title). Both naming one title is what gives one folder, whichever runs first.
 */

interface Provider {
  name: string;
  folder?: string;
  folderUid?: string;
  options?: { foldersFromFilesStructure?: boolean };
}

interface RuleGroup {
  name: string;
  folder: string;
}

interface DataSource {
  name: string;
  type: string;
  isDefault?: boolean;
}

const grafana = path.join(PROVISIONING, 'grafana');
const providers = filesUnder(path.join(grafana, 'dashboards'), ['.yaml', '.yml']).flatMap(
  (file) => readYaml<{ providers?: Provider[] }>(file).providers ?? [],
);
const ruleGroups = filesUnder(path.join(grafana, 'alerting'), ['.yaml', '.yml']).flatMap((file) =>
  (readYaml<{ groups?: RuleGroup[] }>(file).groups ?? []).map((group) => ({ ...group, file: rel(file) })),
);
const dataSources = filesUnder(path.join(grafana, 'datasources'), ['.yaml', '.yml']).flatMap(
  (file) => readYaml<{ datasources?: DataSource[] }>(file).datasources ?? [],
);

describe('folders on a fresh Grafana database', () => {
  it('finds dashboard providers and alert rule groups to compare', () => {
    expect(providers.length).toBeGreaterThan(0);
    expect(ruleGroups.length).toBeGreaterThan(0);
  });

  it('names folders by title only, as alert rule files must', () => {
    for (const provider of providers) {
      expect(provider.folderUid, `provider ${provider.name}`).toBeUndefined();
      expect(provider.options?.foldersFromFilesStructure ?? false, `provider ${provider.name}`).toBe(false);
      expect(provider.folder, `provider ${provider.name}`).toBeTruthy();
    }
  });

  it('puts every dashboard and every alert rule in one folder', () => {
    const titles = new Set([...providers.map((p) => p.folder), ...ruleGroups.map((g) => g.folder)]);
    expect([...titles]).toEqual(['GPT Runner+']);
  });

  it('names a top-level folder (a "/" in a rule folder would be a path of nested folders)', () => {
    for (const group of ruleGroups) expect(group.folder, `${group.file} ${group.name}`).not.toMatch(/\//);
  });
});

describe('the default data source', () => {
  it('is Prometheus, which alert rules can query, and never the frontend-only Unified Logs', () => {
    const defaults = dataSources.filter((d) => d.isDefault === true);
    expect(defaults.map((d) => d.type)).toEqual(['prometheus']);
    const unified = dataSources.find((d) => d.type === 'gptrunner-unifiedlogs-datasource');
    expect(unified?.isDefault).toBe(false);
  });
});
