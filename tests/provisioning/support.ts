import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const PROVISIONING = path.join(ROOT, 'provisioning');

export const rel = (file: string): string => path.relative(ROOT, file);

/** Every file under a folder, recursively, whose name ends with one of the extensions. */
export function filesUnder(dir: string, extensions: string[]): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && extensions.some((ext) => entry.name.endsWith(ext)))
    .map((entry) => path.join(entry.parentPath, entry.name))
    .sort();
}

export function readYaml<T = unknown>(file: string): T {
  // Strict: a duplicate key is an error here, as it is for Grafana's and Prometheus's parsers.
  return parse(readFileSync(file, 'utf8'), { uniqueKeys: true, prettyErrors: true }) as T;
}

export function readJson<T = unknown>(file: string): T {
  return JSON.parse(readFileSync(file, 'utf8')) as T;
}

/**
 * Metric names the backend's collector exports (the log-volume contract). The collector
 * registers them in backend/src/metrics/; until it has, they count as exported
 * because the rules and dashboards are written against this contract.
 */
export const COLLECTOR_METRICS = [
  'log_aggregator_log_entries_total',
  'log_aggregator_source_up',
  'log_aggregator_source_last_entry_timestamp_seconds',
] as const;

/** Names registered with prom-client in backend/src/metrics/ (`name: '…'`), one module per concern. */
export function registeredMetrics(): Set<string> {
  const folder = path.join(ROOT, 'backend/src/metrics');
  const modules = readdirSync(folder).filter((file) => file.endsWith('.ts') && !file.endsWith('.test.ts'));
  const source = modules.map((file) => readFileSync(path.join(folder, file), 'utf8')).join('\n');
  return new Set([...source.matchAll(/\bname:\s*'([a-z_:][a-z0-9_:]*)'/g)].map((m) => m[1]!));
}

/** Series names Prometheus derives from one registered metric (histograms and counters). */
export function seriesNames(metric: string): string[] {
  return [metric, `${metric}_bucket`, `${metric}_sum`, `${metric}_count`];
}

export function exportedSeries(): Set<string> {
  const names = [...registeredMetrics(), ...COLLECTOR_METRICS];
  return new Set(names.flatMap(seriesNames));
}

/** Metric names a PromQL expression reads: every identifier of the backend's namespace. */
export function metricsIn(expr: string): string[] {
  return [...new Set([...expr.matchAll(/\blog_aggregator_[a-z0-9_]+/g)].map((m) => m[0]))];
}

/** `$name`, `${name}` and `[[name]]` references; Grafana's own `$__…` variables are not the dashboard's. */
export function variableRefs(text: string): string[] {
  const refs = [...text.matchAll(/\$\{?([A-Za-z_][A-Za-z0-9_]*)|\[\[([A-Za-z_][A-Za-z0-9_]*)/g)].map(
    (m) => m[1] ?? m[2]!,
  );
  return [...new Set(refs.filter((name) => !name.startsWith('__')))];
}

export interface PluginManifest {
  id: string;
  type: string;
  dir: string;
}

/** Each plugin's src/plugin.json under plugin/. */
export function pluginManifests(): PluginManifest[] {
  const pluginRoot = path.join(ROOT, 'plugin');
  return readdirSync(pluginRoot, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => path.join(pluginRoot, entry.name, 'src/plugin.json'))
    .filter((file) => existsSync(file))
    .map((file) => {
      const manifest = readJson<{ id: string; type: string }>(file);
      return { id: manifest.id, type: manifest.type, dir: path.dirname(path.dirname(file)) };
    });
}
