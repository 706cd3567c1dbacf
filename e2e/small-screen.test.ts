import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { jsModes, usePortalAndBrowser, newCitizenContext, screenshot } from './support/browser.js';
import { clickAndLoad, continueStep, open, fillDemoAddress, signInAsStaff } from './support/pages.js';

/** WCAG 1.4.10 Reflow: at 320 CSS pixels nothing may need horizontal scrolling. */
async function expectNoHorizontalScroll(page: Page, name: string, shotPrefix: string): Promise<void> {
  await screenshot(page, `${shotPrefix}-${name}`);
  const { scrollWidth, clientWidth, offenders } = await page.evaluate(() => {
    const root = document.documentElement;
    const wide = [...document.querySelectorAll('body *')]
      .filter((el) => el.getBoundingClientRect().right > root.clientWidth + 0.5)
      .slice(0, 5)
      .map((el) => `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}.${[...el.classList].join('.')} (right ${Math.round(el.getBoundingClientRect().right)})`);
    return { scrollWidth: root.scrollWidth, clientWidth: root.clientWidth, offenders: wide };
  });
  assert.ok(scrollWidth <= 320, `${name} (${page.url()}) scrolls horizontally: scrollWidth ${scrollWidth} > 320 (client ${clientWidth}); too wide: ${offenders.join(', ')}`);
}

describe('At 320 px width every page reflows without horizontal scrolling', () => {
  const suite = usePortalAndBrowser();

  for (const mode of jsModes) {
    it(`home, catalog, service, form steps, errors, check page, receipt and staff sign-in fit (${mode.name})`, async () => {
      const prefix = mode.javaScriptEnabled ? 'js' : 'nojs';
      const context = await newCitizenContext(suite.browser, { javaScriptEnabled: mode.javaScriptEnabled });
      const page = await context.newPage();
      await page.setViewportSize({ width: 320, height: 800 });

      await open(page, `${suite.portal.baseUrl}/`);
      await expectNoHorizontalScroll(page, 'home', prefix);
      await open(page, `${suite.portal.baseUrl}/leistungen`);
      await expectNoHorizontalScroll(page, 'service-list', prefix);
      await open(page, `${suite.portal.baseUrl}/leistungen?q=hund`);
      await expectNoHorizontalScroll(page, 'search', prefix);
      await open(page, `${suite.portal.baseUrl}/leistungen/hund-anmelden`);
      await expectNoHorizontalScroll(page, 'service-page', prefix);

      // The dog step has the longest labels and a select with long options.
      await open(page, `${suite.portal.baseUrl}/leistungen/hund-anmelden/antrag`);
      await expectNoHorizontalScroll(page, 'form-step', prefix);

      // A step with errors, then the whole Meldebescheinigung to its check page and receipt.
      await open(page, `${suite.portal.baseUrl}/leistungen/meldebescheinigung/antrag`);
      await continueStep(page);
      assert.equal(await page.getByRole('alert').count(), 1);
      await expectNoHorizontalScroll(page, 'form-step-errors', prefix);
      await page.getByLabel('Vorname').fill('Erika');
      await page.getByLabel('Nachname').fill('Mustermann-Schmidt-Oberhausen');
      await page.getByLabel('Geburtsdatum').fill('12.08.1984');
      await page.getByLabel('Straße').fill('Bürgermeister-Heinrich-Kleinschmidt-Straße');
      await page.getByLabel('Hausnummer').fill('112b');
      await page.getByLabel('Postleitzahl').fill('45657');
      await page.getByLabel('Ort').fill('Musterstadt');
      await continueStep(page);
      await expectNoHorizontalScroll(page, 'form-step-radios', prefix);
      await page.getByLabel(/^Erweiterte Meldebescheinigung/).check();
      await continueStep(page);
      await page.getByLabel(/^Per Post/).check();
      await continueStep(page);
      await page.getByLabel('E-Mail-Adresse').fill('erika.mustermann-schmidt@beispiel-provider.example.org');
      await continueStep(page);
      assert.match(new URL(page.url()).pathname, /\/pruefen$/);
      await expectNoHorizontalScroll(page, 'check-page', prefix);
      await page.getByLabel('Ich bestätige die Erklärung.').check();
      await clickAndLoad(page, page.getByRole('button', { name: 'Antrag verbindlich absenden' }));
      assert.match(new URL(page.url()).pathname, /^\/eingang\//);
      await expectNoHorizontalScroll(page, 'receipt', prefix);

      // A repeatable group nests fieldsets, which eats width.
      await open(page, `${suite.portal.baseUrl}/leistungen/sperrmuell-anmeldung/antrag`);
      await fillDemoAddress(page);
      await continueStep(page);
      await clickAndLoad(page, page.getByRole('button', { name: 'Gegenstand hinzufügen' }));
      await expectNoHorizontalScroll(page, 'group-step', prefix);

      await open(page, `${suite.portal.baseUrl}/verwaltung/anmelden`);
      await expectNoHorizontalScroll(page, 'staff-login', prefix);
      await context.close();

      // The second-factor pages: the set-up with QR code and key at the first sign-in, the code at the next.
      const account = suite.portal.credentialsFor(mode.javaScriptEnabled ? 'ordnung@musterstadt.example' : 'gewerbe@musterstadt.example');
      for (const signIn of ['first', 'next']) {
        const staff = await newCitizenContext(suite.browser, { javaScriptEnabled: mode.javaScriptEnabled, width: 320 });
        const inbox = await signInAsStaff(staff, suite.portal.baseUrl, account, (p, name) => expectNoHorizontalScroll(p, name, prefix));
        await expectNoHorizontalScroll(inbox, `inbox-after-${signIn}-sign-in`, prefix);
        await staff.close();
      }
    });
  }
});
