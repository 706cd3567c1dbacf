import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { checkPage, expectNoAxeViolations, newCitizenContext, usePortalAndBrowser } from './support/browser.js';
import { clickAndLoad, mailedLinkFor, open, openLocationSettings, sendPastFriction, signInAsStaff, waitForMail } from './support/pages.js';

const weekdays = ['Montag', 'Dienstag', 'Mittwoch', 'Donnerstag', 'Freitag', 'Samstag', 'Sonntag'];
const freeTimes = '/termine/freie-zeiten?p_meldebescheinigung=1';

describe('The waiting list and a blocked counter at the Bürgerbüro', () => {
  const suite = usePortalAndBrowser();
  /** The slot the first booker confirmed (then cancels), as its booking link's start. */
  let bookedStart: string;

  /**
   * The town admin makes the Bürgerbüro small: one counter, open 00:00–00:20 every day, bookable
   * today and tomorrow without lead time. So a few bookings take every free time.
   */
  async function shrinkBuergerbuero(): Promise<void> {
    const context = await newCitizenContext(suite.browser, { javaScriptEnabled: true });
    const page = await openLocationSettings(context, suite.portal, 'Bürgerbüro im Rathaus');
    await page.getByLabel('Vorlauf (Stunden)').fill('0');
    await page.getByLabel('Buchbar bis (Tage im Voraus)').fill('1');
    await clickAndLoad(page, page.getByRole('button', { name: 'Speichern', exact: true }));
    assert.ok((await page.getByRole('main').innerText()).includes('Die Angaben wurden gespeichert.'));
    for (const day of weekdays) await page.getByLabel(day).fill('00:00–00:20');
    await clickAndLoad(page, page.getByRole('button', { name: 'Öffnungszeiten speichern' }));
    assert.ok((await page.getByRole('main').innerText()).includes('Die Öffnungszeiten wurden gespeichert.'));
    await clickAndLoad(page, page.getByRole('button', { name: 'Deaktivieren Schalter 2' }));
    await context.close();
  }

  /** Reserves every free time for a Meldebescheinigung (the first one confirmed); returns the first's management link. */
  async function bookEverything(page: Page): Promise<string> {
    const base = suite.portal.baseUrl;
    let manageLink = '';
    for (let i = 0; ; i++) {
      await open(page, `${base}${freeTimes}`);
      const time = page.locator('main a[href^="/termine/buchen"]').first();
      if ((await time.count()) === 0) break;
      if (i === 0) bookedStart = new URL(await time.getAttribute('href') ?? '', base).searchParams.get('beginn')!;
      await clickAndLoad(page, time);
      await page.getByLabel('Ihr Name').fill(`Bucher ${i}`);
      await page.getByLabel('Ihre E-Mail-Adresse').fill(`bucher-${i}@example.org`);
      await clickAndLoad(page, page.getByRole('button', { name: 'Termin vormerken' }));
      if (i > 0) continue;
      const link = await mailedLinkFor(page, base, 'bucher-0@example.org', '/termine/bestaetigen');
      await open(page, link.replace(/^http:\/\/[^/]+/, base));
      await clickAndLoad(page, page.getByRole('button', { name: 'Termin buchen' }));
      manageLink = (await waitForMail(page, base, ['bucher-0@example.org', 'Ihr Termin ist gebucht'])).match(/http:\/\/\S+\/termine\/verwalten\/[A-Za-z0-9_-]{43}/)![0].replace(/^http:\/\/[^/]+/, base);
    }
    assert.ok(manageLink, 'at least one free time to book');
    return manageLink;
  }

  before(shrinkBuergerbuero);

  it('joins the list when nothing is free, is offered a cancelled time by mail and books it (without JavaScript)', async () => {
    const base = suite.portal.baseUrl;
    const check = (page: Page) => (name: string) => checkPage(page, name, { javaScript: false, shotPrefix: 'nojs' });
    // The bookers book with JavaScript: its proof of work passes the booking step's friction at once.
    const bookerContext = await newCitizenContext(suite.browser, { javaScriptEnabled: true });
    const booker = await bookerContext.newPage();
    const manageLink = await bookEverything(booker);

    const context = await newCitizenContext(suite.browser, { javaScriptEnabled: false });
    const page = await context.newPage();
    await open(page, `${base}${freeTimes}`);
    assert.ok((await page.getByRole('main').innerText()).includes('In den nächsten Wochen ist hier kein Termin frei.'));
    await clickAndLoad(page, page.getByRole('link', { name: 'Kein Termin frei? Auf die Warteliste setzen' }));
    await check(page)('waitlist-join');
    await page.getByLabel('Ihre E-Mail-Adresse').fill('warte(at)example.org');
    await clickAndLoad(page, page.getByRole('button', { name: 'Auf die Warteliste setzen' }));
    assert.equal(await page.getByRole('alert').count(), 1);
    assert.equal(await page.getByLabel('Ihre E-Mail-Adresse').inputValue(), 'warte(at)example.org');
    await check(page)('waitlist-join-errors');
    await page.getByLabel('Ihr Name').fill('Wanda Warte');
    await page.getByLabel('Ihre E-Mail-Adresse').fill('warte@example.org');
    // Joining carries the booking step's friction: without JavaScript, 8 seconds after opening the form.
    await sendPastFriction(page, 'Auf die Warteliste setzen');
    assert.ok((await page.getByRole('main').innerText()).includes('Bitte bestätigen Sie Ihre E-Mail-Adresse'));
    await check(page)('waitlist-joined');

    const optin = await mailedLinkFor(page, base, 'warte@example.org', '/termine/warteliste/bestaetigen');
    await open(page, optin.replace(/^http:\/\/[^/]+/, base));
    await check(page)('waitlist-optin');
    await clickAndLoad(page, page.getByRole('button', { name: 'Eintragung bestätigen' }));
    assert.ok((await page.getByRole('main').innerText()).includes('Sie stehen auf der Warteliste'));

    // The first booker cancels: the time is offered to the waiting list, and nobody else sees it free.
    await open(booker, manageLink);
    await clickAndLoad(booker, booker.getByRole('button', { name: 'Termin absagen' }));
    const offer = await waitForMail(page, base, ['warte@example.org', 'Ein Termin ist für Sie frei geworden']);
    assert.ok(!offer.includes('Wanda Warte'), 'the mail names no one');
    await open(booker, `${base}${freeTimes}`);
    assert.equal(await booker.locator('main a[href^="/termine/buchen"]').count(), 0, 'the offered time is held for the waiting citizen alone');
    const link = offer.match(/http:\/\/\S+\/termine\/bestaetigen\/[A-Za-z0-9_-]{43}/)![0];
    await open(page, link.replace(/^http:\/\/[^/]+/, base));
    await clickAndLoad(page, page.getByRole('button', { name: 'Termin buchen' }));
    assert.ok((await page.getByRole('main').innerText()).includes('Ihr Termin ist gebucht'));
    await waitForMail(page, base, ['warte@example.org', 'Ihr Termin ist gebucht']);
    await bookerContext.close();
    await context.close();
  });

  it('lets the clerk block the counter for the day: the citizen gets the reason and a link to free times (with JavaScript)', async () => {
    const base = suite.portal.baseUrl;
    const context = await newCitizenContext(suite.browser, { javaScriptEnabled: true });
    const clerk = await signInAsStaff(context, base, suite.portal.credentialsFor('buergerbuero@musterstadt.example'));
    await clickAndLoad(clerk, clerk.getByRole('link', { name: 'Termine und Aufruf im Bürgerbüro' }));
    await clickAndLoad(clerk, clerk.getByRole('link', { name: 'Schalter sperren' }));
    await checkPage(clerk, 'counter-block', { javaScript: true, shotPrefix: 'js' });
    const day = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Berlin' }).format(new Date(bookedStart));
    await clerk.getByLabel('Schalter', { exact: true }).selectOption({ label: 'Schalter 1' });
    await clerk.getByLabel('Tag').fill(day);
    await clerk.getByLabel('Von (Uhrzeit)').fill('00:00');
    await clerk.getByLabel('Bis (Uhrzeit)').fill('nachts');
    await clerk.getByLabel(/^Grund/).fill('Stromausfall im Rathaus');
    await clickAndLoad(clerk, clerk.getByRole('button', { name: 'Sperren' }));
    assert.equal(await clerk.getByRole('alert').count(), 1);
    assert.equal(await clerk.getByLabel(/^Grund/).inputValue(), 'Stromausfall im Rathaus');
    await checkPage(clerk, 'counter-block-errors', { javaScript: true, shotPrefix: 'js' });
    await clerk.getByLabel('Bis (Uhrzeit)').fill('23:59');
    await clickAndLoad(clerk, clerk.getByRole('button', { name: 'Sperren' }));
    assert.ok((await clerk.getByRole('main').innerText()).includes('Der Schalter ist gesperrt. 1 Termine wurden abgesagt'));
    assert.ok((await clerk.getByRole('region', { name: 'Gesperrte Schalter' }).innerText()).includes('Stromausfall im Rathaus'));
    const mail = await waitForMail(clerk, base, ['warte@example.org', 'Ihr Termin muss leider ausfallen']);
    assert.ok(mail.includes('Grund: Stromausfall im Rathaus'));
    assert.ok(mail.includes('/termine/freie-zeiten?p_meldebescheinigung=1'));
    await context.close();
  });

  it('every waiting-list page and its error states pass axe', async () => {
    const base = suite.portal.baseUrl;
    const context = await newCitizenContext(suite.browser, { javaScriptEnabled: true });
    const page = await context.newPage();
    await open(page, `${base}${freeTimes}`);
    await clickAndLoad(page, page.getByRole('link', { name: 'Kein Termin frei? Auf die Warteliste setzen' }));
    await expectNoAxeViolations(page, 'join');
    await clickAndLoad(page, page.getByRole('button', { name: 'Auf die Warteliste setzen' }));
    await expectNoAxeViolations(page, 'join with errors');
    await open(page, `${base}/termine/warteliste/austragen/${'x'.repeat(43)}`);
    await expectNoAxeViolations(page, 'leave page');
    await clickAndLoad(page, page.getByRole('button', { name: 'Austragen' }));
    await expectNoAxeViolations(page, 'leave link not valid');
    await context.close();
  });
});
