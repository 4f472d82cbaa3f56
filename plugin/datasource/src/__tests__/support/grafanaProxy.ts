import plugin from '../../plugin.json';

/**
 * Grafana's data-source proxy, as pkg/api/pluginproxy/ds_proxy.go applies a plugin's routes
 * (Grafana 12.4), over the routes of this plugin's own src/plugin.json — the file Grafana reads:
 *
 * - routes are tried in order; the first whose `method` matches (none or `*` matches any) and
 *   whose `path` is a prefix of the proxied path is the route (`validateRequest`);
 * - a route's `reqRole` must be included in the user's org role (Admin ⊃ Editor ⊃ Viewer), or
 *   the request is refused with 403 `plugin proxy route access denied` (`hasAccessToRoute`);
 * - the route's `url` and header templates are filled from jsonData and the decrypted
 *   secureJsonData, and the rest of the proxied path is joined to the URL (`ApplyRoute`);
 * - a request no route matches goes to the data source's own URL with none of the routes'
 *   headers; this data source has no URL, so nothing answers it.
 */

export type OrgRole = 'Viewer' | 'Editor' | 'Admin';

export interface PluginRoute {
  path: string;
  method?: string;
  reqRole?: OrgRole;
  url: string;
  headers?: Array<{ name: string; content: string }>;
}

/** The routes exactly as src/plugin.json lists them (it is what Grafana reads). */
export function pluginRoutes(): PluginRoute[] {
  return ((plugin as { routes?: PluginRoute[] }).routes ?? []).map((route) => ({ ...route }));
}

const ROLE_ORDER: OrgRole[] = ['Viewer', 'Editor', 'Admin'];
const includes = (role: OrgRole, required: OrgRole): boolean =>
  ROLE_ORDER.indexOf(role) >= ROLE_ORDER.indexOf(required);

/** Grafana's `plugins.CleanRelativePath`: no leading slash, no `.` or `..` segments. */
function cleanRelative(value: string): string {
  const segments: string[] = [];
  for (const segment of value.split('/')) {
    if (segment === '..') {
      segments.pop();
    } else if (segment !== '' && segment !== '.') {
      segments.push(segment);
    }
  }
  return segments.join('/');
}

export interface Settings {
  jsonData: Record<string, unknown>;
  secureJsonData: Record<string, string | undefined>;
}

/** `{{ .JsonData.name }}` and `{{ .SecureJsonData.name }}`, as Go's text/template fills them (missing: empty). */
function interpolate(template: string, settings: Settings): string {
  return template.replace(
    /\{\{\s*\.(JsonData|SecureJsonData)\.(\w+)\s*\}\}/g,
    (_match, scope: string, name: string) => {
      const source: Record<string, unknown> = scope === 'JsonData' ? settings.jsonData : settings.secureJsonData;
      const value = source[name];
      return value === undefined || value === null ? '' : String(value);
    }
  );
}

export type ProxyDecision =
  | { kind: 'route'; route: PluginRoute; url: string; headers: Record<string, string> }
  | { kind: 'denied'; route: PluginRoute }
  | { kind: 'unrouted' };

/** What Grafana does with `method proxyPath?query` for a user of `role`. */
export function proxy(
  routes: PluginRoute[],
  request: { method: string; proxyPath: string; query: string },
  role: OrgRole,
  settings: Settings
): ProxyDecision {
  const wanted = cleanRelative(request.proxyPath);
  const route = routes.find(
    (candidate) =>
      (!candidate.method || candidate.method === '*' || candidate.method === request.method) &&
      wanted.startsWith(cleanRelative(candidate.path))
  );
  if (!route) {
    return { kind: 'unrouted' };
  }
  if (route.reqRole && !includes(role, route.reqRole)) {
    return { kind: 'denied', route };
  }
  const rest = request.proxyPath.slice(route.path.length);
  const base = new URL(interpolate(route.url, settings));
  const joined = rest === '' ? base.pathname : `${base.pathname.replace(/\/$/, '')}/${rest.replace(/^\//, '')}`;
  const headers = Object.fromEntries((route.headers ?? []).map((h) => [h.name, interpolate(h.content, settings)]));
  return { kind: 'route', route, url: `${base.origin}${joined}${request.query}`, headers };
}
