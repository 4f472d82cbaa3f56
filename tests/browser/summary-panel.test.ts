import path from 'node:path';

import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { HOUR, SCREENSHOTS, hasChromium, startBrowserRig, type BrowserRig } from './support.js';

let rig: BrowserRig;

/** The panel over the demo data's last hour, which holds the error burst, once its summary arrived. */
async function open(theme: 'light' | 'dark'): Promise<Page> {
  const page = await rig.newPage({ viewport: { width: 940, height: 900 } });
  page.on('pageerror', (error) => console.error(`page error: ${error.message}`));
  const range = new URLSearchParams({
    theme,
    from: String(rig.backend.nowMs - HOUR),
    to: String(rig.backend.nowMs),
  });
  await page.goto(`${rig.baseUrl}summary.html?${range}`);
  await page.locator('section[aria-label="Summary panel"][data-state="Done"]').waitFor();
  return page;
}

describe.skipIf(!hasChromium)('summary panel in Chromium, with a summary from the real backend', () => {
  beforeAll(async () => {
    rig = await startBrowserRig();
  }, 180_000);

  afterAll(() => rig?.close());

  it.each(['light', 'dark'] as const)(
    'renders summary, digest and footer in the %s theme',
    async (theme) => {
      const page = await open(theme);
      const panel = page.getByTestId('summary-panel');
      await expect(panel.getByRole('heading', { name: 'What happened' }).isVisible()).resolves.toBe(true);
      await expect(panel.getByRole('heading', { name: 'Likely causes' }).isVisible()).resolves.toBe(true);

      // The summary names the top error template, and the digest's table lists it first.
      const table = panel.getByRole('table', { name: 'Top error templates' });
      const firstId = (await table.locator('tbody tr').first().locator('td code').textContent()) ?? '';
      expect(firstId).toMatch(/^p[0-9a-f]{8}$/);
      await expect(
        panel.getByTestId('summary-markdown').getByText(firstId).first().isVisible(),
      ).resolves.toBe(true);
      await expect(
        table
          .getByText(/broker returned/)
          .first()
          .isVisible(),
      ).resolves.toBe(true);

      // One cause, named once with its spread; its check is a link into Explore.
      const markdown = panel.getByTestId('summary-markdown');
      const causes = (await markdown.locator('h2:has-text("Likely causes") + ul').textContent()) ?? '';
      expect(causes.match(/order submission failed for/g)).toHaveLength(1);
      expect(causes).toMatch(/order submission failed for <\*>: broker returned 503 across \d+ symbols \(/);
      const link = markdown.getByRole('link', { name: /^Read the \d+ lines of p[0-9a-f]{8}$/ });
      await expect(link.getAttribute('href')).resolves.toMatch(
        new RegExp(`^${rig.baseUrl}explore\\?schemaVersion=1&panes=`),
      );
      await expect(markdown.textContent()).resolves.not.toMatch(/median of 0/);

      await expect(panel.getByRole('list', { name: 'Error spikes' }).textContent()).resolves.toMatch(
        /\d{4}-\d\d-\d\d \d\d:\d\d–\d\d:\d\d: \d+ errors/,
      );
      await expect(panel.getByRole('list', { name: 'Lines by severity' }).textContent()).resolves.toMatch(
        /ERROR\s*\d+/,
      );
      // The second theme's request is answered from the backend's cache, and the footer says so.
      await expect(panel.getByLabel('Summary source').textContent()).resolves.toMatch(
        /^builtin · builtin-digest · 0 prompt \+ 0 completion tokens( · cached)?$/,
      );
      await expect(panel.locator('script, img, iframe').count()).resolves.toBe(0);

      await page.screenshot({ path: path.join(SCREENSHOTS, `summary-panel-${theme}.png`), fullPage: true });
      await page.close();
    },
    120_000,
  );
});
