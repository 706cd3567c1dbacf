import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import sharp from 'sharp';
import type { Browser, BrowserContext } from 'playwright-core';
import { XMLValidator } from 'fast-xml-parser';
import { checkPage, jsModes, newCitizenContext as newBrowserContext, usePortalAndBrowser } from './support/browser.js';
import { clickAndLoad, mailedLinkFor, open, signInAsStaff, waitForMail } from './support/pages.js';
import { hasGpsIfd, phoneJpeg } from '../src/test-support/reports.js';

/** A browser context whose map tiles (the seed's OpenStreetMap default) are refused: the tests never fetch the internet. */
async function newCitizenContext(browser: Browser, options: { javaScriptEnabled: boolean }): Promise<BrowserContext> {
  const context = await newBrowserContext(browser, options);
  await context.route('https://tile.openstreetmap.org/**', (route) => route.abort());
  return context;
}

describe('Mängelmelder: a citizen reports a pothole without a map', () => {
  const suite = usePortalAndBrowser();

  for (const mode of jsModes) {
    it(`reports by street and house number with a photo; form, errors, receipt, list and report page pass axe and fit 320 px (${mode.name})`, async () => {
      const prefix = `maengel-${mode.javaScriptEnabled ? 'js' : 'nojs'}`;
      // A street per mode: the second run would otherwise be asked whether it is the first run's pothole.
      const street = mode.javaScriptEnabled ? 'Hauptstraße' : 'Kirchplatz';
      const context = await newCitizenContext(suite.browser, { javaScriptEnabled: mode.javaScriptEnabled });
      const page = await context.newPage();
      const base = suite.portal.baseUrl;

      await open(page, `${base}/maengel/melden`);
      await checkPage(page, 'report-form', { javaScript: mode.javaScriptEnabled, shotPrefix: prefix });

      // A mistake first: no place given.
      await page.getByLabel('Was möchten Sie melden?').selectOption('schlagloch');
      await page.getByLabel('Beschreibung').fill('Tiefes Schlagloch auf dem Radweg, etwa 40 cm breit.');
      const refused = await clickAndLoad(page, page.getByRole('button', { name: 'Meldung absenden' }));
      assert.equal(refused?.status(), 422);
      await checkPage(page, 'report-form-errors', { javaScript: mode.javaScriptEnabled, shotPrefix: prefix });
      assert.equal(await page.getByLabel('Beschreibung').inputValue(), 'Tiefes Schlagloch auf dem Radweg, etwa 40 cm breit.');

      await page.getByLabel(/^Straße/).selectOption({ label: street });
      await page.getByLabel('Hausnummer oder nächstgelegene Hausnummer').fill('7');
      await page.getByLabel('Fotos').setInputFiles({ name: 'schlagloch.jpg', mimeType: 'image/jpeg', buffer: await phoneJpeg() });
      const sent = await clickAndLoad(page, page.getByRole('button', { name: 'Meldung absenden' }));
      assert.equal(sent?.status(), 200);
      assert.match(page.url(), /\/maengel\/[0-9a-f-]{36}\/eingang$/);
      await page.getByRole('heading', { name: 'Vielen Dank für Ihre Meldung' }).waitFor();
      await checkPage(page, 'report-receipt', { javaScript: mode.javaScriptEnabled, shotPrefix: prefix });

      await clickAndLoad(page, page.getByRole('link', { name: 'Öffentliche Seite der Meldung' }));
      assert.ok((await page.content()).includes(`${street}, Umgebung`));
      assert.equal((await page.content()).includes('Tiefes Schlagloch'), false, 'the description waits for review');
      await checkPage(page, 'report-page', { javaScript: mode.javaScriptEnabled, shotPrefix: prefix });

      await clickAndLoad(page, page.getByRole('link', { name: 'Zurück zu allen Meldungen' }));
      await checkPage(page, 'report-list', { javaScript: mode.javaScriptEnabled, shotPrefix: prefix });

      // Someone else at the same spot is offered the open report to support instead.
      const neighbour = await (await newCitizenContext(suite.browser, { javaScriptEnabled: mode.javaScriptEnabled })).newPage();
      await open(neighbour, `${base}/maengel/melden`);
      await neighbour.getByLabel('Was möchten Sie melden?').selectOption('schlagloch');
      await neighbour.getByLabel(/^Straße/).selectOption({ label: street });
      await neighbour.getByLabel('Beschreibung').fill('Loch auf dem Radweg');
      await clickAndLoad(neighbour, neighbour.getByRole('button', { name: 'Meldung absenden' }));
      await neighbour.getByRole('heading', { name: 'Schon gemeldet?' }).waitFor();
      await checkPage(neighbour, 'report-nearby', { javaScript: mode.javaScriptEnabled, shotPrefix: prefix });
      await clickAndLoad(neighbour, neighbour.getByRole('button', { name: 'Diese Meldung unterstützen' }).first());
      assert.ok((await neighbour.content()).includes('Ihre Unterstützung wurde gezählt'));
      await checkPage(neighbour, 'report-supported', { javaScript: mode.javaScriptEnabled, shotPrefix: prefix });
      await neighbour.context().close();
      await context.close();
    });
  }

  for (const mode of jsModes) {
    it(`a clerk of the Bauamt marks a pothole done with a public comment, the reporter gets the mail and unsubscribes; the photo's GPS position is gone (${mode.name})`, async () => {
      const prefix = `maengel-staff-${mode.javaScriptEnabled ? 'js' : 'nojs'}`;
      const check = (page: import('playwright-core').Page, name: string) => checkPage(page, name, { javaScript: mode.javaScriptEnabled, shotPrefix: prefix });
      const base = suite.portal.baseUrl;
      const email = `melderin-${mode.javaScriptEnabled ? 'js' : 'nojs'}@example.org`;

      // The citizen's phone photo carries a GPS position and the camera's serial number in its EXIF.
      const photo = await phoneJpeg();
      assert.ok(hasGpsIfd((await sharp(photo).metadata()).exif!), 'the test photo has a GPS position');
      const citizenContext = await newCitizenContext(suite.browser, { javaScriptEnabled: mode.javaScriptEnabled });
      const citizen = await citizenContext.newPage();
      await open(citizen, `${base}/maengel/melden`);
      await citizen.getByLabel('Was möchten Sie melden?').selectOption('schlagloch');
      await citizen.getByLabel(/^Straße/).selectOption({ label: 'Bahnhofstraße' });
      await citizen.getByLabel('Hausnummer oder nächstgelegene Hausnummer').fill('21');
      await citizen.getByLabel('Beschreibung').fill('Schlagloch vor der Einfahrt, Autos weichen auf den Radweg aus.');
      await citizen.getByLabel('Fotos').setInputFiles({ name: 'IMG_2211.jpg', mimeType: 'image/jpeg', buffer: photo });
      await citizen.getByLabel(/^E-Mail-Adresse für Rückmeldungen/).fill(email);
      await clickAndLoad(citizen, citizen.getByRole('button', { name: 'Meldung absenden' }));
      const id = citizen.url().match(/\/maengel\/([0-9a-f-]{36})\/eingang$/)?.[1];
      assert.ok(id, citizen.url());

      const staffContext = await newCitizenContext(suite.browser, { javaScriptEnabled: mode.javaScriptEnabled });
      const clerk = await signInAsStaff(staffContext, base, suite.portal.credentialsFor('bau@musterstadt.example'));
      await clickAndLoad(clerk, clerk.getByRole('link', { name: 'Mängelmeldungen' }));
      assert.equal(new URL(clerk.url()).pathname, '/verwaltung/maengel');
      await check(clerk, 'staff-report-inbox');
      await clickAndLoad(clerk, clerk.locator(`a[href="/verwaltung/maengel/${id}"]`));
      assert.ok((await clerk.content()).includes('Bahnhofstraße 21'));
      assert.ok((await clerk.content()).includes('Schlagloch vor der Einfahrt'));
      await check(clerk, 'staff-report');

      // The stored photo, as the clerk and (after release) the public get it: no EXIF, so no GPS.
      for (const path of [`/verwaltung/maengel/${id}/fotos/1`, `/verwaltung/maengel/${id}/fotos/1/vorschau`]) {
        const served = await clerk.request.get(`${base}${path}`);
        assert.equal(served.status(), 200, path);
        const bytes = await served.body();
        assert.equal(hasGpsIfd(bytes), false, path);
        assert.equal((await sharp(bytes).metadata()).exif, undefined, path);
      }
      await clerk.getByRole('checkbox', { name: 'Foto 1' }).check();
      await clerk.getByLabel(/^Öffentliche Beschreibung/).fill('Schlagloch vor der Einfahrt.');
      await clickAndLoad(clerk, clerk.getByRole('button', { name: 'Freigabe speichern' }));

      await clerk.getByLabel('Neuer Stand').selectOption('done');
      await clerk.getByLabel(/^Antwort an die Öffentlichkeit/).fill('Das Loch wurde am Dienstag mit Kaltasphalt verfüllt.');
      await clickAndLoad(clerk, clerk.getByRole('button', { name: 'Stand speichern' }));
      assert.ok((await clerk.content()).includes('Stand: Eingegangen → Erledigt'));
      await check(clerk, 'staff-report-done');

      await open(citizen, `${base}/maengel/${id}`);
      const publicPage = await citizen.content();
      assert.ok(publicPage.includes('Erledigt') && publicPage.includes('mit Kaltasphalt verfüllt') && publicPage.includes('Schlagloch vor der Einfahrt.'));
      assert.equal(publicPage.includes('Radweg aus'), false, 'only the released text');
      const publicPhoto = await citizen.request.get(`${base}/maengel/${id}/fotos/1`);
      assert.equal(publicPhoto.status(), 200);
      assert.equal(hasGpsIfd(await publicPhoto.body()), false);
      await check(citizen, 'report-page-done');

      const mail = await waitForMail(citizen, base, [email, 'Erledigt']);
      assert.ok(mail.includes('mit Kaltasphalt verfüllt'));
      assert.ok(mail.includes(`/maengel/${id}`));
      const unsubscribe = await mailedLinkFor(citizen, base, email, '/maengel/abbestellen');
      await open(citizen, unsubscribe);
      await check(citizen, 'report-unsubscribe');
      await clickAndLoad(citizen, citizen.getByRole('button', { name: 'E-Mails abbestellen' }));
      await citizen.getByRole('heading', { name: 'E-Mails abbestellt' }).waitFor();
      await check(citizen, 'report-unsubscribed');
      await Promise.all([citizenContext.close(), staffContext.close()]);
    });
  }

  it('reports near a landmark without JavaScript, after choosing a street too was refused; a town admin adds a landmark and blocked words on the report settings page and opens a category', async () => {
    const check = (page: import('playwright-core').Page, name: string) => checkPage(page, name, { javaScript: false, shotPrefix: 'maengel-naehe' });
    const base = suite.portal.baseUrl;
    const context = await newCitizenContext(suite.browser, { javaScriptEnabled: false });
    const page = await context.newPage();
    await open(page, `${base}/maengel/melden`);
    await page.getByLabel('Was möchten Sie melden?').selectOption('papierkorb');
    await page.getByLabel(/^Straße/).selectOption({ label: 'Lindenweg' });
    await page.getByLabel(/^In der Nähe von/).selectOption({ label: 'Marktplatz – Wochenmarkt und Brunnen' });
    await page.getByLabel('Beschreibung').fill('Papierkorb am Brunnen quillt über.');
    const refused = await clickAndLoad(page, page.getByRole('button', { name: 'Meldung absenden' }));
    assert.equal(refused?.status(), 422);
    await page.getByRole('link', { name: /nicht beides/ }).waitFor();
    await check(page, 'report-form-landmark-error');
    await page.getByLabel(/^Straße/).selectOption({ label: 'Bitte wählen' });
    assert.equal(await page.getByLabel('Beschreibung').inputValue(), 'Papierkorb am Brunnen quillt über.');
    await clickAndLoad(page, page.getByRole('button', { name: 'Meldung absenden' }));
    assert.match(page.url(), /\/maengel\/[0-9a-f-]{36}\/eingang$/);
    assert.ok((await page.content()).includes('Nähe Marktplatz'));
    await clickAndLoad(page, page.getByRole('link', { name: 'Öffentliche Seite der Meldung' }));
    assert.ok((await page.content()).includes('Marktplatz, Umgebung'));

    const admin = await signInAsStaff(await newCitizenContext(suite.browser, { javaScriptEnabled: false }), base, suite.portal.credentialsFor('admin@musterstadt.example'));
    await open(admin, `${base}/verwaltung/admin/maengel`);
    await check(admin, 'report-settings');
    await admin.getByLabel('Name des Orts').fill('Sportplatz Süd');
    await admin.getByLabel(/^Breitengrad/).fill('51,5400');
    await admin.getByLabel(/^Längengrad/).fill('7,1100');
    await clickAndLoad(admin, admin.getByRole('button', { name: 'Ort hinzufügen' }));
    await admin.getByText('Der Ort wurde hinzugefügt.').waitFor();
    await check(admin, 'report-settings-saved');
    await admin.getByLabel(/^Gesperrte Wörter, eines je Zeile/).fill('casino\nab');
    const wrongWord = await clickAndLoad(admin, admin.getByRole('button', { name: 'Wörter speichern' }));
    assert.equal(wrongWord?.status(), 422);
    await check(admin, 'report-settings-error');
    await clickAndLoad(admin, admin.getByRole('link', { name: 'Kategorie anlegen' }));
    await check(admin, 'report-category-new');
    await admin.getByLabel('Kennung').fill('Spiel Platz');
    const wrongCategory = await clickAndLoad(admin, admin.getByRole('button', { name: 'Kategorie speichern' }));
    assert.equal(wrongCategory?.status(), 422);
    await check(admin, 'report-category-error');
    await open(page, `${base}/maengel/melden`);
    assert.equal(await page.getByLabel(/^In der Nähe von/).locator('option', { hasText: 'Sportplatz Süd' }).count(), 1);
    await Promise.all([context.close(), admin.context().close()]);
  });

  it('a town admin registers an Open311 client in the administration, which posts a request and reads it back in JSON and XML', async () => {
    const base = suite.portal.baseUrl;
    const context = await newCitizenContext(suite.browser, { javaScriptEnabled: true });
    const admin = await signInAsStaff(context, base, suite.portal.credentialsFor('admin@musterstadt.example'));
    await open(admin, `${base}/verwaltung/admin/open311`);
    await checkPage(admin, 'open311-clients', { javaScript: true, shotPrefix: 'maengel-admin' });
    await admin.getByLabel('Name des Systems').fill('Stadt-App Musterstadt');
    await clickAndLoad(admin, admin.getByRole('button', { name: 'Anmelden und Schlüssel erzeugen' }));
    const apiKey = (await admin.getByTestId('api-key').innerText()).trim();
    assert.match(apiKey, /^[A-Za-z0-9_-]{43}$/);
    await checkPage(admin, 'open311-client-created', { javaScript: true, shotPrefix: 'maengel-admin' });

    const posted = await fetch(`${base}/open311/v2/requests.json`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ api_key: apiKey, service_code: 'strassenbeleuchtung', lat: '51.5608', long: '7.1233', description: 'Laterne dunkel', email: 'app@example.org' }),
    });
    assert.equal(posted.status, 201, await posted.clone().text());
    const id = ((await posted.json()) as Array<{ service_request_id: string }>)[0]!.service_request_id;
    const json = (await (await fetch(`${base}/open311/v2/requests/${id}.json`)).json()) as Array<{ service_code: string; status: string }>;
    assert.deepEqual([json[0]!.service_code, json[0]!.status], ['strassenbeleuchtung', 'open']);
    const xml = await fetch(`${base}/open311/v2/requests/${id}.xml`);
    assert.match(xml.headers.get('content-type') ?? '', /^text\/xml/);
    assert.ok((await xml.text()).includes(`<service_requests><request><service_request_id>${id}</service_request_id><status>open</status>`));
    const unknown = await fetch(`${base}/open311/v2/requests.xml`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ api_key: 'x'.repeat(43), service_code: 'schlagloch' }) });
    assert.equal(unknown.status, 403);
    assert.match(await unknown.text(), /<errors><error><code>403<\/code>/);
    await context.close();
  });
});

describe('Mängelmelder: maps, feeds and statistics', () => {
  const suite = usePortalAndBrowser();

  for (const mode of jsModes) {
    it(`sets the place on the map with JavaScript, by street without it; the public list shows a map of its reports and links its feed (${mode.name})`, async () => {
      const prefix = `maengel-map-${mode.javaScriptEnabled ? 'js' : 'nojs'}`;
      const check = (page: import('playwright-core').Page, name: string) => checkPage(page, name, { javaScript: mode.javaScriptEnabled, shotPrefix: prefix });
      const base = suite.portal.baseUrl;
      const context = await newCitizenContext(suite.browser, { javaScriptEnabled: mode.javaScriptEnabled });
      const page = await context.newPage();
      await open(page, `${base}/maengel/melden`);
      await page.getByLabel('Was möchten Sie melden?').selectOption('wilder-muell');
      await page.getByLabel('Beschreibung').fill('Sperrmüll am Waldrand abgeladen.');
      const map = page.getByRole('region', { name: 'Karte zum Festlegen des Orts' });
      if (mode.javaScriptEnabled) {
        await map.locator('.leaflet-tile-pane').waitFor({ state: 'attached' });
        assert.ok(await map.isVisible());
        await check(page, 'report-form-map');
        // A click sets latitude and longitude; the keyboard way moves the map and takes its centre.
        // The mouse clicks in the viewport: the map must be in it (the location hint grew with the landmarks).
        await map.scrollIntoViewIfNeeded();
        const box = (await map.boundingBox())!;
        await page.mouse.click(box.x + box.width * 0.6, box.y + box.height * 0.4);
        const clicked = [await page.getByLabel(/^Breitengrad/).inputValue(), await page.getByLabel(/^Längengrad/).inputValue()];
        assert.match(clicked[0]!, /^51\.5\d{5}$/);
        assert.match(clicked[1]!, /^7\.1\d{5}$/);
        await map.focus();
        await page.keyboard.press('ArrowLeft');
        await page.getByRole('button', { name: 'Kartenmitte als Ort übernehmen' }).click();
        const centred = await page.getByLabel(/^Längengrad/).inputValue();
        assert.match(centred, /^7\.\d{6}$/);
        assert.notEqual(centred, clicked[1]);
        assert.equal(await page.getByRole('button', { name: 'Gewählter Ort' }).count(), 1, 'one marker, usable by keyboard');
      } else {
        assert.equal(await map.isVisible(), false, 'no empty map box without JavaScript');
        await page.getByLabel(/^Straße/).selectOption({ label: 'Lindenweg' });
      }
      await clickAndLoad(page, page.getByRole('button', { name: 'Meldung absenden' }));
      assert.match(page.url(), /\/maengel\/[0-9a-f-]{36}\/eingang$/);

      await open(page, `${base}/maengel`);
      const listMap = page.getByRole('region', { name: 'Karte der Meldungen auf dieser Seite (ungefährer Ort)' });
      if (mode.javaScriptEnabled) {
        await listMap.locator('.leaflet-marker-icon').first().waitFor();
        const items = await page.locator('[data-report-lat]').count();
        assert.equal(await listMap.locator('.leaflet-marker-icon').count(), items, 'a marker per listed report');
        await listMap.locator('.leaflet-marker-icon').first().click();
        await listMap.locator('.leaflet-popup-content a').waitFor();
        // The popup fades in; axe would measure its link's colour half-way.
        await page.waitForFunction(() => getComputedStyle(document.querySelector('.leaflet-popup')!).opacity === '1');
      } else {
        assert.equal(await listMap.isVisible(), false);
      }
      await check(page, 'report-list-map');
      const feedHref = await page.locator('head link[rel="alternate"][type="application/atom+xml"]').first().getAttribute('href');
      assert.equal(feedHref, '/maengel/feed.atom');
      const feed = await page.request.get(`${base}${feedHref}`);
      assert.match(feed.headers()['content-type'] ?? '', /^application\/atom\+xml/);
      const xml = await feed.text();
      assert.equal(XMLValidator.validate(xml), true);
      assert.ok(xml.includes('<title>Wilder Müll: Eingegangen</title>'));
      await context.close();
    });
  }

  for (const mode of jsModes) {
    it(`shows the back office the report's place on a map, the statistics with a heat map or its table, and the town admin the map settings (${mode.name})`, async () => {
      const prefix = `maengel-stats-${mode.javaScriptEnabled ? 'js' : 'nojs'}`;
      const check = (page: import('playwright-core').Page, name: string) => checkPage(page, name, { javaScript: mode.javaScriptEnabled, shotPrefix: prefix });
      const base = suite.portal.baseUrl;
      const context = await newCitizenContext(suite.browser, { javaScriptEnabled: mode.javaScriptEnabled });
      const citizen = await context.newPage();
      await open(citizen, `${base}/maengel/melden`);
      await citizen.getByLabel('Was möchten Sie melden?').selectOption('schlagloch');
      await citizen.getByLabel(/^Breitengrad/).fill('51,5433');
      await citizen.getByLabel(/^Längengrad/).fill(mode.javaScriptEnabled ? '7,0911' : '7,0922');
      await citizen.getByLabel('Beschreibung').fill('Loch am Ortsrand.');
      await clickAndLoad(citizen, citizen.getByRole('button', { name: 'Meldung absenden' }));
      const id = citizen.url().match(/\/maengel\/([0-9a-f-]{36})\/eingang$/)?.[1];
      assert.ok(id, citizen.url());

      const staffContext = await newCitizenContext(suite.browser, { javaScriptEnabled: mode.javaScriptEnabled });
      const clerk = await signInAsStaff(staffContext, base, suite.portal.credentialsFor('bau@musterstadt.example'));
      await open(clerk, `${base}/verwaltung/maengel/${id}`);
      const pointMap = clerk.getByRole('region', { name: 'Karte mit dem genauen Ort der Meldung' });
      if (mode.javaScriptEnabled) await pointMap.locator('.leaflet-marker-icon').waitFor();
      else assert.equal(await pointMap.isVisible(), false);
      await check(clerk, 'staff-report-map');

      const admin = await signInAsStaff(await newCitizenContext(suite.browser, { javaScriptEnabled: mode.javaScriptEnabled }), base, suite.portal.credentialsFor('admin@musterstadt.example'));
      await open(admin, `${base}/verwaltung/maengel/statistik`);
      const table = admin.getByRole('region', { name: 'Wo gemeldet wird' });
      assert.ok(Number(await table.locator('tr[data-cell]').first().getAttribute('data-count')) >= 1);
      const heat = admin.getByRole('region', { name: 'Karte: Meldungen je Rasterfeld' });
      if (mode.javaScriptEnabled) {
        await heat.locator('path.leaflet-interactive').first().waitFor();
        assert.equal(await heat.locator('path.leaflet-interactive').count(), await table.locator('tr[data-cell]').count(), 'a rectangle per grid cell');
      } else {
        assert.equal(await heat.isVisible(), false);
      }
      await check(admin, 'report-statistics');

      await open(admin, `${base}/verwaltung/admin/karte`);
      await check(admin, 'report-map-settings');
      await admin.getByLabel('Adresse der Kacheln').fill('https://{s}.tile.example.org/{z}/{x}/{y}.png');
      const refused = await clickAndLoad(admin, admin.getByRole('button', { name: 'Karte speichern' }));
      assert.equal(refused?.status(), 422);
      await check(admin, 'report-map-settings-error');
      assert.equal(await admin.getByLabel('Adresse der Kacheln').inputValue(), 'https://{s}.tile.example.org/{z}/{x}/{y}.png');
      await Promise.all([context.close(), staffContext.close(), admin.context().close()]);
    });
  }
});
