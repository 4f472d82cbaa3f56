import path from 'node:path';

import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { HOUR, SCREENSHOTS, hasChromium, startBrowserRig, type BrowserRig } from './support.js';

/**
 * The Related view in Chromium: a log line's order id, clicked in the results, opens the
 * Related query in a split pane through the field's internal data link (built and followed
 * with Grafana's own `mapInternalLinkToExplore`), against the real backend over demo data.
 */
let rig: BrowserRig;

const shoot = (page: Page, name: string) =>
  page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });

describe.skipIf(!hasChromium)('the Related view in Chromium, against the real backend', () => {
  beforeAll(async () => {
    rig = await startBrowserRig();
  }, 180_000);

  afterAll(() => rig?.close());

  it.each(['dark', 'light'] as const)(
    'follows an order id from a trader line to every source that carries it (%s)',
    async (theme) => {
      const page = await rig.newPage({ viewport: { width: 2200, height: 1100 } });
      const range = new URLSearchParams({
        theme,
        from: String(rig.backend.nowMs - 3 * HOUR),
        to: String(rig.backend.nowMs),
      });
      await page.goto(`${rig.baseUrl}?${range}`);
      await page.getByRole('radio', { name: 'Pods' }).click();
      const search = page.getByLabel('Search text');
      await search.fill('order filled');
      await search.press('Enter');
      const results = page.locator('section[aria-label="Query results"][data-state="done"]');
      await results.waitFor();
      // An order of an hour or so ago: its reflection has been written by now.
      const link = results
        .getByRole('button', { name: /^Related: every line with this order_id: ord-/ })
        .nth(20);
      const label = (await link.getAttribute('aria-label')) ?? '';
      const orderId = /(ord-[0-9a-f]+)$/.exec(label)?.[1] ?? '';
      expect(orderId).toMatch(/^ord-[0-9a-f]{12}$/);
      await link.click();

      const split = page.locator('section[aria-label="Split results"][data-state="done"]');
      await split.waitFor();
      await expect
        .poll(async () => JSON.parse((await page.locator('#split-query').textContent()) ?? '{}'))
        .toMatchObject({ queryType: 'related', correlationKey: 'order_id', correlationValue: orderId });
      const lines = split.getByRole('table', { name: 'Log lines' });
      const sources = await lines.locator('tbody tr td:nth-child(3)').allTextContents();
      expect(new Set(sources)).toEqual(new Set(['gcs', 'firestore', 'pods']));
      const messages = await lines.locator('tbody tr td:nth-child(5)').allTextContents();
      expect(messages.some((m) => m.includes(`order submitted ${orderId}`))).toBe(true);
      // Oldest first: the submission opens the timeline.
      const times = await lines.locator('tbody tr td:nth-child(1)').allTextContents();
      expect(times).toEqual([...times].sort());
      const timeline = split.getByRole('table', { name: `timeline order_id=${orderId}` });
      await expect(timeline.getByText('pods', { exact: true }).isVisible()).resolves.toBe(true);
      await shoot(page, `related-${theme}`);
      await page.close();
    },
    // The first page makes Vite compile the harness and Grafana's packages.
    90_000,
  );
});
