import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { checkPage, jsModes, launchBrowser, newCitizenContext } from './support/browser.js';
import { openUnreadMessage, registerAndSignIn } from './support/accounts.js';
import { clickAndLoad, continueStep, fillDate, open, signInAsStaff } from './support/pages.js';
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

/** Fills in a Meldebescheinigung as a newcomer up to its check page. */
async function applyForMeldebescheinigung(page: Page, baseUrl: string, name: string): Promise<void> {
  await open(page, `${baseUrl}/leistungen/meldebescheinigung/antrag`);
  await page.getByLabel('Vorname').fill(name);
  await page.getByLabel('Nachname').fill('Neuzugezogen');
  await fillDate(page.getByLabel('Geburtsdatum'), '17.05.1990');
  await page.getByLabel('Straße').fill('Lindenweg');
  await page.getByLabel('Hausnummer').fill('3');
  await page.getByLabel('Postleitzahl').fill('45657');
  await page.getByLabel('Ort').fill('Musterstadt');
  await continueStep(page);
  await page.getByLabel(/^Einfache Meldebescheinigung/).check();
  await continueStep(page);
  await page.getByLabel(/^Per Post/).check();
  await continueStep(page);
  await page.getByLabel('E-Mail-Adresse').fill('neu@example.org');
  await continueStep(page);
  assert.match(new URL(page.url()).pathname, /\/pruefen$/);
}

describe('A newcomer pays the Meldebescheinigung online before the office sees it', () => {
  let portal: RunningPortal;
  let browser: Browser;
  let dataDir: string;

  before(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'rathaus-e2e-pay-before-'));
    [portal, browser] = await Promise.all([startPortal({ dataDir, port: await freePort() }), launchBrowser()]);
  });
  after(async () => {
    await browser?.close();
    await portal?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  jsModes.forEach((mode) => {
    // Without JavaScript the first attempt fails and is paid again; with it, the payment goes through at once.
    const failFirst = !mode.javaScriptEnabled;
    it(`applies, pays through the sandbox${failFirst ? ' after a failed attempt' : ''}, the clerk sees it paid and the finance CSV lists it (${mode.name})`, async () => {
      const options = { javaScript: mode.javaScriptEnabled, shotPrefix: `pay-before-${mode.javaScriptEnabled ? 'js' : 'nojs'}` };
      const base = portal.baseUrl;
      const context = await newCitizenContext(browser, { javaScriptEnabled: mode.javaScriptEnabled });
      const page = await context.newPage();
      await applyForMeldebescheinigung(page, base, mode.javaScriptEnabled ? 'Jana' : 'Nora');
      const main = () => page.locator('main').innerText();
      assert.match(await main(), /Gebühr je Bescheinigung\s+10,00\s€/);
      assert.match(await main(), /Sie bezahlen die Gebühr gleich nach dem Absenden online/);
      await checkPage(page, 'check-with-fee', options);
      await page.getByLabel('Ich bestätige die Erklärung.').check();
      await clickAndLoad(page, page.getByRole('button', { name: 'Antrag verbindlich absenden' }));
      assert.match(new URL(page.url()).pathname, /^\/zahlung\/[0-9a-f-]{36}$/);
      assert.match(await main(), /10,00\s€/);
      await checkPage(page, 'application-payment', options);

      await clickAndLoad(page, page.getByRole('button', { name: 'Jetzt bezahlen' }));
      if (failFirst) {
        await clickAndLoad(page, page.getByRole('button', { name: 'Zahlung scheitern lassen' }));
        assert.match(await main(), /Die Zahlung wurde nicht abgeschlossen/);
        await checkPage(page, 'payment-failed', options);
        await clickAndLoad(page, page.getByRole('link', { name: 'Weiter' }));
        assert.match(new URL(page.url()).pathname, /^\/eingang\//);
        assert.match(await main(), /Die Zahlung von 10,00\s€ ist nicht abgeschlossen/);
        await checkPage(page, 'receipt-payment-failed', options);
        await clickAndLoad(page, page.getByRole('button', { name: 'Erneut bezahlen' }));
        await clickAndLoad(page, page.getByRole('button', { name: 'Jetzt bezahlen' }));
      }
      await clickAndLoad(page, page.getByRole('button', { name: 'Bezahlen', exact: true }));
      assert.match(await main(), /Vielen Dank, die Zahlung ist eingegangen/);
      const kassenzeichen = (await main()).match(/SBX-[0-9]{9}/)![0];
      await clickAndLoad(page, page.getByRole('link', { name: 'Weiter' }));
      assert.match(await main(), /Die Gebühr von 10,00\s€ ist bezahlt/);
      const reference = (await page.getByTestId('reference').innerText()).trim();
      await checkPage(page, 'receipt-paid', options);
      await context.close();

      const staff = await newCitizenContext(browser, { javaScriptEnabled: mode.javaScriptEnabled });
      const clerk = await signInAsStaff(staff, base, portal.credentialsFor('buergerbuero@musterstadt.example'));
      await clickAndLoad(clerk, clerk.getByRole('link', { name: reference, exact: true }));
      const payments = clerk.locator('section[aria-labelledby="zahlungen"]');
      assert.match(await payments.innerText(), /Bezahlt/);
      assert.match(await payments.innerText(), /10,00\s€/);
      assert.ok((await payments.innerText()).includes(kassenzeichen));
      await checkPage(clerk, 'case-with-payment', options);
      await staff.close();

      const office = await newCitizenContext(browser, { javaScriptEnabled: mode.javaScriptEnabled });
      const admin = await signInAsStaff(office, base, portal.credentialsFor('admin@musterstadt.example'));
      await open(admin, `${base}/verwaltung/zahlungen`);
      await clickAndLoad(admin, admin.getByRole('button', { name: 'Zahlungen anzeigen' }));
      await checkPage(admin, 'finance-export', options);
      const href = await admin.getByRole('link', { name: 'CSV-Datei herunterladen' }).getAttribute('href');
      const csv = await (await office.request.get(`${base}${href}`)).text();
      const line = csv.split('\r\n').find((l) => l.includes(kassenzeichen));
      assert.ok(line, `the finance CSV lists ${kassenzeichen}`);
      assert.match(line, /"10,00";"EUR";"1100";"431100";"1.1100.431100";"bezahlt"$/);
      await office.close();
    });
  });

  it('delivers the payment confirmation into the postbox of an applicant signed in to their account (without JavaScript)', async () => {
    const options = { javaScript: false, shotPrefix: 'pay-before-postbox' };
    const base = portal.baseUrl;
    const context = await newCitizenContext(browser, { javaScriptEnabled: false });
    const page = await context.newPage();
    await registerAndSignIn(page, base);
    await applyForMeldebescheinigung(page, base, 'Konstanze');
    await page.getByLabel('Ich bestätige die Erklärung.').check();
    await clickAndLoad(page, page.getByRole('button', { name: 'Antrag verbindlich absenden' }));
    await clickAndLoad(page, page.getByRole('button', { name: 'Jetzt bezahlen' }));
    await clickAndLoad(page, page.getByRole('button', { name: 'Bezahlen', exact: true }));
    assert.match(await page.locator('main').innerText(), /Vielen Dank, die Zahlung ist eingegangen/);

    await openUnreadMessage(page, base, /^Bestätigung Ihrer Zahlung zum Antrag/, (p, name) => checkPage(p, name, options));
    assert.match(await page.locator('main').innerText(), /Ihre Zahlung von 10,00\s€ ist eingegangen/);
    await checkPage(page, 'postbox-payment-confirmation', options);
    const pdf = await context.request.get(`${base}${await page.getByRole('link', { name: 'Zahlungsbestätigung herunterladen (PDF)' }).getAttribute('href')}`);
    assert.equal(pdf.headers()['content-type'], 'application/pdf');
    await context.close();
  });
});

