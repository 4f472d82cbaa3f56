import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { chromium, type Browser, type BrowserContextOptions, type Page } from 'playwright-core';
import { createServer, type ViteDevServer } from 'vite';

import { TOKENS, startTestBackend, type TestBackend } from '../support/backend.js';

/**
 * What the browser suites share: Debian's Chromium driven by playwright-core, and the Vite
 * harness that serves the plugins' components with a proxy standing in for Grafana's.
 */
const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const SCREENSHOTS = path.join(root, 'artifacts', 'browser');
export const hasChromium = fs.existsSync(CHROMIUM);
if (!hasChromium) {
  console.warn(`SKIPPED browser tests: no Chromium at ${CHROMIUM} (apt-get install -y chromium)`);
}

/** The data source's instance URL (plugin/datasource/src/__tests__/support/instanceSettings.ts). */
const PROXY_URL = '/api/datasources/proxy/uid/unified-logs';
/** Its two plugin.json routes: reads (`api`, GET) and summaries (`summary`, POST to /logs/summary). */
export const PROXY_API = `${PROXY_URL}/api`;
export const PROXY_SUMMARY = `${PROXY_URL}/summary`;
export const HOUR = 3_600_000;

/** Like Grafana's proxy, a route only takes the method plugin.json names; anything else reaches nothing. */
const onlyMethod = (method: string) => (req: { method?: string }) =>
  req.method === method ? undefined : false;

/**
 * The harness pages, served by Vite, which forwards the plugin's two routes to the real
 * backend as Grafana's data-source proxy does (src/plugin.json): reads with a viewer's token,
 * summaries with an analyst's.
 */
export async function startHarness(backendUrl: string): Promise<ViteDevServer> {
  const vite = await createServer({
    root: path.join(here, 'harness'),
    configFile: false,
    logLevel: 'error',
    server: {
      host: '127.0.0.1',
      port: 0,
      strictPort: false,
      fs: { allow: [root] },
      proxy: {
        [PROXY_API]: {
          target: backendUrl,
          rewrite: (url) => url.slice(PROXY_API.length),
          headers: { Authorization: `Bearer ${TOKENS.viewer}` },
          bypass: onlyMethod('GET'),
        },
        [PROXY_SUMMARY]: {
          target: backendUrl,
          rewrite: () => '/logs/summary',
          headers: { Authorization: `Bearer ${TOKENS.analyst}` },
          bypass: onlyMethod('POST'),
        },
      },
    },
    resolve: { dedupe: ['react', 'react-dom', '@grafana/data', '@grafana/ui', '@grafana/runtime'] },
    define: { 'process.env.NODE_ENV': JSON.stringify('development') },
  });
  await vite.listen();
  return vite;
}

/**
 * Under libfaketime (the suites' moved-clock run) Chromium itself would run on the moved
 * clock but takes most of a minute to start and hangs on close; it runs on the real clock
 * instead, and each page's clock is set to the suites' (moved) one, so the page and the
 * backend agree on "now" as a browser and its Grafana do.
 */
const movedClock = process.env.FAKETIME !== undefined;

function browserEnv(): Record<string, string> {
  const env = Object.fromEntries(
    Object.entries(process.env).filter((pair): pair is [string, string] => pair[1] !== undefined),
  );
  if (!movedClock) return env;
  delete env.LD_PRELOAD;
  delete env.FAKETIME;
  return env;
}

/** Headless Chromium with the flags this machine needs (no sandbox as root, no background traffic). */
export async function launchChromium(): Promise<Browser> {
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  return chromium.launch({
    env: browserEnv(),
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--no-first-run',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** Everything a browser suite runs against: the real backend, the harness in front of it, Chromium. */
export interface BrowserRig {
  backend: TestBackend;
  browser: Browser;
  /** A page in a context of its own, whose clock is the suites' clock. */
  newPage(options?: BrowserContextOptions): Promise<Page>;
  /** The harness's root URL, ending in `/`. */
  baseUrl: string;
  close(): Promise<void>;
}

export async function startBrowserRig(): Promise<BrowserRig> {
  const backend = await startTestBackend();
  const server = await startHarness(backend.url);
  const address = server.httpServer?.address();
  if (!address || typeof address === 'string') throw new Error('vite did not listen');
  const browser = await launchChromium();
  return {
    backend,
    browser,
    async newPage(options) {
      const context = await browser.newContext(options);
      if (movedClock) {
        await context.clock.install({ time: Date.now() });
        await context.clock.resume();
      }
      return context.newPage();
    },
    baseUrl: `http://127.0.0.1:${address.port}/`,
    async close() {
      await browser.close();
      await server.close();
      await backend.close();
    },
  };
}
