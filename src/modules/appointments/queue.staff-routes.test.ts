import assert from 'node:assert/strict';
import { get, type IncomingMessage } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { inTransaction } from '../../platform/db/database.js';
import { buildTestApp, type TestApp } from '../../test-support/app.js';
import { TestBrowser, fieldError } from '../../test-support/browser.js';
import { signInClerk } from '../../test-support/staff.js';
import type { Tenant } from '../tenants/tenant.js';
import { seedAppointmentLocation } from './appointments.seed.js';

describe('the citizens\' office on the day: day view, check-in, calls and the call display', () => {
  let app: TestApp;
  let tenant: Tenant;
  let host: string;
  let officeId: string;
  let counters: Array<{ id: string; name: string }>;
  let bookingId: string;
  let clerk: TestBrowser;
  before(async () => {
    app = await buildTestApp();
    ({ tenant, host } = await app.createTown());
    await inTransaction(app.database.db, { tenantId: tenant.id }, (trx) => seedAppointmentLocation(trx, tenant.id, {
      name: 'Bürgerbüro im Rathaus', address: 'Rathausplatz 1', department: 'buergerbuero', counters: ['Schalter 1', 'Schalter 2'],
      services: [{ service: 'meldebescheinigung', minutes: 10 }], openingHours: { 1: '08:00–12:00' },
    }));
    officeId = (await sql<{ id: string }>`select id from appointment_locations where tenant_id = ${tenant.id}`.execute(app.database.db)).rows[0]!.id;
    counters = (await sql<{ id: string; name: string }>`select id, name from appointment_resources where location_id = ${officeId} order by name`.execute(app.database.db)).rows;
    // A booking confirmed for right now (whatever the opening hours of the day the test runs on).
    const start = new Date(Math.floor(Date.now() / 60_000) * 60_000);
    bookingId = (await sql<{ id: string }>`insert into appointment_bookings (tenant_id, location_id, resource_id, span, services, status, confirmed_at)
      values (${tenant.id}, ${officeId}, ${counters[0]!.id}, tstzrange(${start}, ${new Date(start.getTime() + 600_000)}), '[{"serviceId":"meldebescheinigung","persons":1}]', 'confirmed', now())
      returning id`.execute(app.database.db)).rows[0]!.id;
    await sql`insert into appointment_booking_contacts (tenant_id, booking_id, department_id, name, email, language)
      select ${tenant.id}, ${bookingId}, department_id, 'Erika Muster', 'erika@example.org', 'de' from appointment_locations where id = ${officeId}`.execute(app.database.db);
    clerk = new TestBrowser(app.app, host);
    await signInClerk(clerk, await app.createClerk(tenant, 'buergerbuero'));
  });
  after(() => app.close());

  const day = () => `/verwaltung/termine/${officeId}`;

  it('is for the staff of the location\'s department', async () => {
    const anonymous = await app.app.inject({ url: day(), headers: { host } });
    assert.equal(anonymous.statusCode, 303);
    assert.equal(anonymous.headers.location, '/verwaltung/anmelden');
    const stranger = new TestBrowser(app.app, host);
    await signInClerk(stranger, await app.createClerk(tenant, 'zentrale'));
    assert.equal((await stranger.get(day())).statusCode, 403);
    assert.doesNotMatch((await stranger.get('/verwaltung/termine')).body, /Bürgerbüro im Rathaus/);
    await stranger.get('/verwaltung/termine');
    assert.equal((await stranger.post(`${day()}/ohne-termin`, {})).statusCode, 403);
    const list = await clerk.get('/verwaltung/termine');
    assert.match(list.body, new RegExp(`href="/verwaltung/termine/${officeId}"`));
    assert.equal((await clerk.get('/verwaltung/termine/00000000-0000-0000-0000-000000000000')).statusCode, 404);
    const badDay = await clerk.get(`${day()}?tag=2026-02-31`);
    assert.equal(badDay.statusCode, 400);
    assert.match(badDay.body, /Der Tag ist kein gültiges Datum/);
  });

  it('checks a citizen in with a ticket, issues a walk-in ticket, calls them to counters, and the display shows numbers and counters only', async () => {
    const view = await clerk.get(day());
    assert.equal(view.statusCode, 200);
    assert.match(view.body, /Erika Muster/);
    assert.equal((await clerk.post(`${day()}/einchecken`, { booking: bookingId }, { csrf: null })).statusCode, 403);
    await clerk.get(day());
    const checkedIn = await clerk.post(`${day()}/einchecken`, { booking: bookingId });
    assert.equal(checkedIn.statusCode, 303);
    assert.match((await clerk.get(String(checkedIn.headers.location))).body, /Eingecheckt: Wartemarke A-001\./);
    const again = await clerk.post(`${day()}/einchecken`, { booking: bookingId });
    assert.equal(again.statusCode, 409, 'not twice');
    assert.match(again.body, /kann nicht \(mehr\) eingecheckt/);
    await clerk.get(day());
    const walkIn = await clerk.post(`${day()}/ohne-termin`, {});
    assert.match((await clerk.get(String(walkIn.headers.location))).body, /Wartemarke A-002 ausgegeben/);

    const noCounter = await clerk.post(`${day()}/aufrufen`, { counter: '' });
    assert.equal(noCounter.statusCode, 422);
    assert.equal(fieldError(noCounter.body, 'counter'), 'Wählen Sie einen Schalter dieses Standorts.');
    const called = await clerk.post(`${day()}/aufrufen`, { counter: counters[1]!.id });
    assert.equal(called.statusCode, 303);
    assert.match((await clerk.get(String(called.headers.location))).body, /A-001 an Schalter 2 aufgerufen/);

    const display = await app.app.inject({ url: `/aufruf/${officeId}`, headers: { host } });
    assert.equal(display.statusCode, 200);
    assert.match(display.body, /A-001<\/td><td class="kern-table__cell">Schalter 2/);
    assert.doesNotMatch(display.body, /Erika|Muster|erika@/);
    assert.match(display.body, /<noscript><meta http-equiv="refresh" content="15"\/?><\/noscript>/);
    assert.match(display.body, /<script src="\/static\/call-display.js" defer><\/script>/);
    assert.doesNotMatch(display.body.replace(/<script src="[^"]+" defer><\/script>/g, ''), /<script/, 'no inline script');
    assert.equal((await app.app.inject({ url: '/aufruf/kein-ort', headers: { host } })).statusCode, 404);
    assert.equal((await app.app.inject({ url: `/aufruf/${officeId}/ereignisse`, headers: { host: 'localhost' } })).statusCode, 404, 'not in another town');

    const english = await clerk.get('/sprache?lang=en');
    assert.equal(english.statusCode, 303);
    assert.match((await clerk.get(day())).body, /Call the next number/);
  });

  it('streams the calls to the display as server-sent events, and each new call as it happens', async () => {
    const address = new URL(await app.app.listen({ port: 0, host: '127.0.0.1' }));
    // node:http, because fetch does not let a request name its own Host (the town).
    const response = await new Promise<IncomingMessage>((resolve, reject) => {
      get({ host: address.hostname, port: address.port, path: `/aufruf/${officeId}/ereignisse`, headers: { host } }, resolve).on('error', reject);
    });
    assert.equal(response.statusCode, 200);
    assert.match(String(response.headers['content-type']), /^text\/event-stream/);
    response.setEncoding('utf8');
    const chunks = response[Symbol.asyncIterator]();
    let received = '';
    /** Reads the stream until an event's data satisfies `wanted`. */
    async function eventWith(wanted: RegExp): Promise<string> {
      for (;;) {
        const match = received.split('\n\n').find((e) => e.includes('event: calls') && wanted.test(e));
        if (match) return match;
        const chunk = await chunks.next();
        assert.ok(!chunk.done, 'the stream stays open');
        received += chunk.value as string;
      }
    }
    const first = await eventWith(/A-001/);
    assert.match(first, /data: \[\{"ticket":"A-001","counter":"Schalter 2"\}\]/);
    await clerk.get('/sprache?lang=de');
    await clerk.get(day());
    assert.equal((await clerk.post(`${day()}/aufrufen`, { counter: counters[0]!.id })).statusCode, 303);
    const next = await eventWith(/A-002/);
    assert.match(next, /data: \[\{"ticket":"A-002","counter":"Schalter 1"\},\{"ticket":"A-001","counter":"Schalter 2"\}\]/);
    assert.doesNotMatch(received, /Erika/);
    response.destroy();
  });
});
