import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { checkPage, expectNoAxeViolations, expectNoHorizontalScroll, jsModes, newCitizenContext, usePortalAndBrowser } from './support/browser.js';
import { clickAndLoad, mailedLinkFor, open, openLocationSettings, sendPastFriction, signInAsStaff, waitForMail } from './support/pages.js';

describe('The town admin configures appointments', () => {
  const suite = usePortalAndBrowser();

  /** Opens the seeded Bürgerbüro from the administration's navigation. */
  async function openBuergerbuero(page: Page): Promise<void> {
    await clickAndLoad(page, page.getByRole('link', { name: 'Administration', exact: true }));
    await clickAndLoad(page, page.getByRole('link', { name: 'Terminvergabe', exact: true }));
    await clickAndLoad(page, page.getByRole('link', { name: 'Bürgerbüro im Rathaus' }));
  }

  it('every configuration page and its error states pass axe', async () => {
    const base = suite.portal.baseUrl;
    const context = await newCitizenContext(suite.browser, { javaScriptEnabled: true });
    const page = await signInAsStaff(context, base, suite.portal.credentialsFor('admin@musterstadt.example'));
    await clickAndLoad(page, page.getByRole('link', { name: 'Administration', exact: true }));
    await clickAndLoad(page, page.getByRole('link', { name: 'Terminvergabe', exact: true }));
    await expectNoAxeViolations(page, 'locations');
    await clickAndLoad(page, page.getByRole('link', { name: 'Neuen Standort anlegen' }));
    await expectNoAxeViolations(page, 'new location');
    await clickAndLoad(page, page.getByRole('button', { name: 'Standort anlegen' }));
    assert.equal(await page.getByRole('alert').count(), 1);
    await expectNoAxeViolations(page, 'new location with errors');
    await clickAndLoad(page, page.getByRole('link', { name: 'Zur Übersicht der Standorte' }));
    await clickAndLoad(page, page.getByRole('link', { name: 'Bürgerbüro im Rathaus' }));
    await expectNoAxeViolations(page, 'location');
    await page.getByLabel('Mittwoch').fill('14 bis 12');
    await clickAndLoad(page, page.getByRole('button', { name: 'Öffnungszeiten speichern' }));
    assert.equal(await page.getByRole('alert').count(), 1);
    await expectNoAxeViolations(page, 'location with errors');
    await context.close();
  });

  for (const mode of jsModes) {
    it(`changes opening hours, adds a counter and closure days, fitting 320 px (${mode.name})`, async () => {
      const prefix = mode.javaScriptEnabled ? 'js' : 'nojs';
      const base = suite.portal.baseUrl;
      const context = await newCitizenContext(suite.browser, { javaScriptEnabled: mode.javaScriptEnabled, width: 320 });
      const page = await signInAsStaff(context, base, suite.portal.credentialsFor('admin@musterstadt.example'));
      await openBuergerbuero(page);
      await expectNoHorizontalScroll(page, 'appointments-location', prefix);

      // A wrong day: the message, and what was typed stays in the field.
      await page.getByLabel('Freitag').fill('08:00–12:00, 11:00–13:00');
      await clickAndLoad(page, page.getByRole('button', { name: 'Öffnungszeiten speichern' }));
      assert.ok((await page.getByRole('alert').innerText()).includes('Die Zeiträume eines Tages dürfen sich nicht überschneiden.'));
      assert.equal(await page.getByLabel('Freitag').inputValue(), '08:00–12:00, 11:00–13:00');
      await expectNoHorizontalScroll(page, 'appointments-location-errors', prefix);
      await page.getByLabel('Freitag').fill('8:00-12:30');
      await clickAndLoad(page, page.getByRole('button', { name: 'Öffnungszeiten speichern' }));
      assert.ok((await page.getByRole('main').innerText()).includes('Die Öffnungszeiten wurden gespeichert.'));
      assert.equal(await page.getByLabel('Freitag').inputValue(), '08:00–12:30');

      const counter = `Schalter ${prefix}`;
      await page.getByLabel('Name des Schalters').fill(counter);
      await clickAndLoad(page, page.getByRole('button', { name: 'Schalter hinzufügen' }));
      assert.ok((await page.getByRole('region', { name: 'Schalter' }).innerText()).includes(counter));

      const year = mode.javaScriptEnabled ? 2027 : 2028;
      await page.getByLabel('Erster Tag').fill(`27.12.${year}`);
      await page.getByLabel('Letzter Tag').fill(`30.12.${year}`);
      await page.getByLabel('Anlass').fill('Jahreswechsel');
      await clickAndLoad(page, page.getByRole('button', { name: 'Schließtage eintragen' }));
      assert.ok((await page.getByRole('region', { name: 'Schließtage' }).innerText()).includes(`27.12.${year}`));
      await expectNoHorizontalScroll(page, 'appointments-location-filled', prefix);
      await context.close();
    });
  }
});

describe('A citizen books an appointment at the Bürgerbüro', () => {
  const suite = usePortalAndBrowser();

  for (const mode of jsModes) {
    it(`chooses services, a time, reserves it and confirms it by the mailed link, at 320 px (${mode.name})`, async () => {
      const prefix = mode.javaScriptEnabled ? 'js' : 'nojs';
      const base = suite.portal.baseUrl;
      const email = `buergerin-${prefix}@example.org`;
      const context = await newCitizenContext(suite.browser, { javaScriptEnabled: mode.javaScriptEnabled, width: 320 });
      const page = await context.newPage();
      await open(page, `${base}/termine?leistung=personalausweis`);
      await expectNoHorizontalScroll(page, 'appointments-services', prefix);
      await page.getByLabel('Personalausweis beantragen: Anzahl Personen').selectOption('');
      await clickAndLoad(page, page.getByRole('button', { name: 'Freie Termine anzeigen' }));
      assert.ok((await page.getByRole('alert').innerText()).includes('Wählen Sie mindestens eine Leistung.'));
      await page.getByLabel('Personalausweis beantragen: Anzahl Personen').selectOption('2');
      await page.getByLabel('Meldebescheinigung beantragen: Anzahl Personen').selectOption('1');
      await clickAndLoad(page, page.getByRole('button', { name: 'Freie Termine anzeigen' }));
      assert.ok((await page.getByRole('main').innerText()).includes('Dauer: 45 Minuten'));
      await expectNoHorizontalScroll(page, 'appointments-free', prefix);
      // JS on and off book different times: the second run must not find the first one's time gone.
      const times = page.locator('main a[href^="/termine/buchen"]');
      await clickAndLoad(page, mode.javaScriptEnabled ? times.first() : times.nth(1));
      await clickAndLoad(page, page.getByRole('button', { name: 'Termin vormerken' }));
      assert.equal(await page.getByRole('alert').count(), 1);
      await expectNoHorizontalScroll(page, 'appointments-form-errors', prefix);
      await page.getByLabel('Ihr Name').fill('Erika Muster');
      await page.getByLabel('Ihre E-Mail-Adresse').fill(email);
      await sendPastFriction(page, 'Termin vormerken');
      assert.ok((await page.getByRole('main').innerText()).includes('Bitte bestätigen Sie Ihren Termin'));

      await open(page, `${base}/dev/postausgang`);
      const mail = page.locator('article.outbox-mail').filter({ hasText: email });
      for (let i = 0; i < 60 && (await mail.count()) === 0; i++) {
        await page.waitForTimeout(500);
        await open(page, `${base}/dev/postausgang`);
      }
      const link = (await mail.first().innerText()).match(/http:\/\/\S+\/termine\/bestaetigen\/[A-Za-z0-9_-]{43}/)?.[0];
      assert.ok(link, 'the mail gives a confirmation link');
      await open(page, link.replace(/^http:\/\/[^/]+/, base));
      await clickAndLoad(page, page.getByRole('button', { name: 'Termin buchen' }));
      assert.ok((await page.getByRole('main').innerText()).includes('Ihr Termin ist gebucht'));
      await expectNoHorizontalScroll(page, 'appointments-confirmed', prefix);
      await context.close();
    });
  }

  it('every booking page and its error states pass axe', async () => {
    const base = suite.portal.baseUrl;
    const context = await newCitizenContext(suite.browser, { javaScriptEnabled: true });
    const page = await context.newPage();
    await open(page, `${base}/termine`);
    await expectNoAxeViolations(page, 'choose services');
    await clickAndLoad(page, page.getByRole('button', { name: 'Freie Termine anzeigen' }));
    await expectNoAxeViolations(page, 'choose services with errors');
    await page.getByLabel('Reisepass beantragen: Anzahl Personen').selectOption('1');
    await clickAndLoad(page, page.getByRole('button', { name: 'Freie Termine anzeigen' }));
    await expectNoAxeViolations(page, 'free times');
    await clickAndLoad(page, page.locator('main a[href^="/termine/buchen"]').last());
    await expectNoAxeViolations(page, 'booking form');
    await clickAndLoad(page, page.getByRole('button', { name: 'Termin vormerken' }));
    await expectNoAxeViolations(page, 'booking form with errors');
    await page.getByLabel('Ihr Name').fill('Max Muster');
    await page.getByLabel('Ihre E-Mail-Adresse').fill('max-axe@example.org');
    await clickAndLoad(page, page.getByRole('button', { name: 'Termin vormerken' }));
    await expectNoAxeViolations(page, 'reserved');
    await open(page, `${base}/termine/bestaetigen/${'x'.repeat(43)}`);
    await expectNoAxeViolations(page, 'confirmation page');
    await clickAndLoad(page, page.getByRole('button', { name: 'Termin buchen' }));
    await expectNoAxeViolations(page, 'confirmation link not valid');
    await context.close();
  });
});

describe('A citizen cancels and rebooks, and a clerk checks them in and calls them on the call display', () => {
  const suite = usePortalAndBrowser();
  const weekdays = ['Montag', 'Dienstag', 'Mittwoch', 'Donnerstag', 'Freitag', 'Samstag', 'Sonntag'];

  /**
   * Check-in opens three hours before an appointment, so the town admin opens the Bürgerbüro all of
   * today and tomorrow (a run late in the evening books just after midnight) with no lead time
   * first. A run on a public holiday followed by one finds no time and fails.
   */
  async function openAllToday(): Promise<void> {
    const context = await newCitizenContext(suite.browser, { javaScriptEnabled: true });
    const page = await openLocationSettings(context, suite.portal, 'Bürgerbüro im Rathaus');
    await page.getByLabel('Vorlauf (Stunden)').fill('0');
    await clickAndLoad(page, page.getByRole('button', { name: 'Speichern', exact: true }));
    assert.ok((await page.getByRole('main').innerText()).includes('Die Angaben wurden gespeichert.'));
    const today = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'].indexOf(new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Berlin', weekday: 'short' }).format(new Date()));
    await page.getByLabel(weekdays[today]!).fill('00:00–23:45');
    await page.getByLabel(weekdays[(today + 1) % 7]!).fill('00:00–23:45');
    await clickAndLoad(page, page.getByRole('button', { name: 'Öffnungszeiten speichern' }));
    assert.ok((await page.getByRole('main').innerText()).includes('Die Öffnungszeiten wurden gespeichert.'));
    await context.close();
  }

  /** From the catalog's service page: the first free time, reserved and confirmed by the mailed link. */
  async function bookFirstTime(page: Page, name: string, email: string, check: (name: string) => Promise<void>, earlierConfirmMails = 0): Promise<void> {
    const base = suite.portal.baseUrl;
    await open(page, `${base}/leistungen/meldebescheinigung`);
    await clickAndLoad(page, page.getByRole('link', { name: 'Termin buchen' }));
    await clickAndLoad(page, page.getByRole('button', { name: 'Freie Termine anzeigen' }));
    await clickAndLoad(page, page.getByRole('region', { name: /^Freie Uhrzeiten am/ }).first().getByRole('link').first());
    await page.getByLabel('Ihr Name').fill(name);
    await page.getByLabel('Ihre E-Mail-Adresse').fill(email);
    await sendPastFriction(page, 'Termin vormerken');
    await waitForMail(page, base, [email, 'Bitte bestätigen Sie Ihren Termin'], { moreThan: earlierConfirmMails });
    const link = await mailedLinkFor(page, base, email, '/termine/bestaetigen');
    await open(page, link.replace(/^http:\/\/[^/]+/, base));
    await clickAndLoad(page, page.getByRole('button', { name: 'Termin buchen' }));
    assert.ok((await page.getByRole('main').innerText()).includes('Ihr Termin ist gebucht'));
    await check('appointment-confirmed');
  }

  before(openAllToday);

  for (const mode of jsModes) {
    it(`books, gets the calendar file, cancels, rebooks and moves the appointment, is checked in and called (${mode.name})`, async () => {
      const prefix = mode.javaScriptEnabled ? 'js' : 'nojs';
      const base = suite.portal.baseUrl;
      const check = (page: Page) => (name: string) => checkPage(page, name, { javaScript: mode.javaScriptEnabled, shotPrefix: prefix });
      const name = `Erika Termin ${prefix}`;
      const email = `termin-${prefix}@example.org`;
      const context = await newCitizenContext(suite.browser, { javaScriptEnabled: mode.javaScriptEnabled });
      const page = await context.newPage();

      // Booked: the mail has the calendar file and the management link.
      await bookFirstTime(page, name, email, check(page));
      const mailText = await waitForMail(page, base, [email, 'Ihr Termin ist gebucht']);
      assert.ok(!mailText.includes(name), 'the mail names no one');
      const ics = await page.locator('article.outbox-mail').filter({ hasText: email }).filter({ hasText: 'Ihr Termin ist gebucht' }).first().locator('details pre').textContent();
      assert.match(ics ?? '', /BEGIN:VCALENDAR/);
      assert.match(ics ?? '', /DTSTART:\d{8}T\d{6}Z/);
      assert.match(ics ?? '', /SUMMARY:Termin: Meldebescheinigung beantragen \(1 Pers\.\)/);
      assert.match(ics ?? '', /LOCATION:Bürgerbüro im Rathaus\\, Rathausplatz 1/);
      assert.match(ics ?? '', /SEQUENCE:0/);
      const mailedManageLink = mailText.match(/http:\/\/\S+\/termine\/verwalten\/[A-Za-z0-9_-]{43}/)?.[0];
      assert.ok(mailedManageLink, 'the mail gives a link to cancel or reschedule');
      const manageLink = mailedManageLink.replace(/^http:\/\/[^/]+/, base);

      // Cancelled by the mailed link: the link is used up then.
      await open(page, manageLink);
      await check(page)('appointment-manage');
      await clickAndLoad(page, page.getByRole('button', { name: 'Termin absagen' }));
      assert.ok((await page.getByRole('main').innerText()).includes('Ihr Termin ist abgesagt'));
      await check(page)('appointment-cancelled');
      await open(page, manageLink, 410);
      await check(page)('appointment-link-used');
      const cancelMail = await waitForMail(page, base, [email, 'Ihr Termin ist abgesagt']);
      assert.ok(cancelMail.includes('entfernt ihn aus Ihrem Kalender'));

      // Booked again, then moved to another time from the page after the confirmation.
      await bookFirstTime(page, name, email, check(page), 1);
      await clickAndLoad(page, page.getByRole('link', { name: 'Termin absagen oder verschieben' }));
      await clickAndLoad(page, page.getByRole('region', { name: /^Freie Uhrzeiten am/ }).first().getByRole('link').first());
      await check(page)('appointment-reschedule');
      await clickAndLoad(page, page.getByRole('button', { name: 'Auf diese Zeit verschieben' }));
      assert.ok((await page.getByRole('main').innerText()).includes('Ihr Termin ist verschoben'));
      await check(page)('appointment-rescheduled');
      await waitForMail(page, base, [email, 'Ihr Termin ist verschoben']);
      await context.close();

      // The clerk of the Bürgerbüro checks the citizen in and calls the ticket.
      const clerkContext = await newCitizenContext(suite.browser, { javaScriptEnabled: mode.javaScriptEnabled });
      const clerk = await signInAsStaff(clerkContext, base, suite.portal.credentialsFor('buergerbuero@musterstadt.example'));
      await clickAndLoad(clerk, clerk.getByRole('link', { name: 'Termine und Aufruf im Bürgerbüro' }));
      await check(clerk)('queue-locations');
      await clickAndLoad(clerk, clerk.getByRole('link', { name: 'Tagesansicht' }));
      await check(clerk)('queue-day');
      const checkIn = clerk.getByRole('button', { name: new RegExp(`^${name} um \\d\\d:\\d\\d einchecken$`) });
      // Late in the evening the first free time was just after midnight: on tomorrow's page.
      if ((await checkIn.count()) === 0) await clickAndLoad(clerk, clerk.getByRole('link', { name: 'Nächster Tag' }));
      await clickAndLoad(clerk, checkIn);
      const checkedIn = await clerk.getByRole('status').innerText();
      const ticket = checkedIn.match(/Wartemarke (A-\d{3})/)?.[1];
      assert.ok(ticket, checkedIn);
      await check(clerk)('queue-checked-in');

      // The call display, open in the waiting area: with JavaScript it shows the call as it happens.
      const displayContext = await newCitizenContext(suite.browser, { javaScriptEnabled: mode.javaScriptEnabled });
      const display = await displayContext.newPage();
      const displayUrl = new URL(await clerk.getByRole('link', { name: 'Aufrufanzeige' }).getAttribute('href') ?? '', base).href;
      await open(display, displayUrl);
      await clerk.getByLabel('Schalter', { exact: true }).selectOption({ label: 'Schalter 1' });
      await clickAndLoad(clerk, clerk.getByRole('button', { name: 'Nächste Nummer aufrufen' }));
      assert.ok((await clerk.getByRole('status').innerText()).includes(`${ticket} an Schalter 1 aufgerufen`));
      if (!mode.javaScriptEnabled) await open(display, displayUrl);
      await display.getByRole('cell', { name: ticket, exact: true }).waitFor();
      const shown = await display.getByRole('main').innerText();
      assert.match(shown, new RegExp(`${ticket}\\s+Schalter 1`));
      assert.ok(!shown.includes(name), 'no personal data on the call display');
      await check(display)('call-display');
      await displayContext.close();
      await clerkContext.close();
    });
  }
});
