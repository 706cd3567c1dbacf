import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { inTransaction } from '../../platform/db/database.js';
import { berlinDay } from '../../platform/i18n/i18n.js';
import { listOutbox } from '../../platform/mail/mailer.js';
import { buildTestApp, type TestApp } from '../../test-support/app.js';
import { TestBrowser, fieldError } from '../../test-support/browser.js';
import { signInClerk } from '../../test-support/staff.js';
import type { Tenant } from '../tenants/tenant.js';
import { seedAppointmentLocation } from './appointments.seed.js';
import { confirmAppointment, holdAppointment, issueConfirmationToken, listBookableLocations, searchFreeSlots } from './bookings.service.js';
import { solveChallenge } from './booking-friction.js';
import { confirmWaitlistEntry, issueEntryTokens, joinWaitingList, offerFreeSlots } from './waiting-list.service.js';

const everyDay = { 1: '08:00–08:20', 2: '08:00–08:20', 3: '08:00–08:20', 4: '08:00–08:20', 5: '08:00–08:20', 6: '08:00–08:20', 7: '08:00–08:20' };
const identityCard = [{ serviceId: 'personalausweis', persons: 1 }];

describe('the waiting list and blocked counters in the browser', () => {
  let app: TestApp;
  let tenant: Tenant;
  let host: string;
  let officeId: string;
  let booked: Array<{ start: Date; email: string; manageToken: string }>;
  before(async () => {
    app = await buildTestApp();
    ({ tenant, host } = await app.createTown());
    // One twenty-minute slot a day for the next days, all of them booked.
    await inTransaction(app.database.db, { tenantId: tenant.id }, (trx) => seedAppointmentLocation(trx, tenant.id, {
      name: 'Bürgerbüro im Rathaus', address: 'Rathausplatz 1', department: 'buergerbuero', counters: ['Schalter 1'], leadHours: 0, horizonDays: 2,
      services: [{ service: 'personalausweis', minutes: 20 }], openingHours: everyDay,
    }));
    officeId = (await sql<{ id: string }>`select id from appointment_locations where tenant_id = ${tenant.id}`.execute(app.database.db)).rows[0]!.id;
    booked = [];
    const slots = (await searchFreeSlots(app.database.db, tenant.id, await listBookableLocations(app.database.db, tenant.id), identityCard))[0]!.days.flatMap((d) => d.slots);
    for (const [i, slot] of slots.entries()) {
      const email = `booker${i}@example.org`;
      const held = await holdAppointment(app.database.db, tenant.id, { locationId: officeId, start: slot.start, services: identityCard, name: `Booker ${i}`, email, language: 'de' });
      assert.ok(held.ok);
      const confirmed = await confirmAppointment(app.database.db, tenant.id, (await issueConfirmationToken(app.database.db, tenant.id, held.bookingId))!);
      booked.push({ start: slot.start, email, manageToken: confirmed.manageToken! });
    }
    assert.ok(booked.length >= 2);
    await app.jobs.runDue();
  });
  after(() => app.close());

  const joinPath = () => `/termine/warteliste?ort=${officeId}&p_personalausweis=1`;
  const mailTo = async (to: string, subject: RegExp) => (await listOutbox(app.database.db, 200)).find((m) => m.to === to && m.tenantId === tenant.id && subject.test(m.subject));
  const pathIn = (text: string, path: string) => new URL(text.match(new RegExp(`http://\\S+${path}/[A-Za-z0-9_-]{43}`))![0]).pathname;

  it('joins the list when nothing is free, confirms by mail, gets a cancelled slot offered and books it', async () => {
    const citizen = new TestBrowser(app.app, host);
    const free = await citizen.get('/termine/freie-zeiten?p_personalausweis=1');
    assert.match(free.body, /In den nächsten Wochen ist hier kein Termin frei/);
    assert.ok(free.body.includes(joinPath().replaceAll('&', '&amp;')), 'a link to the waiting list with the services');

    assert.equal((await citizen.get(joinPath())).statusCode, 200);
    const refused = await citizen.post(joinPath(), { name: '', email: 'anna(at)example.org' });
    assert.equal(refused.statusCode, 422);
    assert.equal(fieldError(refused.body, 'name'), 'Geben Sie Ihren Namen ein.');
    assert.match(refused.body, /value="anna\(at\)example.org"/);
    const english = new TestBrowser(app.app, host);
    await english.get('/sprache?lang=en');
    await english.get(joinPath());
    const refusedEn = await english.post(joinPath(), { name: 'Anna', email: '' });
    assert.equal(refusedEn.statusCode, 422);
    assert.match(fieldError(refusedEn.body, 'email') ?? '', /e-mail/i);
    assert.equal((await citizen.post(joinPath(), { name: 'Anna', email: 'anna@example.org' }, { csrf: null })).statusCode, 403);
    assert.equal((await citizen.get(`/termine/warteliste?ort=${officeId}`)).statusCode, 404, 'no services chosen');
    const none = await sql<{ n: number }>`select count(*)::int as n from appointment_waitlist_entries where location_id = ${officeId}`.execute(app.database.db);
    assert.equal(none.rows[0]!.n, 0, 'nothing stored by the refused forms');

    await citizen.get(joinPath());
    const joined = await citizen.post(joinPath(), { name: 'Anna Muster', email: 'anna@example.org' });
    assert.equal(joined.statusCode, 303);
    assert.equal(joined.headers.location, '/termine/warteliste/eingetragen');
    await app.jobs.runDue();
    const optinMail = await mailTo('anna@example.org', /Warteliste/);
    assert.ok(optinMail, 'an opt-in mail');
    assert.ok(!optinMail.text.includes('Anna Muster'), 'the mail names no one');
    const optin = pathIn(optinMail.text, '/termine/warteliste/bestaetigen');
    assert.match((await citizen.get(optin)).body, /Eintragung bestätigen/);
    assert.match((await citizen.post(optin, {})).body, /Sie stehen auf der Warteliste/);
    await citizen.get(`/termine/warteliste/bestaetigen/${'A'.repeat(43)}`);
    assert.equal((await citizen.post(`/termine/warteliste/bestaetigen/${'A'.repeat(43)}`, {})).statusCode, 404, 'a forged link');

    // A booker cancels: the slot is offered to Anna alone.
    const booker = new TestBrowser(app.app, host);
    await booker.get(`/termine/verwalten/${booked[0]!.manageToken}`);
    assert.equal((await booker.post(`/termine/verwalten/${booked[0]!.manageToken}/absagen`, {})).statusCode, 303);
    await app.jobs.runDue();
    const offer = await mailTo('anna@example.org', /frei geworden/);
    assert.ok(offer, 'an offer mail');
    const other = new TestBrowser(app.app, host);
    assert.match((await other.get('/termine/freie-zeiten?p_personalausweis=1')).body, /kein Termin frei/, 'the offered slot is nobody else’s');
    const confirm = pathIn(offer.text, '/termine/bestaetigen');
    await citizen.get(confirm);
    const confirmed = await citizen.post(confirm, {});
    assert.equal(confirmed.statusCode, 200);
    const status = await sql<{ status: string }>`select b.status from appointment_waitlist_entries e join appointment_bookings b on b.id = e.offered_booking_id where e.location_id = ${officeId}`.execute(app.database.db);
    assert.equal(status.rows[0]!.status, 'confirmed');
  });

  it('lets the department’s clerk block a counter: the citizen is mailed the reason and a link to free times', async () => {
    const clerk = new TestBrowser(app.app, host);
    await signInClerk(clerk, await app.createClerk(tenant, 'buergerbuero'));
    const path = `/verwaltung/termine/${officeId}/sperren`;
    assert.equal((await clerk.get(path)).statusCode, 200);
    const counter = (await sql<{ id: string }>`select id from appointment_resources where location_id = ${officeId}`.execute(app.database.db)).rows[0]!.id;
    const target = booked[1]!;
    const form = { resourceId: counter, day: berlinDay(target.start), from: '07:00', until: '12:00', reason: 'Schulung des Teams' };
    const bad = await clerk.post(path, { ...form, until: '06:00' });
    assert.equal(bad.statusCode, 422);
    assert.equal(fieldError(bad.body, 'until'), 'Das Ende muss nach dem Beginn liegen.');
    assert.match(bad.body, /value="Schulung des Teams"/);

    const stranger = new TestBrowser(app.app, host);
    await signInClerk(stranger, await app.createClerk(tenant, 'zentrale'));
    assert.equal((await stranger.get(path)).statusCode, 403);

    await clerk.get(path);
    const done = await clerk.post(path, form);
    assert.equal(done.statusCode, 303);
    assert.equal(done.headers.location, `${path}?abgesagt=1`);
    assert.match((await clerk.get(done.headers.location as string)).body, /Schulung des Teams/);
    await app.jobs.runDue();
    const mail = await mailTo(target.email, /ausfallen/);
    assert.ok(mail, 'a mail to the citizen');
    assert.match(mail.text, /Grund: Schulung des Teams/);
    assert.match(mail.text, /\/termine\/freie-zeiten\?p_personalausweis=1/);
    assert.ok(mail.attachments?.some((a) => /METHOD:CANCEL/.test(a.content)), 'with a calendar file that removes the entry');
  });

  it('mails a citizen whose place ended after the office’s horizon, with a link to book or join again', async () => {
    assert.deepEqual(await joinWaitingList(app.database.db, tenant.id, { locationId: officeId, services: identityCard, name: 'Ida', email: 'ida@example.org', language: 'en' }), { ok: true });
    const entry = (await sql<{ id: string }>`select e.id from appointment_waitlist_entries e where e.location_id = ${officeId} and e.status = 'unconfirmed'`.execute(app.database.db)).rows[0]!.id;
    assert.equal(await confirmWaitlistEntry(app.database.db, tenant.id, (await issueEntryTokens(app.database.db, tenant.id, entry))!.optin), 'joined');
    await offerFreeSlots(app.database.db, tenant.id, officeId, new Date(Date.now() + 2 * 86_400_000 + 60_000));
    await app.jobs.runDue();
    const mail = await mailTo('ida@example.org', /waiting list has ended/);
    assert.ok(mail, 'a mail in the language of the place');
    assert.match(mail.text, /in the 2 days of your place/);
    assert.match(mail.text, /\/termine\/freie-zeiten\?p_personalausweis=1/);
  });
});

describe('the waiting list’s join form with friction', () => {
  let app: TestApp;
  let tenant: Tenant;
  let host: string;
  let joinPath: string;
  before(async () => {
    app = await buildTestApp({ APPOINTMENT_FRICTION_BITS: '10' });
    ({ tenant, host } = await app.createTown());
    // No opening hours: never a free time, so the list can always be joined.
    await inTransaction(app.database.db, { tenantId: tenant.id }, (trx) => seedAppointmentLocation(trx, tenant.id, {
      name: 'Bürgerbüro Nord', address: 'Nordplatz 1', department: 'buergerbuero', counters: ['Schalter 1'], services: [{ service: 'personalausweis', minutes: 20, maxPersons: 2 }], openingHours: {},
    }));
    joinPath = `/termine/warteliste?ort=${(await sql<{ id: string }>`select id from appointment_locations where tenant_id = ${tenant.id}`.execute(app.database.db)).rows[0]!.id}&p_personalausweis=1`;
  });
  after(() => app.close());

  const hidden = (page: string, name: string) => page.match(new RegExp(`name="${name}" value="([^"]*)"`))?.[1];
  const places = async (email: string) =>
    (await sql<{ n: number }>`select count(*)::int as n from appointment_waitlist_contacts where email = ${email} and tenant_id = ${tenant.id}`.execute(app.database.db)).rows[0]!.n;

  it('names typing mistakes first, asks a form sent at once without the work to be sent again, and joins with the work done', async () => {
    const citizen = new TestBrowser(app.app, host);
    const form = await citizen.get(joinPath);
    const challenge = hidden(form.body, 'challenge')!;
    assert.ok(challenge, 'the form carries a challenge');
    assert.match(form.body, /data-friction-bits="10"/);
    assert.match(form.body, /<script src="\/static\/booking-friction.js" defer><\/script>/);

    const mistyped = await citizen.post(joinPath, { name: '', email: 'wait@example.org', challenge, solution: '' });
    assert.equal(mistyped.statusCode, 422);
    assert.equal(fieldError(mistyped.body, 'name'), 'Geben Sie Ihren Namen ein.');
    assert.equal(hidden(mistyped.body, 'challenge'), challenge, 'the challenge is kept, so the waiting time goes on');
    const early = await citizen.post(joinPath, { name: 'Wanda Muster', email: 'wait@example.org', challenge, solution: '' });
    assert.equal(early.statusCode, 422);
    assert.match(early.body, /frühestens 8 Sekunden nach dem Öffnen/);
    assert.match(early.body, /<title>Nicht eingetragen: /);
    assert.match(early.body, /value="Wanda Muster"/);
    const forged = await citizen.post(joinPath, { name: 'Wanda Muster', email: 'wait@example.org', challenge: `${challenge}x`, solution: solveChallenge(challenge) });
    assert.equal(forged.statusCode, 422);
    assert.match(forged.body, /Das Formular war abgelaufen oder unvollständig/);
    // A challenge for another choice of services does not count for this one.
    const other = hidden((await citizen.get(joinPath.replace('p_personalausweis=1', 'p_personalausweis=2'))).body, 'challenge')!;
    await citizen.get(joinPath);
    const otherServices = await citizen.post(joinPath, { name: 'Wanda Muster', email: 'wait@example.org', challenge: other, solution: solveChallenge(other) });
    assert.match(otherServices.body, /Das Formular war abgelaufen oder unvollständig/);
    assert.equal(await places('wait@example.org'), 0, 'nothing stored');

    const fresh = hidden(forged.body, 'challenge')!;
    assert.notEqual(fresh, `${challenge}x`);
    const joined = await citizen.post(joinPath, { name: 'Wanda Muster', email: 'wait@example.org', challenge: fresh, solution: solveChallenge(fresh) });
    assert.equal(joined.statusCode, 303);
    assert.equal(await places('wait@example.org'), 1);

    const english = new TestBrowser(app.app, host);
    await english.get('/sprache?lang=en');
    const tooEarly = await english.post(joinPath, { name: 'Walt Muster', email: 'walt@example.org', challenge: hidden((await english.get(joinPath)).body, 'challenge')!, solution: '' });
    assert.equal(tooEarly.statusCode, 422);
    assert.match(tooEarly.body, /at the earliest 8 seconds after opening it/);
    assert.equal(await places('walt@example.org'), 0);
  });
});
