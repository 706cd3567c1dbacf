import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { inTransaction } from '../../platform/db/database.js';
import { listOutbox } from '../../platform/mail/mailer.js';
import { buildTestApp, type TestApp } from '../../test-support/app.js';
import { TestBrowser, fieldError } from '../../test-support/browser.js';
import type { Tenant } from '../tenants/tenant.js';
import { seedAppointmentLocation } from './appointments.seed.js';

const everyDay = { 1: '08:00–12:00', 2: '08:00–12:00', 3: '08:00–12:00', 4: '08:00–12:00', 5: '08:00–12:00', 6: '08:00–12:00', 7: '08:00–12:00' };

/** The booking links of a free-slots page: path and query of each time. */
function slotLinks(page: string): string[] {
  return [...page.matchAll(/href="(\/termine\/buchen\?[^"]+)"/g)].map((m) => m[1]!.replaceAll('&amp;', '&'));
}

describe('booking an appointment as a citizen', () => {
  let app: TestApp;
  let tenant: Tenant;
  let host: string;
  before(async () => {
    app = await buildTestApp();
    ({ tenant, host } = await app.createTown());
    // Open every day, so the tests do not depend on the weekday they run on; no lead time.
    await inTransaction(app.database.db, { tenantId: tenant.id }, (trx) => seedAppointmentLocation(trx, tenant.id, {
      name: 'Bürgerbüro im Rathaus', address: 'Rathausplatz 1', department: 'buergerbuero', counters: ['Schalter 1'], leadHours: 0, holidayRegion: 'NW',
      services: [{ service: 'personalausweis', minutes: 20, minutesPerExtraPerson: 15, maxPersons: 3 }, { service: 'meldebescheinigung', minutes: 10 }],
      openingHours: everyDay,
    }));
  });
  after(() => app.close());

  it('chooses services, sees free times, reserves one, confirms it by the mailed link; the time is then gone', async () => {
    const citizen = new TestBrowser(app.app, host);
    const choose = await citizen.get('/termine?leistung=personalausweis');
    assert.equal(choose.statusCode, 200);
    assert.match(choose.body, /<option value="1" selected/);
    const free = await citizen.get('/termine/freie-zeiten?p_personalausweis=2&p_meldebescheinigung=1');
    assert.equal(free.statusCode, 200);
    assert.match(free.body, /Dauer: 45 Minuten/);
    const links = slotLinks(free.body);
    assert.ok(links.length > 0);
    const link = links.at(-1)!;

    const form = await citizen.get(link);
    assert.equal(form.statusCode, 200);
    assert.match(form.body, /Personalausweis beantragen \(2 Pers\.\), Meldebescheinigung beantragen \(1 Pers\.\)|Meldebescheinigung[^<]*\(1 Pers\.\), Personalausweis[^<]*\(2 Pers\.\)/);
    const refused = await citizen.post(link, { name: '', email: 'erika(at)example.org' });
    assert.equal(refused.statusCode, 422);
    assert.equal(fieldError(refused.body, 'name'), 'Geben Sie Ihren Namen ein.');
    assert.equal(fieldError(refused.body, 'email'), 'Geben Sie eine E-Mail-Adresse im Format name@beispiel.de ein.');
    assert.match(refused.body, /value="erika\(at\)example.org"/);
    assert.equal((await citizen.post(link, { name: 'Erika Muster', email: 'erika@example.org' }, { csrf: null })).statusCode, 403);

    await citizen.get(link);
    const held = await citizen.post(link, { name: 'Erika Muster', email: 'erika@example.org' });
    assert.equal(held.statusCode, 303, held.body.slice(0, 300));
    assert.equal(held.headers.location, '/termine/vorgemerkt');
    assert.match((await citizen.get('/termine/vorgemerkt')).body, /innerhalb von 15 Minuten/);

    await app.jobs.runDue();
    const mail = (await listOutbox(app.database.db, 100)).find((m) => m.to === 'erika@example.org' && m.tenantId === tenant.id);
    assert.ok(mail, 'a confirmation mail');
    assert.ok(!mail.text.includes('Erika Muster'), 'the mail names no one');
    const url = mail.text.match(/http:\/\/\S+\/termine\/bestaetigen\/[A-Za-z0-9_-]{43}/)?.[0];
    assert.ok(url, mail.text);
    const path = new URL(url).pathname;

    // Someone else sees the time gone while it is held, and cannot take it.
    const other = new TestBrowser(app.app, host);
    assert.ok(!slotLinks((await other.get('/termine/freie-zeiten?p_personalausweis=2&p_meldebescheinigung=1')).body).includes(link));
    await other.get(link);
    const taken = await other.post(link, { name: 'Max Muster', email: 'max@example.org' });
    assert.equal(taken.statusCode, 409);
    assert.match(taken.body, /Dieser Termin ist gerade vergeben worden/);
    assert.ok(slotLinks(taken.body).length > 0, 'with the next free times');

    // Opening the link books nothing; the button does, once.
    const confirmPage = await citizen.get(path);
    assert.equal(confirmPage.statusCode, 200);
    const status = async () => (await sql<{ status: string }>`select b.status from appointment_bookings b join appointment_booking_contacts c on c.booking_id = b.id where c.email = 'erika@example.org' and b.tenant_id = ${tenant.id}`.execute(app.database.db)).rows[0]!.status;
    assert.equal(await status(), 'held');
    const confirmed = await citizen.post(path, {});
    assert.equal(confirmed.statusCode, 200);
    assert.match(confirmed.body, /Ihr Termin ist gebucht/);
    assert.equal(await status(), 'confirmed');

    // The confirmation mail carries the appointment as a calendar file, in UTC.
    await app.jobs.runDue();
    const booked = (await listOutbox(app.database.db, 100)).find((m) => m.to === 'erika@example.org' && m.tenantId === tenant.id && m.subject.startsWith('Ihr Termin ist gebucht'));
    assert.ok(booked, 'a mail about the booked appointment');
    assert.ok(!booked.text.includes('Erika Muster'));
    assert.equal(booked.attachments.length, 1);
    const ics = booked.attachments[0]!;
    assert.equal(ics.filename, 'termin.ics');
    assert.match(ics.contentType, /^text\/calendar/);
    const start = new Date(new URL(link, 'http://x').searchParams.get('beginn')!);
    const utc = (d: Date) => d.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
    assert.match(ics.content, /BEGIN:VCALENDAR/);
    assert.match(ics.content, new RegExp(`DTSTART:${utc(start)}`));
    assert.match(ics.content, new RegExp(`DTEND:${utc(new Date(start.getTime() + 45 * 60_000))}`));
    assert.match(ics.content, /LOCATION:Bürgerbüro im Rathaus\\, Rathausplatz 1/);
    await citizen.get(path);
    assert.match((await citizen.post(path, {})).body, /Ihr Termin ist bereits gebucht/);
    await citizen.get(path);
    assert.equal((await citizen.post('/termine/bestaetigen/' + 'x'.repeat(43), {})).statusCode, 404);
  });

  it('asks for a service when none is chosen, and answers 404 to a forged place or time', async () => {
    const citizen = new TestBrowser(app.app, host);
    const none = await citizen.get('/termine/freie-zeiten?p_personalausweis=0&p_reisepass=1');
    assert.equal(none.statusCode, 422);
    assert.match(none.body, /Wählen Sie mindestens eine Leistung\./);
    assert.equal((await citizen.get('/termine/buchen?ort=00000000-0000-0000-0000-000000000000&beginn=2026-12-01T08:00:00Z&p_personalausweis=1')).statusCode, 404);
    assert.equal((await citizen.get('/termine/buchen?ort=kein-ort&beginn=morgen&p_personalausweis=1')).statusCode, 404);
    // A time off the grid is refused when reserved, with the free times instead.
    const free = await citizen.get('/termine/freie-zeiten?p_meldebescheinigung=1');
    const forged = slotLinks(free.body)[0]!.replace(':00.000Z', ':07.000Z');
    assert.notEqual(forged, slotLinks(free.body)[0]);
    await citizen.get(forged);
    const refused = await citizen.post(forged, { name: 'Erika Muster', email: 'erika@example.org' });
    assert.equal(refused.statusCode, 409);
    assert.match(refused.body, /Dieser Termin kann nicht gebucht werden/);
  });
});
