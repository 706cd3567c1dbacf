import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { BrowserContext, Page } from 'playwright-core';
import { checkPage, jsModes, newCitizenContext, usePortalAndBrowser } from './support/browser.js';
import { clickAndLoad, open, signInAsStaff, waitForMail } from './support/pages.js';

/** Files a street light report through the form (past the duplicate hint); returns its id. */
async function fileReport(context: BrowserContext, base: string, report: { street: string; description: string; email: string }): Promise<string> {
  const page = await context.newPage();
  await open(page, `${base}/maengel/melden`);
  await page.getByLabel('Was möchten Sie melden?').selectOption('strassenbeleuchtung');
  await page.getByLabel(/^Straße/).selectOption({ label: report.street });
  await page.getByLabel('Beschreibung').fill(report.description);
  await page.getByLabel(/^E-Mail-Adresse für Rückmeldungen/).fill(report.email);
  await clickAndLoad(page, page.getByRole('button', { name: 'Meldung absenden' }));
  if (await page.getByRole('button', { name: 'Als neue Meldung absenden' }).count() > 0) {
    await clickAndLoad(page, page.getByRole('button', { name: 'Als neue Meldung absenden' }));
  }
  const id = page.url().match(/\/maengel\/([0-9a-f-]{36})\/eingang$/)?.[1];
  assert.ok(id, page.url());
  await page.close();
  return id;
}

describe('Mängelmelder back office: a suspected spam report waits for a clerk, a duplicate is merged, and "not fixed" reopens', () => {
  // Follow-up questions at once instead of four weeks after "done".
  const suite = usePortalAndBrowser({ env: { REPORT_FOLLOW_UP_DAYS: '0' } });

  for (const mode of jsModes) {
    it(`moderation queue, merge with a refused attempt, follow-up answered "no"; every page passes axe and fits 320 px (${mode.name})`, async () => {
      const prefix = `maengel-flow-${mode.javaScriptEnabled ? 'js' : 'nojs'}`;
      const check = (page: Page, name: string) => checkPage(page, name, { javaScript: mode.javaScriptEnabled, shotPrefix: prefix });
      const base = suite.portal.baseUrl;
      const street = mode.javaScriptEnabled ? 'Lindenweg' : 'Schulstraße';
      const emails = [1, 2].map((n) => `laterne${n}-${mode.javaScriptEnabled ? 'js' : 'nojs'}@example.org`);

      const citizens = await newCitizenContext(suite.browser, { javaScriptEnabled: mode.javaScriptEnabled });
      const first = await fileReport(citizens, base, { street, description: 'Laterne dunkel. Reparatur-Angebote unter www.laternen-service.example', email: emails[0]! });
      const visitor = await citizens.newPage();
      await open(visitor, `${base}/maengel`);
      assert.equal((await visitor.content()).includes(first), false, 'not in the public list');
      assert.equal((await visitor.goto(`${base}/maengel/${first}`))?.status(), 404, 'no public page');

      const staffContext = await newCitizenContext(suite.browser, { javaScriptEnabled: mode.javaScriptEnabled });
      const clerk = await signInAsStaff(staffContext, base, suite.portal.credentialsFor('bau@musterstadt.example'));
      await open(clerk, `${base}/verwaltung/maengel`);
      await clickAndLoad(clerk, clerk.getByRole('link', { name: 'Zu prüfen' }));
      await check(clerk, 'moderation-queue');
      await clickAndLoad(clerk, clerk.locator(`a[href="/verwaltung/maengel/${first}"]`));
      assert.ok((await clerk.content()).includes('Der Text enthält einen Link.'));
      await check(clerk, 'staff-report-held');
      await clickAndLoad(clerk, clerk.getByRole('button', { name: 'Kein Spam: veröffentlichen' }));
      assert.ok((await clerk.content()).includes('Geprüft: veröffentlicht'));
      assert.equal((await visitor.goto(`${base}/maengel/${first}`))?.status(), 200, 'public once approved');

      // The same street light again, from another browser: merged into the first.
      const second = await fileReport(await newCitizenContext(suite.browser, { javaScriptEnabled: mode.javaScriptEnabled }), base, { street, description: 'Die Laterne ist seit Tagen aus.', email: emails[1]! });
      await open(clerk, `${base}/verwaltung/maengel/${second}`);
      await clerk.getByLabel('Meldung, in die diese zusammengeführt wird').fill('die Laterne von gestern');
      const refused = await clickAndLoad(clerk, clerk.getByRole('button', { name: 'Zusammenführen' }));
      assert.equal(refused?.status(), 422);
      assert.equal(await clerk.getByLabel('Meldung, in die diese zusammengeführt wird').inputValue(), 'die Laterne von gestern', 'what was typed is kept');
      await check(clerk, 'merge-refused');
      await clerk.getByLabel('Meldung, in die diese zusammengeführt wird').fill(`${base}/maengel/${first}`);
      await clickAndLoad(clerk, clerk.getByRole('button', { name: 'Zusammenführen' }));
      assert.ok((await clerk.content()).includes('Als Doppelung zusammengeführt'));
      await check(clerk, 'staff-report-merged');
      await open(visitor, `${base}/maengel/${second}`);
      assert.ok(visitor.url().endsWith(`/maengel/${first}`), 'the duplicate\'s page leads to the first report');

      await open(clerk, `${base}/verwaltung/maengel/${first}`);
      await clerk.getByLabel('Neuer Stand').selectOption('done');
      await clickAndLoad(clerk, clerk.getByRole('button', { name: 'Stand speichern' }));
      // Both reporters hear of it; the first one is asked whether it is really fixed.
      await waitForMail(visitor, base, [emails[1]!, 'Erledigt']);
      const question = await waitForMail(visitor, base, [emails[0]!, 'Ist der Mangel behoben?']);
      const link = question.match(/http:\/\/\S+\/maengel\/nachfrage\/[A-Za-z0-9_-]{43}/)?.[0];
      assert.ok(link, question);
      const reporter = await citizens.newPage();
      await open(reporter, link);
      await check(reporter, 'follow-up-question');
      await clickAndLoad(reporter, reporter.getByRole('button', { name: 'Nein, nicht behoben' }));
      assert.ok((await reporter.content()).includes('wieder in Bearbeitung'));
      await check(reporter, 'follow-up-answered');
      await open(clerk, `${base}/verwaltung/maengel/${first}`);
      assert.ok((await clerk.content()).includes('Wieder geöffnet'));
      await citizens.close();
      await staffContext.close();
    });
  }

  for (const mode of jsModes) {
    it(`an alert on new reports: form, refused input, confirmation by the mailed link pass axe and fit 320 px (${mode.name})`, async () => {
      const check = (page: Page, name: string) => checkPage(page, name, { javaScript: mode.javaScriptEnabled, shotPrefix: `maengel-alert-${mode.javaScriptEnabled ? 'js' : 'nojs'}` });
      const base = suite.portal.baseUrl;
      const email = `alarm-${mode.javaScriptEnabled ? 'js' : 'nojs'}@example.org`;
      const context = await newCitizenContext(suite.browser, { javaScriptEnabled: mode.javaScriptEnabled });
      const page = await context.newPage();
      await open(page, `${base}/maengel`);
      await clickAndLoad(page, page.getByRole('link', { name: 'Über neue Meldungen benachrichtigt werden' }));
      await check(page, 'alert-form');
      await page.getByLabel('E-Mail-Adresse').fill(email);
      await page.getByLabel(/^Oder in einem Kartenausschnitt/).fill('7.1,51.5');
      const refused = await clickAndLoad(page, page.getByRole('button', { name: 'Benachrichtigung anfordern' }));
      assert.equal(refused?.status(), 422);
      await check(page, 'alert-form-errors');
      await page.getByLabel(/^Oder in einem Kartenausschnitt/).fill('');
      await page.getByLabel(/^Art der Meldung/).selectOption('papierkorb');
      await clickAndLoad(page, page.getByRole('button', { name: 'Benachrichtigung anfordern' }));
      assert.ok((await page.content()).includes('Fast geschafft'));
      await check(page, 'alert-requested');
      const mail = await waitForMail(page, base, [email, 'bestätigen']);
      const link = mail.match(/http:\/\/\S+\/maengel\/benachrichtigungen\/[A-Za-z0-9_-]{43}/)?.[0];
      assert.ok(link, mail);
      await open(page, link);
      await check(page, 'alert-confirm');
      await clickAndLoad(page, page.getByRole('button', { name: 'Ja, bestätigen' }));
      assert.ok((await page.content()).includes('ist bestätigt'));
      await check(page, 'alert-confirmed');
      await context.close();
    });
  }
});
