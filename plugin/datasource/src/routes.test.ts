import fs from 'node:fs';
import path from 'node:path';

import { ROUTES, UnifiedLogsApi } from './api';
import { OrgRole, PluginRoute, pluginRoutes, proxy } from './__tests__/support/grafanaProxy';
import { PROXY_URL } from './__tests__/support/instanceSettings';

/**
 * The route table in src/plugin.json is what Grafana's data-source proxy reads: which URL a
 * request reaches, with which token, and for which Grafana role. These tests read that file
 * and apply it as Grafana's proxy does (grafanaProxy.ts) to the URLs the plugin's API client
 * builds.
 */
const routes = pluginRoutes();
const settings = {
  jsonData: { backendUrl: 'http://unified-logs:8080' },
  secureJsonData: { viewerToken: 'the-viewer-token', analystToken: 'the-analyst-token' },
};
const api = new UnifiedLogsApi(PROXY_URL);

const routeOf = (name: string): PluginRoute => {
  const route = routes.find((candidate) => candidate.path === name);
  if (!route) {
    throw new Error(`plugin.json has no route ${name}`);
  }
  return route;
};

/** Grafana's decision for a URL the API client built, for a user of `role`. */
function decide(method: string, url: string, role: OrgRole) {
  expect(url.startsWith(`${PROXY_URL}/`)).toBe(true);
  const [proxyPath = '', query = ''] = url.slice(PROXY_URL.length + 1).split(/(?=\?)/);
  return proxy(routes, { method, proxyPath, query }, role, settings);
}

describe('the plugin.json route table', () => {
  it('has one route for reads and one for summaries, each with its own token', () => {
    expect(routes.map((r) => r.path).sort()).toEqual([ROUTES.read, ROUTES.summary].sort());
    const tokenOf = (route: PluginRoute) => route.headers?.map((h) => [h.name, h.content]);
    expect(tokenOf(routeOf(ROUTES.read))).toEqual([['Authorization', 'Bearer {{ .SecureJsonData.viewerToken }}']]);
    expect(tokenOf(routeOf(ROUTES.summary))).toEqual([['Authorization', 'Bearer {{ .SecureJsonData.analystToken }}']]);
  });

  it('lets only GETs through the read route, for every role', () => {
    const read = routeOf(ROUTES.read);
    expect(read.method).toBe('GET');
    expect(read.reqRole).toBeUndefined();
    expect(read.url).toBe('{{ .JsonData.backendUrl }}');
  });

  it('lets only POSTs to the summary endpoint through the summary route, for Editors and Admins', () => {
    const summary = routeOf(ROUTES.summary);
    expect(summary).toMatchObject({
      method: 'POST',
      reqRole: 'Editor',
      url: '{{ .JsonData.backendUrl }}/logs/summary',
    });
  });

  it('has no route path that is a prefix of another, so their order cannot matter', () => {
    for (const a of routes) {
      for (const b of routes.filter((r) => r !== a)) {
        expect(b.path.startsWith(a.path)).toBe(false);
      }
    }
  });

  it('names only secure fields that provisioning sets', () => {
    const named = new Set(
      [...fs.readFileSync(path.resolve(__dirname, 'plugin.json'), 'utf8').matchAll(/\.SecureJsonData\.(\w+)/g)].map(
        (m) => m[1]
      )
    );
    const provisioning = fs.readFileSync(
      path.resolve(__dirname, '../../../provisioning/grafana/datasources/datasources.yaml'),
      'utf8'
    );
    for (const field of named) {
      expect(provisioning).toMatch(new RegExp(`^\\s+${field}: \\$\\{[A-Z_]+\\}$`, 'm'));
    }
    expect([...named].sort()).toEqual(['analystToken', 'viewerToken']);
  });
});

describe("the API client's calls, as Grafana's proxy routes them", () => {
  it.each<OrgRole>(['Viewer', 'Editor', 'Admin'])(
    'sends reads of a %s with the viewer token to the backend',
    (role) => {
      const decision = decide(
        'GET',
        api.url('/logs', [
          ['source', 'pods'],
          ['label', 'symbol=AAPL'],
        ]),
        role
      );
      expect(decision).toMatchObject({
        kind: 'route',
        url: 'http://unified-logs:8080/logs?source=pods&label=symbol%3DAAPL',
        headers: { Authorization: 'Bearer the-viewer-token' },
      });
    }
  );

  it.each<OrgRole>(['Editor', 'Admin'])('sends the summary of an %s with the analyst token', (role) => {
    const decision = decide('POST', api.summaryUrl(), role);
    expect(decision).toMatchObject({
      kind: 'route',
      url: 'http://unified-logs:8080/logs/summary',
      headers: { Authorization: 'Bearer the-analyst-token' },
    });
  });

  it("refuses a Viewer's summary at the proxy", () => {
    expect(decide('POST', api.summaryUrl(), 'Viewer')).toMatchObject({ kind: 'denied' });
  });

  it('gives no token to a write through the read route, or a read through the summary route', () => {
    expect(decide('POST', api.url('/logs/summary'), 'Admin')).toEqual({ kind: 'unrouted' });
    expect(decide('GET', api.summaryUrl(), 'Admin')).toEqual({ kind: 'unrouted' });
  });
});
