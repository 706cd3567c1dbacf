import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { inTransaction } from '../../platform/db/database.js';
import { buildTestApp, type TestApp } from '../../test-support/app.js';
import { TestBrowser } from '../../test-support/browser.js';
import type { Tenant } from '../tenants/tenant.js';
import { seedAppointmentLocation } from './appointments.seed.js';

describe('a pickup appointment offered on the receipt', () => {
  let app: TestApp;
  let withOffice: { tenant: Tenant; host: string };
  let withoutOffice: { tenant: Tenant; host: string };
  before(async () => {
    app = await buildTestApp();
    withOffice = await app.createTown();
    withoutOffice = await app.createTown();
    await inTransaction(app.database.db, { tenantId: withOffice.tenant.id }, (trx) => seedAppointmentLocation(trx, withOffice.tenant.id, {
      name: 'Bürgerbüro im Rathaus', address: 'Rathausplatz 1', department: 'buergerbuero', counters: ['Schalter 1'],
      services: [{ service: 'meldebescheinigung', minutes: 10 }], openingHours: { 1: '08:00–12:00' },
    }));
  });
  after(() => app.close());

  /** Applies for a Meldebescheinigung delivered as chosen; returns the receipt page (the fee is still to be paid). */
  async function receiptFor(host: string, zustellung: 'abholung' | 'post', lang: 'de' | 'en' = 'de'): Promise<string> {
    const browser = new TestBrowser(app.app, host);
    if (lang === 'en') await browser.get('/sprache?lang=en');
    const start = '/leistungen/meldebescheinigung/antrag';
    await browser.get(start);
    const first = await browser.post(start, {
      vorname: 'Paul', nachname: 'Abholer', geburtsdatum: '1990-05-17',
      'anschrift.street': 'Hauptstraße', 'anschrift.houseNumber': '3', 'anschrift.postcode': '45657', 'anschrift.city': 'Musterstadt', _action: 'continue',
    });
    const base = String(first.headers.location).replace(/\/[a-z]+$/, '');
    for (const [step, fields] of [['art', { art: 'einfach' }], ['zustellung', { zustellung }], ['kontakt', { email: 'paul@example.org', telefon: '' }]] as const) {
      await browser.get(`${base}/${step}`);
      assert.equal((await browser.post(`${base}/${step}`, { ...fields, _action: 'continue' })).statusCode, 303);
    }
    await browser.get(`${base}/pruefen`);
    const sent = await browser.post(`${base}/absenden`, { declaration: 'yes' });
    assert.equal(sent.statusCode, 303, sent.body.slice(0, 300));
    const paymentPage = (await browser.get(String(sent.headers.location))).body;
    const receipt = paymentPage.match(/href="(\/eingang\/[0-9a-f-]{36})"/)?.[1];
    assert.ok(receipt, 'the payment page links to the receipt');
    const page = await browser.get(receipt);
    assert.equal(page.statusCode, 200);
    return page.body;
  }

  it('links to booking the pickup service when the applicant collects the certificate, in German and English', async () => {
    const page = await receiptFor(withOffice.host, 'abholung');
    assert.match(page, /href="\/termine\?leistung=meldebescheinigung"/);
    assert.match(page, /Sie holen die Bescheinigung im Bürgerbüro ab/);
    const english = await receiptFor(withOffice.host, 'abholung', 'en');
    assert.match(english, /Book an appointment to collect it/);
    assert.match(english, /You collect the certificate/);
  });

  it('offers nothing to an applicant who chose the post, nor in a town that takes no such appointments', async () => {
    assert.doesNotMatch(await receiptFor(withOffice.host, 'post'), /leistung=meldebescheinigung/);
    assert.doesNotMatch(await receiptFor(withoutOffice.host, 'abholung'), /leistung=meldebescheinigung/);
  });
});
