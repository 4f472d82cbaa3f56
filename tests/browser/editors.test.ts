import path from 'node:path';

import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { HOUR, SCREENSHOTS, hasChromium, startBrowserRig, type BrowserRig } from './support.js';

let rig: BrowserRig;

/** The page over the demo data's last hour, which holds the error burst. */
async function open(theme: 'light' | 'dark'): Promise<Page> {
  const page = await rig.newPage({ viewport: { width: 1200, height: 900 } });
  const range = new URLSearchParams({
    theme,
    from: String(rig.backend.nowMs - HOUR),
    to: String(rig.backend.nowMs),
  });
  await page.goto(`${rig.baseUrl}?${range}`);
  await page.getByText('Query type').waitFor();
  return page;
}

// The harness renders the editor's state after React commits it: read it with expect.poll.
const runs = async (page: Page) => Number(await page.locator('#runs').textContent());
const query = async (page: Page) => JSON.parse((await page.locator('#query').textContent()) ?? '{}');

/** Waits until the results on the page are those of the latest run. */
async function settled(page: Page) {
  const results = page.locator(
    `section[aria-label="Query results"][data-state="done"][data-run="${await runs(page)}"]`,
  );
  await results.waitFor();
  return results;
}

async function pickSeverity(page: Page, severity: string): Promise<void> {
  await page.getByRole('combobox', { name: 'Severity' }).click();
  await page.getByRole('listbox').getByText(severity, { exact: true }).click();
  await page.keyboard.press('Escape');
}

const shoot = (page: Page, name: string) =>
  page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });

describe.skipIf(!hasChromium)('data-source editors and results in Chromium, against the real backend', () => {
  beforeAll(async () => {
    rig = await startBrowserRig();
  }, 180_000);

  afterAll(() => rig?.close());

  it.each(['light', 'dark'] as const)(
    'renders both editors in the %s theme',
    async (theme) => {
      const page = await open(theme);
      await expect(page.getByLabel('Read token').inputValue()).resolves.toBe('configured');
      await expect(page.getByLabel('Summary token').inputValue()).resolves.toBe('configured');
      await expect(page.getByRole('button', { name: 'Reset' }).count()).resolves.toBe(2);
      await expect(page.getByLabel('Maximum lines').getAttribute('placeholder')).resolves.toBe('1000');
      await expect(page.getByRole('radio', { name: 'All' }).isChecked()).resolves.toBe(true);
      await expect(page.getByText('Run the query to see its results.').isVisible()).resolves.toBe(true);
      await shoot(page, `editors-${theme}`);
      await page.close();
    },
    120_000,
  );

  it.each(['light', 'dark'] as const)(
    'picks a source and a severity, runs, and shows the burst errors in the %s theme',
    async (theme) => {
      const page = await open(theme);
      await page.getByRole('radio', { name: 'Pods' }).click();
      await expect(page.getByLabel('Label selector').isVisible()).resolves.toBe(true);
      await pickSeverity(page, 'ERROR');
      await expect.poll(() => query(page)).toMatchObject({ source: 'pods', severities: ['ERROR'] });

      const results = await settled(page);
      const table = results.getByRole('table', { name: 'Log lines' });
      await expect(results.getByRole('alert').count()).resolves.toBe(0);
      // The demo's burst: the broker answers 503 and every trader order fails.
      await expect(
        table
          .getByText(/order submission failed for [A-Z]+: broker returned 503/)
          .first()
          .isVisible(),
      ).resolves.toBe(true);
      const levels = await table.locator('tbody tr td:nth-child(2)').allTextContents();
      expect(levels.length).toBeGreaterThan(5);
      expect(new Set(levels)).toEqual(new Set(['ERROR']));
      const sources = await table.locator('tbody tr td:nth-child(3)').allTextContents();
      expect(new Set(sources)).toEqual(new Set(['pods']));
      await expect(results.getByText(`${levels.length} lines`).isVisible()).resolves.toBe(true);

      // The volume above the lines counts only what the filters let through.
      const legend = await results.locator('figcaption [data-severity]').allTextContents();
      expect(legend).toHaveLength(1);
      expect(legend[0]).toMatch(/ERROR (\d+)$/);
      expect(Number(/(\d+)$/.exec(legend[0] ?? '')?.[1])).toBeGreaterThanOrEqual(levels.length);
      await expect(results.locator('svg rect').count()).resolves.toBeGreaterThan(0);

      await shoot(page, `results-${theme}`);
      await page.close();
    },
  );

  it.each(['light', 'dark'] as const)(
    "opens a trade's details with its record's fields in the %s theme, and filters the source out through the plugin",
    async (theme) => {
      const page = await open(theme);
      await page.getByRole('radio', { name: 'GCS' }).click();
      const results = await settled(page);
      const table = results.getByRole('table', { name: 'Log lines' });
      const sources = await table.locator('tbody tr td:nth-child(3)').allTextContents();
      expect(new Set(sources)).toEqual(new Set(['gcs']));

      // A trade from the GCS archive: its details show the record's own fields.
      const trade = table.locator('tbody tr', { hasText: /(BUY|SELL) \d+ [A-Z]+ @/ }).first();
      await trade.getByRole('button', { name: /^Details of line/ }).click();
      const details = results.getByRole('region', { name: 'Log details' });
      const fields = details.getByRole('table', { name: 'Fields' });
      for (const name of ['order_id', 'qty', 'price']) {
        await expect(fields.getByRole('cell', { name, exact: true }).isVisible()).resolves.toBe(true);
      }
      const labels = details.getByRole('table', { name: 'Labels' });
      await expect(labels.getByRole('cell', { name: 'symbol', exact: true }).isVisible()).resolves.toBe(true);
      await shoot(page, `log-details-${theme}`);

      // "Filter out source=gcs" while GCS is the source: the other sources, not nothing.
      await details.getByRole('button', { name: 'Filter out source=gcs' }).click();
      await expect
        .poll(() => query(page))
        .toMatchObject({
          source: 'all',
          labels: [{ name: 'source', op: '!=', value: 'gcs' }],
        });
      const others = await settled(page);
      const after = await others
        .getByRole('table', { name: 'Log lines' })
        .locator('tbody tr td:nth-child(3)')
        .allTextContents();
      expect(after.length).toBeGreaterThan(0);
      expect(new Set(after).has('gcs')).toBe(false);
      await page.close();
    },
    120_000,
  );

  it("shows the backend's reason when a query fails", async () => {
    const page = await open('dark');
    await page.getByLabel('Search is a regular expression').click({ force: true });
    await page.getByLabel('Search text').fill('order (rejected');
    await page.getByLabel('Search text').press('Enter');
    await expect.poll(() => query(page)).toMatchObject({ search: 'order (rejected', regex: true });

    const results = await settled(page);
    // The lines and their volume histogram both fail, each with the same readable reason.
    await expect(results.getByRole('alert').count()).resolves.toBe(2);
    const alert = results.getByRole('alert', { name: 'Query A failed: Bad Request' });
    await expect(alert.isVisible()).resolves.toBe(true);
    await expect(alert.textContent()).resolves.toMatch(
      /search: invalid regular expression \(RE2 syntax\): missing closing \)/,
    );
    await expect(results.getByRole('table').count()).resolves.toBe(0);
    await shoot(page, 'query-error-dark');
    await page.close();
  });

  it('runs a typed search on Enter only, from the keyboard', async () => {
    const page = await open('dark');
    await page.getByLabel('Search text').focus();
    await page.keyboard.type('order rejected');
    expect(await runs(page)).toBe(0);
    await page.keyboard.press('Enter');
    await expect.poll(() => runs(page)).toBe(1);
    await expect.poll(async () => (await query(page)).search).toBe('order rejected');

    // Radio groups move with the arrow keys, as in Grafana.
    await page.getByRole('radio', { name: 'Logs' }).focus();
    await page.keyboard.press('ArrowRight');
    await expect.poll(async () => (await query(page)).queryType).toBe('volume');
    await page.close();
  });

  it('suggests namespaces from the backend and dashboard variables in the list', async () => {
    const page = await open('dark');
    await page.getByRole('radio', { name: 'Pods' }).click();
    await page.getByRole('combobox', { name: 'Namespace' }).click();
    const listbox = page.getByRole('listbox');
    await listbox.getByText('gpt-runner').waitFor();
    await expect(listbox.getByText('$pod').isVisible()).resolves.toBe(true);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'namespace-suggestions-dark.png') });
    await listbox.getByText('gpt-runner').click();
    await expect.poll(async () => (await query(page)).namespace).toBe('gpt-runner');
    await page.close();
  });
});
