import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { expectNoAxeViolations, jsModes, newCitizenContext, usePortalAndBrowser } from './support/browser.js';
import { clickAndLoad, open, signInAsStaff, submitAndPayViaApi } from './support/pages.js';

/** WCAG 1.4.10 Reflow at 320 CSS pixels: the page itself never scrolls sideways (wide tables scroll in their own region). */
async function expectReflow(page: Page, name: string): Promise<void> {
  const scrollWidth = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(scrollWidth <= 320, `${name} scrolls horizontally at 320 px: ${scrollWidth}`);
}

describe('The team lead\'s statistics and retention report pass axe and reflow at 320 px', () => {
  const suite = usePortalAndBrowser();

  for (const mode of jsModes) {
    it(`statistics with figures, a refused period, and the retention report (${mode.name})`, async () => {
      const base = suite.portal.baseUrl;
      // The Meldebescheinigung is paid before the office sees it (ADR 0027).
      const payer = await newCitizenContext(suite.browser, { javaScriptEnabled: true });
      await submitAndPayViaApi(await payer.newPage(), base, 'meldebescheinigung', {
        person: { vorname: 'Erika', nachname: 'Mustermann', geburtsdatum: '1984-08-12', anschrift: { street: 'Lindenweg', houseNumber: '3', postcode: '45657', city: 'Musterstadt' } },
        art: { art: 'einfach' }, zustellung: { zustellung: 'post' }, kontakt: { email: 'erika@example.org' },
      });
      await payer.close();
      // axe runs as a script in the page, so it checks the pages with JavaScript on (they are the
      // same markup without it); without JavaScript the pass proves they work and reflow.
      const axe = (page: Page, name: string) => (mode.javaScriptEnabled ? expectNoAxeViolations(page, name) : Promise.resolve());
      const context = await newCitizenContext(suite.browser, { javaScriptEnabled: mode.javaScriptEnabled, width: 320 });
      const inbox = await signInAsStaff(context, base, suite.portal.credentialsFor('leitung.buergerbuero@musterstadt.example'));
      await clickAndLoad(inbox, inbox.getByRole('link', { name: 'Statistik', exact: true }));
      assert.ok((await inbox.getByRole('main').innerText()).includes('Meldebescheinigung'), 'the figures are shown');
      await axe(inbox, 'statistics');
      await expectReflow(inbox, 'statistics');
      await inbox.getByLabel('Eingang von').fill('31.02.2026');
      await clickAndLoad(inbox, inbox.getByRole('button', { name: 'Anzeigen' }));
      assert.equal(await inbox.getByRole('alert').count(), 1);
      await axe(inbox, 'statistics with an error');
      await expectReflow(inbox, 'statistics with an error');
      await open(inbox, `${base}/verwaltung/aufbewahrung`);
      await axe(inbox, 'retention report');
      await expectReflow(inbox, 'retention report');
      await context.close();
    });
  }
});
