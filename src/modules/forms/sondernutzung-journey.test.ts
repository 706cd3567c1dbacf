import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { formatIsoDate } from '../../platform/i18n/i18n.js';
import { buildTestApp, type TestApp } from '../../test-support/app.js';
import { fieldError, samplePdf, TestBrowser } from '../../test-support/browser.js';
import { signInClerk } from '../../test-support/staff.js';
import type { Tenant } from '../tenants/tenant.js';
import { berlinToday } from './answers.js';

const applicant = {
  name: 'Containerdienst Probe-4411 GmbH',
  'anschrift.street': 'Hafenstraße', 'anschrift.houseNumber': '9', 'anschrift.postcode': '12345', 'anschrift.city': 'Teststadt',
  email: 'dispo@example.org', telefon: '0123 456789',
};
const place = {
  'anschrift.street': 'Lindenweg', 'anschrift.houseNumber': '7a', 'anschrift.postcode': '12345', 'anschrift.city': 'Teststadt',
  bereich: ['parkstreifen', 'gehweg'], groesse: '7,5', lage: '',
};

/** The day `days` after today (Europe/Berlin), as typed into a date field: DD.MM.YYYY. */
function inDays(days: number): string {
  const date = new Date(`${berlinToday()}T12:00:00Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return formatIsoDate(date.toISOString().slice(0, 10));
}

/** Starts the application and answers who applies and what for; returns the draft's URL prefix. */
async function startApplication(browser: TestBrowser, art: string): Promise<string> {
  await browser.get('/leistungen/sondernutzung/antrag');
  const first = await browser.post('/leistungen/sondernutzung/antrag', { ...applicant, _action: 'continue' });
  assert.equal(first.statusCode, 303, first.body.slice(0, 800));
  const base = (first.headers.location as string).replace(/\/nutzung$/, '');
  assert.match(base, /^\/antrag\/[0-9a-f-]{36}$/);
  await browser.get(`${base}/nutzung`);
  const use = await browser.post(`${base}/nutzung`, { art, beschreibung: 'Ein Container, 2 mal 4 Meter, für Bauschutt', _action: 'continue' });
  assert.equal(use.headers.location, `${base}/ort`, use.body.slice(0, 800));
  return base;
}

describe('applying online (Sondernutzung öffentlicher Straßen)', () => {
  let app: TestApp;
  let tenant: Tenant;
  let host: string;
  before(async () => {
    app = await buildTestApp();
    ({ tenant, host } = await app.createTown());
  });
  after(() => app.close());

  it('applies for a skip on the parking lane, refusing an area in words and an end before the start, to a case in the Ordnungsamt', async () => {
    const browser = new TestBrowser(app.app, host);
    const base = await startApplication(browser, 'container');

    await browser.get(`${base}/ort`);
    const words = await browser.post(`${base}/ort`, { ...place, groesse: 'acht', _action: 'continue' });
    assert.equal(words.statusCode, 422);
    assert.equal(fieldError(words.body, 'groesse'), 'Größe der Fläche in Quadratmetern muss eine Zahl sein');
    assert.match(words.body, /value="acht"/, 'the typed area is kept');
    assert.match(words.body, /value="Lindenweg"/);
    assert.match(words.body, /value="parkstreifen"[^>]*checked/, 'the ticked parts of the road are kept');
    const tooSmall = await browser.post(`${base}/ort`, { ...place, groesse: '0', _action: 'continue' });
    assert.equal(fieldError(tooSmall.body, 'groesse'), 'Größe der Fläche in Quadratmetern muss mindestens 0,5 sein');
    const placed = await browser.post(`${base}/ort`, { ...place, _action: 'continue' });
    assert.equal(placed.headers.location, `${base}/zeitraum`, placed.body.slice(0, 800));

    await browser.get(`${base}/zeitraum`);
    const reversed = await browser.post(`${base}/zeitraum`, { von: inDays(14), bis: inDays(10), _action: 'continue' });
    assert.equal(reversed.statusCode, 422);
    assert.match(reversed.body, /role="alert"/);
    assert.equal(fieldError(reversed.body, 'bis'), `Letzter Tag der Nutzung darf nicht vor dem ${inDays(14)} liegen`);
    assert.equal(fieldError(reversed.body, 'von'), undefined);
    assert.match(reversed.body, new RegExp(`value="${inDays(14)}"`), 'both typed dates are kept');
    assert.match(reversed.body, new RegExp(`value="${inDays(10)}"`));
    const past = await browser.post(`${base}/zeitraum`, { von: inDays(-1), bis: inDays(3), _action: 'continue' });
    assert.equal(fieldError(past.body, 'von'), `Erster Tag der Nutzung darf nicht vor dem ${inDays(0)} liegen`);
    const tooLong = await browser.post(`${base}/zeitraum`, { von: inDays(14), bis: inDays(14 + 400), _action: 'continue' });
    assert.match(fieldError(tooLong.body, 'bis') ?? '', /^Letzter Tag der Nutzung darf nicht nach dem \d\d\.\d\d\.\d{4} liegen$/);
    const timed = await browser.post(`${base}/zeitraum`, { von: inDays(14), bis: inDays(21), _action: 'continue' });
    assert.equal(timed.headers.location, `${base}/skizze`, 'a skip needs no site plan, only an optional sketch');
    assert.equal((await browser.get(`${base}/lageplan`)).statusCode, 404);

    await browser.get(`${base}/skizze`);
    const sketch = await browser.postMultipart(`${base}/skizze`, { _action: 'continue' }, { skizze: [{ filename: 'skizze-lindenweg.pdf', contentType: 'application/pdf', content: samplePdf }] });
    assert.equal(sketch.headers.location, `${base}/pruefen`, sketch.body.slice(0, 800));

    const check = await browser.get(`${base}/pruefen`);
    assert.match(check.body, /Container oder Mulde/);
    assert.match(check.body, /Parkstreifen oder Parkplatz, Gehweg|Gehweg, Parkstreifen oder Parkplatz/);
    assert.match(check.body, />7,5</, 'the area as a German number');
    assert.match(check.body, new RegExp(`${inDays(14)}[\\s\\S]*${inDays(21)}`));
    assert.match(check.body, /skizze-lindenweg\.pdf/);
    assert.match(check.body, /30,00\s€/);

    const sent = await browser.post(`${base}/absenden`, { declaration: 'yes' });
    assert.equal(sent.statusCode, 303, sent.body.slice(0, 800));
    const receipt = await browser.get(sent.headers.location as string);
    const reference = receipt.body.match(new RegExp(`(${tenant.referencePrefix}-\\d{4}-\\d{6})`))?.[1];
    assert.ok(reference, 'receipt shows a reference number');

    const ordnung = await app.createClerk(tenant, 'ordnungsamt');
    const clerk = new TestBrowser(app.app, host);
    await signInClerk(clerk, ordnung);
    const inbox = await clerk.get('/verwaltung');
    assert.match(inbox.body, new RegExp(reference));
    assert.match(inbox.body, /Sondernutzung öffentlicher Straßen beantragen/);
  });

  it('shows the date order error in English when English is chosen', async () => {
    const browser = new TestBrowser(app.app, host);
    const base = await startApplication(browser, 'geruest');
    await browser.post(`${base}/ort`, { ...place, _action: 'continue' });
    await browser.get(`/sprache?lang=en&zurueck=${encodeURIComponent(`${base}/zeitraum`)}`);
    const reversed = await browser.post(`${base}/zeitraum`, { von: inDays(14), bis: inDays(10), _action: 'continue' });
    assert.equal(reversed.statusCode, 422);
    assert.equal(fieldError(reversed.body, 'bis'), `Last day of use must not be before ${inDays(14)}`);
  });

  it('asks for a site plan for outdoor seating and does not go on without one', async () => {
    const browser = new TestBrowser(app.app, host);
    const base = await startApplication(browser, 'aussengastronomie');
    await browser.post(`${base}/ort`, { ...place, bereich: 'gehweg', groesse: '12', _action: 'continue' });
    const timed = await browser.post(`${base}/zeitraum`, { von: inDays(30), bis: inDays(120), _action: 'continue' });
    assert.equal(timed.headers.location, `${base}/lageplan`);
    assert.equal((await browser.get(`${base}/skizze`)).statusCode, 404);
    await browser.get(`${base}/lageplan`);
    const without = await browser.postMultipart(`${base}/lageplan`, { _action: 'continue' }, {});
    assert.equal(without.statusCode, 422);
    assert.equal(fieldError(without.body, 'plan'), 'Laden Sie hoch: Lageplan mit Maßen');
    const withPlan = await browser.postMultipart(`${base}/lageplan`, { _action: 'continue' }, { plan: [{ filename: 'tische.pdf', contentType: 'application/pdf', content: samplePdf }] });
    assert.equal(withPlan.headers.location, `${base}/pruefen`, withPlan.body.slice(0, 800));
  });
});
