import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { chromium, type Browser, type Page } from 'playwright-core';
import { createServer, type ViteDevServer } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SCREENSHOTS = path.join(root, 'artifacts', 'browser');
const hasChromium = fs.existsSync(CHROMIUM);

if (!hasChromium) {
  console.warn(`SKIPPED browser tests: no Chromium at ${CHROMIUM} (apt-get install -y chromium)`);
}

let server: ViteDevServer;
let browser: Browser;
let baseUrl: string;

async function open(theme: 'light' | 'dark'): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
  await page.goto(`${baseUrl}?theme=${theme}`);
  await page.getByText('Query type').waitFor();
  return page;
}

const runs = async (page: Page) => Number(await page.locator('#runs').textContent());
const query = async (page: Page) => JSON.parse((await page.locator('#query').textContent()) ?? '{}');

describe.skipIf(!hasChromium)('data-source editors in Chromium', () => {
  beforeAll(async () => {
    server = await createServer({
      root: path.join(here, 'harness'),
      configFile: false,
      logLevel: 'error',
      server: { host: '127.0.0.1', port: 0, strictPort: false, fs: { allow: [root] } },
      resolve: { dedupe: ['react', 'react-dom', '@grafana/data', '@grafana/ui', '@grafana/runtime'] },
      define: { 'process.env.NODE_ENV': JSON.stringify('development') },
    });
    await server.listen();
    const address = server.httpServer?.address();
    if (!address || typeof address === 'string') throw new Error('vite did not listen');
    baseUrl = `http://127.0.0.1:${address.port}/`;
    browser = await chromium.launch({
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
    fs.mkdirSync(SCREENSHOTS, { recursive: true });
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it.each(['light', 'dark'] as const)('renders both editors in the %s theme', async (theme) => {
    const page = await open(theme);
    await expect(page.getByLabel('API token').inputValue()).resolves.toBe('configured');
    await expect(page.getByRole('button', { name: 'Reset' }).isVisible()).resolves.toBe(true);
    await expect(page.getByLabel('Label selector').inputValue()).resolves.toBe('app=gpt-runner');
    await page.screenshot({ path: path.join(SCREENSHOTS, `editors-${theme}.png`), fullPage: true });
    await page.close();
  });

  it('runs a typed search on Enter only, from the keyboard', async () => {
    const page = await open('dark');
    await page.getByLabel('Search text').focus();
    await page.keyboard.type('order rejected');
    expect(await runs(page)).toBe(0);
    await page.keyboard.press('Enter');
    expect(await runs(page)).toBe(1);
    expect((await query(page)).search).toBe('order rejected');

    // Radio groups move with the arrow keys, as in Grafana.
    await page.getByRole('radio', { name: 'Logs' }).focus();
    await page.keyboard.press('ArrowRight');
    expect((await query(page)).queryType).toBe('volume');
    await page.close();
  });

  it('suggests namespaces and dashboard variables in the list', async () => {
    const page = await open('dark');
    await page.getByRole('combobox', { name: 'Namespace' }).click();
    const listbox = page.getByRole('listbox');
    await listbox.getByText('monitoring').waitFor();
    await expect(listbox.getByText('$pod').isVisible()).resolves.toBe(true);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'namespace-suggestions-dark.png') });
    await listbox.getByText('monitoring').click();
    expect((await query(page)).namespace).toBe('monitoring');
    await page.close();
  });
});
