import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { checkPage, jsModes, launchBrowser, newCitizenContext } from './support/browser.js';
import { clickAndLoad, open } from './support/pages.js';
import { freePort, runCliOn, startPortal, type RunningPortal } from './support/server.js';

describe('Paying a fee through the sandbox provider', () => {
  let portal: RunningPortal;
  let browser: Browser;
  let dataDir: string;
  const paymentPages: string[] = [];

  before(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'rathaus-e2e-payment-'));
    const port = await freePort();
    await (await startPortal({ dataDir, port })).stop();
    for (const _ of jsModes) {
      const out = await runCliOn(dataDir, ['payment', 'create', '--tenant', 'musterstadt', '--purpose', 'Meldebescheinigung', '--description', 'Gebühr für eine einfache Meldebescheinigung', '--amount-cents', '700', '--continue', '/leistungen']);
      paymentPages.push(out.match(/Payment page: (\/zahlung\/[0-9a-f-]{36})/)![1]!);
    }
    [portal, browser] = await Promise.all([startPortal({ dataDir, port }), launchBrowser()]);
  });
  after(async () => {
    await browser?.close();
    await portal?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  jsModes.forEach((mode, i) => {
    it(`pays on the sandbox page and shows the payment paid (${mode.name})`, async () => {
      const options = { javaScript: mode.javaScriptEnabled, shotPrefix: `payment-${mode.javaScriptEnabled ? 'js' : 'nojs'}` };
      const context = await newCitizenContext(browser, { javaScriptEnabled: mode.javaScriptEnabled });
      const page = await context.newPage();
      await open(page, `${portal.baseUrl}${paymentPages[i]}`);
      assert.match(await page.locator('main').innerText(), /7,00\s€/);
      await checkPage(page, 'payment-open', options);
      await clickAndLoad(page, page.getByRole('button', { name: 'Jetzt bezahlen' }));
      assert.match(page.url(), /\/zahlung\/sandbox\/[0-9a-f-]{36}$/);
      await checkPage(page, 'sandbox-page', options);
      await clickAndLoad(page, page.getByRole('button', { name: 'Bezahlen', exact: true }));
      // Back from the provider: the portal asked it, so the page says paid whether or not the notification came first.
      assert.match(page.url(), new RegExp(`${paymentPages[i]}$`));
      assert.match(await page.locator('main').innerText(), /Vielen Dank, die Zahlung ist eingegangen/);
      assert.match(await page.locator('main').innerText(), /SBX-[0-9]{9}/);
      await checkPage(page, 'payment-paid', options);
      await clickAndLoad(page, page.getByRole('link', { name: 'Weiter' }));
      assert.match(page.url(), /\/leistungen$/);
      await context.close();
    });
  });
});
