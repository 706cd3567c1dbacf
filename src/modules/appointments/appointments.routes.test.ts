import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { inTransaction } from '../../platform/db/database.js';
import { formatDate } from '../../platform/i18n/i18n.js';
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

  /** The newest mail to an address in this town whose subject starts so. */
  async function mailTo(email: string, subject: string) {
    return (await listOutbox(app.database.db, 200)).find((m) => m.to === email && m.tenantId === tenant.id && m.subject.startsWith(subject));
  }

  /** Books and confirms the last free time of a day for one Meldebescheinigung; returns the booking page link and the confirmed page. */
  async function bookAndConfirm(citizen: TestBrowser, email: string, pick: (links: string[]) => string = (links) => links.at(-1)!) {
    const link = pick(slotLinks((await citizen.get('/termine/freie-zeiten?p_meldebescheinigung=1')).body));
    await citizen.get(link);
    assert.equal((await citizen.post(link, { name: 'Erika Muster', email })).statusCode, 303);
    await app.jobs.runDue();
    const confirmUrl = (await mailTo(email, 'Bitte bestätigen'))!.text.match(/\/termine\/bestaetigen\/[A-Za-z0-9_-]{43}/)![0];
    await citizen.get(confirmUrl);
    const confirmed = await citizen.post(confirmUrl, {});
    assert.equal(confirmed.statusCode, 200);
    return { link, confirmUrl, confirmed };
  }

  const managePathIn = (text: string) => text.match(/\/termine\/verwalten\/[A-Za-z0-9_-]{43}/)?.[0];
  const startOf = (link: string) => new Date(new URL(link, 'http://x').searchParams.get('beginn')!);

  it('shows the management link once after the confirmation and mails one; a leaked confirmation link shows none', async () => {
    const citizen = new TestBrowser(app.app, host);
    const { confirmUrl, confirmed } = await bookAndConfirm(citizen, 'leak@example.org');
    const pagePath = managePathIn(confirmed.body);
    assert.ok(pagePath, 'the confirmed page links to the management page');
    await app.jobs.runDue();
    const mail = await mailTo('leak@example.org', 'Ihr Termin ist gebucht');
    const mailPath = managePathIn(mail!.text);
    assert.ok(mailPath && mailPath !== pagePath, 'the mail has a link of its own');
    const tokens = await sql<{ token_hash: string }>`select t.token_hash from appointment_manage_tokens t join appointment_booking_contacts c on c.booking_id = t.booking_id where c.email = 'leak@example.org' and t.tenant_id = ${tenant.id}`.execute(app.database.db);
    assert.equal(tokens.rows.length, 2);
    assert.ok(tokens.rows.every((r) => /^[0-9a-f]{64}$/.test(r.token_hash) && !pagePath.includes(r.token_hash) && !mailPath.includes(r.token_hash)), 'only hashes are stored');

    // Whoever finds the used confirmation link learns nothing that lets them change the appointment.
    const stranger = new TestBrowser(app.app, host);
    await stranger.get(confirmUrl);
    const again = await stranger.post(confirmUrl, {});
    assert.match(again.body, /Ihr Termin ist bereits gebucht/);
    assert.equal(managePathIn(again.body), undefined);
    assert.ok(!citizen.cookieHeader.includes(pagePath.split('/').at(-1)!), 'the token is not in a cookie');
    const manage = await citizen.get(pagePath);
    assert.equal(manage.statusCode, 200);
    assert.equal(manage.headers['cache-control'], 'no-store');
    assert.equal(manage.headers['referrer-policy'], 'no-referrer');
    assert.match(manage.body, /Termin absagen/);
  });

  it('reschedules by the mailed link: the new time is booked and the old one freed in one step, with a revised calendar file; then cancels', async () => {
    const citizen = new TestBrowser(app.app, host);
    const email = 'move@example.org';
    const { link } = await bookAndConfirm(citizen, email);
    await app.jobs.runDue();
    const booked = (await mailTo(email, 'Ihr Termin ist gebucht'))!;
    const uid = booked.attachments[0]!.content.match(/UID:(\S+)/)![1];
    assert.match(booked.attachments[0]!.content, /SEQUENCE:0/);
    const manageUrl = managePathIn(booked.text)!;
    const manage = await citizen.get(manageUrl);
    const moves = [...manage.body.matchAll(/href="(\/termine\/verwalten\/[^"?]+\/verschieben\?beginn=[^"]+)"/g)].map((m) => m[1]!.replaceAll('&amp;', '&'));
    assert.ok(moves.length > 1, 'free times to move to');
    assert.ok(!moves.some((m) => startOf(m).getTime() === startOf(link).getTime()), 'not its own time');
    const target = moves[0]!;
    const form = await citizen.get(target);
    assert.equal(form.statusCode, 200);
    assert.match(form.body, /Bisheriger Termin/);
    assert.equal((await citizen.post(target, {}, { csrf: null })).statusCode, 403);
    await citizen.get(target);
    const moved = await citizen.post(target, {});
    assert.equal(moved.statusCode, 303, moved.body.slice(0, 400));
    assert.equal(moved.headers.location, '/termine/verschoben');

    const bookings = await sql<{ status: string; start: Date; rescheduled_to: string | null; calendar_sequence: number }>`select b.status, lower(b.span) as start, b.rescheduled_to, b.calendar_sequence from appointment_bookings b join appointment_booking_contacts c on c.booking_id = b.id where c.email = ${email} and b.tenant_id = ${tenant.id} order by b.created_at`.execute(app.database.db);
    assert.deepEqual(bookings.rows.map((r) => [r.status, new Date(r.start).toISOString(), r.calendar_sequence]), [
      ['cancelled', startOf(link).toISOString(), 0], ['confirmed', startOf(target).toISOString(), 1],
    ]);
    assert.ok(bookings.rows[0]!.rescheduled_to);
    assert.ok(slotLinks((await citizen.get('/termine/freie-zeiten?p_meldebescheinigung=1')).body).includes(link), 'the old time is free again');

    // The old link is used up; the new mail has the revised calendar entry and a new link.
    const old = await citizen.get(manageUrl);
    assert.equal(old.statusCode, 410);
    assert.match(old.body, /Der Termin wurde verschoben/);
    await app.jobs.runDue();
    const rescheduled = (await mailTo(email, 'Ihr Termin ist verschoben'))!;
    assert.ok(rescheduled, 'a mail about the new time');
    const ics = rescheduled.attachments[0]!.content;
    assert.equal(ics.match(/UID:(\S+)/)![1], uid, 'the same calendar entry');
    assert.match(ics, /SEQUENCE:1/);
    assert.ok(!(await mailTo(email, 'Ihr Termin ist abgesagt')), 'no cancellation mail for a move');

    const newUrl = managePathIn(rescheduled.text)!;
    await citizen.get(newUrl);
    assert.equal((await citizen.post(`${newUrl}/absagen`, {}, { csrf: null })).statusCode, 403);
    await citizen.get(newUrl);
    const cancelled = await citizen.post(`${newUrl}/absagen`, {});
    assert.equal(cancelled.statusCode, 303);
    assert.equal(cancelled.headers.location, '/termine/abgesagt');
    assert.match((await citizen.get('/termine/abgesagt')).body, /Ihr Termin ist abgesagt/);
    const gone = await citizen.get(newUrl);
    assert.equal(gone.statusCode, 410);
    assert.match(gone.body, /Der Termin ist abgesagt/);
    await citizen.get(link);
    assert.equal((await citizen.post(`${newUrl}/absagen`, {})).statusCode, 410, 'a used link cancels nothing twice');
    const freeStarts = slotLinks((await citizen.get('/termine/freie-zeiten?p_meldebescheinigung=1')).body).map((l) => startOf(l).toISOString());
    assert.ok(freeStarts.includes(startOf(target).toISOString()), 'the cancelled time is free again');
    await app.jobs.runDue();
    const cancelMail = (await mailTo(email, 'Ihr Termin ist abgesagt'))!;
    assert.ok(cancelMail && !cancelMail.text.includes('Erika'));
    assert.match(cancelMail.attachments[0]!.content, /METHOD:CANCEL/);
    assert.match(cancelMail.attachments[0]!.content, /STATUS:CANCELLED/);
    assert.match(cancelMail.attachments[0]!.content, /SEQUENCE:2/);
    assert.equal(cancelMail.attachments[0]!.content.match(/UID:(\S+)/)![1], uid);
  });

  it('answers forged, unknown and malformed management links with a clear 404 page, in German and English', async () => {
    const citizen = new TestBrowser(app.app, host);
    const forged = await citizen.get(`/termine/verwalten/${'A'.repeat(43)}`);
    assert.equal(forged.statusCode, 404);
    assert.match(forged.body, /Der Link ist nicht gültig/);
    assert.equal((await citizen.get('/termine/verwalten/kurz')).statusCode, 404);
    assert.equal((await citizen.get(`/termine/verwalten/${'A'.repeat(43)}/verschieben?beginn=2026-12-01T08:00:00Z`)).statusCode, 404);
    // A page with a form gives the browser a CSRF token; the forged link still cancels nothing.
    await citizen.get(slotLinks((await citizen.get('/termine/freie-zeiten?p_meldebescheinigung=1')).body)[0]!);
    assert.equal((await citizen.post(`/termine/verwalten/${'A'.repeat(43)}/absagen`, {})).statusCode, 404);
    await citizen.get('/sprache?lang=en');
    const english = await citizen.get(`/termine/verwalten/${'B'.repeat(43)}`);
    assert.equal(english.statusCode, 404);
    assert.match(english.body, /The link is not valid/);
  });

  it('refuses to move an appointment to a time that is taken, keeping the old one', async () => {
    const citizen = new TestBrowser(app.app, host);
    const first = await bookAndConfirm(citizen, 'keep@example.org', (links) => links.at(-2)!);
    const manageUrl = managePathIn(first.confirmed.body)!;
    const other = new TestBrowser(app.app, host);
    const taken = await bookAndConfirm(other, 'other@example.org', (links) => links.at(-1)!);
    const target = `${manageUrl}/verschieben?beginn=${startOf(taken.link).toISOString()}`;
    await citizen.get(manageUrl);
    const refused = await citizen.post(target, {});
    assert.equal(refused.statusCode, 409);
    assert.match(refused.body, /Dieser Termin ist gerade vergeben worden/);
    const status = await sql<{ status: string }>`select b.status from appointment_bookings b join appointment_booking_contacts c on c.booking_id = b.id where c.email = 'keep@example.org' and b.tenant_id = ${tenant.id}`.execute(app.database.db);
    assert.deepEqual(status.rows.map((r) => r.status), ['confirmed']);
  });

  /** The reminder jobs of the bookings of an address: payload's booking, when due, whether done. */
  async function remindersOf(email: string) {
    return (await sql<{ id: string; booking_id: string; run_at: Date; done_at: Date | null }>`select j.id, j.payload->>'bookingId' as booking_id, j.run_at, j.done_at from jobs j
      join appointment_booking_contacts c on c.booking_id::text = j.payload->>'bookingId' and c.tenant_id = j.tenant_id
      where j.kind = 'appointments.reminder' and c.email = ${email} and j.tenant_id = ${tenant.id} order by j.run_at`.execute(app.database.db)).rows;
  }
  /** Lets the clock reach a job's time: it becomes due now. */
  const makeDue = (jobId: string) => sql`update jobs set run_at = now() where id = ${jobId}`.execute(app.database.db);

  it('reminds 24 hours before by a durable job, sent by the worker when due, with a management link', async () => {
    const citizen = new TestBrowser(app.app, host);
    const email = 'remind@example.org';
    const { link } = await bookAndConfirm(citizen, email);
    const [reminder] = await remindersOf(email);
    assert.ok(reminder, 'a reminder job is written with the confirmation');
    assert.equal(new Date(reminder.run_at).getTime(), startOf(link).getTime() - 24 * 3_600_000);
    await app.jobs.runDue();
    assert.equal((await remindersOf(email))[0]!.done_at, null, 'not before its time');
    assert.equal(await mailTo(email, 'Erinnerung'), undefined);
    await makeDue(reminder.id);
    await app.jobs.runDue();
    const mail = await mailTo(email, 'Erinnerung an Ihren Termin');
    assert.ok(mail, 'the reminder is sent when due');
    assert.ok(managePathIn(mail.text) && !mail.text.includes('Erika'));
    assert.equal((await citizen.get(managePathIn(mail.text)!)).statusCode, 200);
  });

  it('sends no reminder for a cancelled appointment, nor for the old time of a rescheduled one', async () => {
    const citizen = new TestBrowser(app.app, host);
    const cancelEmail = 'noremind@example.org';
    const cancelled = await bookAndConfirm(citizen, cancelEmail);
    const manageUrl = managePathIn(cancelled.confirmed.body)!;
    await citizen.get(manageUrl);
    assert.equal((await citizen.post(`${manageUrl}/absagen`, {})).statusCode, 303);

    const moveEmail = 'moveremind@example.org';
    const moved = await bookAndConfirm(citizen, moveEmail, (links) => links.at(-2)!);
    const moveUrl = managePathIn(moved.confirmed.body)!;
    const manage = await citizen.get(moveUrl);
    const target = [...manage.body.matchAll(/href="(\/termine\/verwalten\/[^"?]+\/verschieben\?beginn=[^"]+)"/g)].map((m) => m[1]!.replaceAll('&amp;', '&')).at(-1)!;
    await citizen.get(target);
    assert.equal((await citizen.post(target, {})).statusCode, 303);

    const [cancelledReminder] = await remindersOf(cancelEmail);
    const movedReminders = await remindersOf(moveEmail);
    assert.equal(movedReminders.length, 2, 'one for the old time, one for the new');
    for (const job of [cancelledReminder!, ...movedReminders]) await makeDue(job.id);
    await app.jobs.runDue();
    assert.equal(await mailTo(cancelEmail, 'Erinnerung'), undefined, 'no reminder after the cancellation');
    const reminders = (await listOutbox(app.database.db, 200)).filter((m) => m.to === moveEmail && m.subject.startsWith('Erinnerung'));
    assert.equal(reminders.length, 1, 'one reminder, for the new time only');
    assert.ok(reminders[0]!.text.includes(formatDate(startOf(target), 'de', true)), reminders[0]!.text);
    assert.ok(!reminders[0]!.text.includes(formatDate(startOf(moved.link), 'de', true)));
    assert.ok((await remindersOf(cancelEmail)).every((j) => j.done_at !== null), 'the job is done, not retried');
  });

  it('links each catalog service page offered at a location to the booking with that service chosen', async () => {
    const citizen = new TestBrowser(app.app, host);
    const offered = await citizen.get('/leistungen/personalausweis');
    assert.equal(offered.statusCode, 200);
    assert.match(offered.body, /href="\/termine\?leistung=personalausweis"/);
    assert.match((await citizen.get('/termine?leistung=personalausweis')).body, /<option value="1" selected/);
    const notOffered = await citizen.get('/leistungen/reisepass');
    assert.equal(notOffered.statusCode, 200);
    assert.doesNotMatch(notOffered.body, /href="\/termine\?leistung=/);
    await citizen.get('/sprache?lang=en');
    assert.match((await citizen.get('/leistungen/meldebescheinigung')).body, /Book an appointment/);
  });

  it('refuses a third open appointment for the same service and address with a clear message, keeping what was typed', async () => {
    const citizen = new TestBrowser(app.app, host);
    // An hour apart: the 20-minute appointments must not overlap on the one counter.
    const links = slotLinks((await citizen.get('/termine/freie-zeiten?p_personalausweis=1')).body).filter((_, i) => i % 4 === 0);
    for (const link of links.slice(0, 2)) {
      await citizen.get(link);
      assert.equal((await citizen.post(link, { name: 'Erika Muster', email: 'hamster@example.org' })).statusCode, 303);
    }
    await citizen.get(links[2]!);
    const refused = await citizen.post(links[2]!, { name: 'Erika Muster', email: 'Hamster@example.org' });
    assert.equal(refused.statusCode, 422);
    assert.match(fieldError(refused.body, 'email') ?? '', /schon 2 Termine für diese Leistung/);
    assert.match(refused.body, /value="Hamster@example.org"/);
  });
});
