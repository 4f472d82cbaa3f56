import path from 'node:path';

import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { SCREENSHOTS, hasChromium, openEditors, startBrowserRig, type BrowserRig } from './support.js';

let rig: BrowserRig;

/** The editor over the demo data's last hour, tall enough for the open browser. */
const open = (theme: 'light' | 'dark'): Promise<Page> =>
  openEditors(rig, theme, { width: 1200, height: 1000 });

const query = async (page: Page) => JSON.parse((await page.locator('#query').textContent()) ?? '{}');

describe.skipIf(!hasChromium)('the label browser in Chromium, against the real backend', () => {
  beforeAll(async () => {
    rig = await startBrowserRig();
  }, 180_000);

  afterAll(() => rig?.close());

  it.each(['light', 'dark'] as const)(
    'builds a filter from label names and values in the %s theme',
    async (theme) => {
      const page = await open(theme);
      await page.getByRole('button', { name: 'Label browser' }).click();
      const names = page.getByRole('listbox', { name: 'Label names' });
      await names.getByRole('option', { name: 'symbol', exact: true }).waitFor();
      for (const name of ['order_id', 'pod', 'source', 'severity', 'strategy']) {
        await expect(names.getByRole('option', { name, exact: true }).count()).resolves.toBe(1);
      }
      await names.getByRole('option', { name: 'symbol', exact: true }).click();

      const values = page.getByRole('listbox', { name: 'Values of symbol' });
      await values.getByRole('option').first().waitFor();
      const offered = await values.getByRole('option').allTextContents();
      expect(offered.length).toBeGreaterThan(1);
      // Each value shows how many entries carry it: a ticker, then a count.
      for (const text of offered) expect(text).toMatch(/^[A-Z]+\d+$/);
      const [first, second] = offered.map((text) => text.replace(/\d+$/, ''));
      await values.getByRole('option').nth(0).click();
      await values.getByRole('option').nth(1).click();
      await expect(page.getByLabel('Resulting filter').textContent()).resolves.toBe(
        `symbol=~${first}|${second}`,
      );
      await page.screenshot({ path: path.join(SCREENSHOTS, `label-browser-${theme}.png`), fullPage: true });

      await page.getByRole('button', { name: 'Add filter', exact: true }).click();
      await expect
        .poll(async () => (await query(page)).labels)
        .toEqual([{ name: 'symbol', op: '=~', value: `${first}|${second}` }]);
      await expect(page.getByLabel('Label 1 name').inputValue()).resolves.toBe('symbol');
      await page.close();
    },
    90_000,
  );

  it('suggests label values with their counts in a filter row, and keeps free text', async () => {
    const page = await open('dark');
    await page.getByRole('button', { name: 'Add label filter' }).click();
    await page.getByLabel('Label 1 name').click();
    // The list is long (and virtualised): typing narrows it, as a user would.
    await page.keyboard.type('sid');
    await page.getByRole('listbox').getByText('side', { exact: true }).click();
    await expect.poll(async () => (await query(page)).labels?.[0]?.name).toBe('side');

    await page.getByLabel('Label 1 value').click();
    const listbox = page.getByRole('listbox');
    await listbox.getByText('buy', { exact: true }).waitFor();
    await expect(
      listbox
        .getByText(/^\d+ entries$/)
        .first()
        .isVisible(),
    ).resolves.toBe(true);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'label-value-suggestions-dark.png') });
    await page.keyboard.type('$severity');
    await listbox.getByText('$severity', { exact: true }).click();
    await expect.poll(async () => (await query(page)).labels?.[0]?.value).toBe('$severity');
    await page.close();
  }, 90_000);
});
