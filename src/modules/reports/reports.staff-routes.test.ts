import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import sharp from 'sharp';
import type { Tenant } from '../tenants/tenant.js';
import { listOutbox } from '../../platform/mail/mailer.js';
import { buildTestApp, type TestApp } from '../../test-support/app.js';
import { TestBrowser } from '../../test-support/browser.js';
import { asTownOwner } from '../../test-support/database.js';
import { phoneJpeg, setUpReports } from '../../test-support/reports.js';
import { signInClerk, type Clerk } from '../../test-support/staff.js';

describe('defect reports in the back office', () => {
  let app: TestApp;
  let tenant: Tenant;
  let host: string;
  let street: string;
  let bauamt: Clerk;
  let abfall: Clerk;
  let departments: Record<string, string>;
  before(async () => {
    app = await buildTestApp();
    ({ tenant, host } = await app.createTown());
    await setUpReports(app.database.db, tenant.id);
    street = (await asTownOwner(app.database.db, tenant.id, (trx) => trx.selectFrom('report_streets').select('id').where('tenant_id', '=', tenant.id).where('name', '=', 'Hauptstraße').executeTakeFirstOrThrow())).id;
    const rows = await asTownOwner(app.database.db, tenant.id, (trx) => trx.selectFrom('departments').select(['key', 'id']).where('tenant_id', '=', tenant.id).execute());
    departments = Object.fromEntries(rows.map((r) => [r.key, r.id]));
    bauamt = await app.createClerk(tenant, 'bauamt');
    abfall = await app.createClerk(tenant, 'abfallwirtschaft');
  });
  after(() => app.close());

  let reporters = 0;
  /** Files a pothole with a photo through the public form; returns its id and the reporter's address. */
  async function filePothole(email: string | null = `melder${++reporters}@example.org`): Promise<{ id: string; email: string | null }> {
    const citizen = new TestBrowser(app.app, host);
    await citizen.get('/maengel/melden');
    const sent = await citizen.postMultipart('/maengel/melden', {
      kategorie: 'schlagloch', strasse: street, hausnummer: '7', beschreibung: 'Loch vor Hausnummer 7, Auto von Herrn Beispiel beschädigt', email: email ?? '', trotzdem: '1',
    }, { fotos: [{ filename: 'loch.jpg', contentType: 'image/jpeg', content: await phoneJpeg() }] });
    assert.equal(sent.statusCode, 303, sent.body.slice(0, 300));
    return { id: (sent.headers.location as string).split('/')[2]!, email };
  }

  // One signed-in browser per clerk: a second sign-in would wait for the next TOTP time step.
  const browsers = new Map<Clerk, TestBrowser>();
  async function signedIn(clerk: Clerk): Promise<TestBrowser> {
    let browser = browsers.get(clerk);
    if (!browser) {
      browser = new TestBrowser(app.app, host);
      await signInClerk(browser, clerk);
      browsers.set(clerk, browser);
    }
    return browser;
  }
  const mailsTo = async (to: string) => (await listOutbox(app.database.db, 500)).filter((m) => m.to === to && m.tenantId === tenant.id);
  const reportRow = (id: string) => asTownOwner(app.database.db, tenant.id, (trx) => trx.selectFrom('reports').selectAll().where('id', '=', id).executeTakeFirstOrThrow());

  it('shows a report to its department with place, photos and a link to the public page, and nothing of it to another department', async () => {
    const { id } = await filePothole();
    const clerk = await signedIn(bauamt);
    const inbox = await clerk.get('/verwaltung/maengel');
    assert.equal(inbox.statusCode, 200);
    assert.ok(inbox.body.includes(`/verwaltung/maengel/${id}`));
    const page = await clerk.get(`/verwaltung/maengel/${id}`);
    assert.equal(page.statusCode, 200);
    for (const shown of ['Hauptstraße 7', '51.550100, 7.110100', `href="/maengel/${id}"`, 'Loch vor Hausnummer 7', `/verwaltung/maengel/${id}/fotos/1/vorschau`]) assert.ok(page.body.includes(shown), shown);
    const thumbnail = await clerk.get(`/verwaltung/maengel/${id}/fotos/1/vorschau`);
    assert.equal(thumbnail.statusCode, 200);
    assert.equal(thumbnail.headers['content-type'], 'image/jpeg');
    const size = await sharp(thumbnail.rawPayload).metadata();
    assert.equal(Math.max(size.width!, size.height!), 320);

    const other = await signedIn(abfall);
    assert.equal((await other.get('/verwaltung/maengel')).body.includes(id), false, 'not in the other department\'s inbox');
    assert.equal((await other.get(`/verwaltung/maengel/${id}`)).statusCode, 404);
    assert.equal((await other.get(`/verwaltung/maengel/${id}/fotos/1`)).statusCode, 404);
    await other.get('/verwaltung/maengel');
    const change = await other.post(`/verwaltung/maengel/${id}/stand`, { stand: String((await reportRow(id)).updated_at.getTime()), status: 'done', kommentar: 'erledigt' });
    assert.equal(change.statusCode, 404);
    assert.equal((await reportRow(id)).status, 'received', 'the other department changed nothing');
    assert.equal((await new TestBrowser(app.app, host).get('/verwaltung/maengel')).statusCode, 303, 'signed out: to the sign-in page');
  });

  it('marks a report done with a public comment, mails the reporter with an unsubscribe link, and after unsubscribing mails no more', async () => {
    const { id, email } = await filePothole();
    const clerk = await signedIn(bauamt);
    const page = await clerk.get(`/verwaltung/maengel/${id}`);
    const stand = page.body.match(/name="stand" value="(\d+)"/)![1]!;
    const done = await clerk.post(`/verwaltung/maengel/${id}/stand`, { stand, status: 'done', kommentar: 'Das Loch wurde am Montag verfüllt.' });
    assert.equal(done.statusCode, 303);
    const publicPage = await new TestBrowser(app.app, host).get(`/maengel/${id}`);
    assert.ok(publicPage.body.includes('Erledigt'));
    assert.ok(publicPage.body.includes('Das Loch wurde am Montag verfüllt.'));

    await app.jobs.runDue();
    const [mail] = await mailsTo(email!);
    assert.ok(mail, 'the reporter got a mail');
    assert.match(mail.subject, /Schlagloch.*Erledigt/);
    assert.ok(mail.text.includes('Das Loch wurde am Montag verfüllt.'));
    assert.ok(mail.text.includes(`/maengel/${id}`));
    assert.equal(mail.text.includes('Herrn Beispiel'), false, 'nothing the reporter typed is repeated');
    const unsubscribe = mail.text.match(/https?:\/\/[^/\s]+(\/maengel\/abbestellen\/[A-Za-z0-9_-]{43})/)?.[1];
    assert.ok(unsubscribe, mail.text);
    const stored = await asTownOwner(app.database.db, tenant.id, (trx) => trx.selectFrom('report_mail_tokens').select('token_hash').where('report_id', '=', id).execute());
    assert.equal(stored.length, 1);
    assert.equal(mail.text.includes(stored[0]!.token_hash), false, 'only the hash is stored, and it is not the token');

    const reader = new TestBrowser(app.app, host);
    const confirm = await reader.get(unsubscribe);
    assert.equal(confirm.statusCode, 200);
    assert.equal(await asTownOwner(app.database.db, tenant.id, (trx) => trx.selectFrom('report_mail_stops').select('report_id').where('report_id', '=', id).executeTakeFirst()), undefined, 'opening the link alone changes nothing');
    assert.equal((await reader.post(unsubscribe, {}, { csrf: null })).statusCode, 403);
    await reader.get(unsubscribe);
    const unsubscribed = await reader.post(unsubscribe, {});
    assert.equal(unsubscribed.statusCode, 200);
    assert.match(unsubscribed.body, /keine E-Mails mehr/);
    assert.equal((await reader.get('/maengel/abbestellen/' + 'x'.repeat(43))).statusCode, 404);

    const again = await clerk.get(`/verwaltung/maengel/${id}`);
    const reopened = await clerk.post(`/verwaltung/maengel/${id}/stand`, { stand: again.body.match(/name="stand" value="(\d+)"/)![1]!, status: 'in_progress', kommentar: '' });
    assert.equal(reopened.statusCode, 303);
    await app.jobs.runDue();
    assert.equal((await mailsTo(email!)).length, 1, 'no mail after unsubscribing');
  });

  it('publishes the description and photos only once released, as the clerk shortened them', async () => {
    const { id } = await filePothole(null);
    const visitor = new TestBrowser(app.app, host);
    assert.equal((await visitor.get(`/maengel/${id}/fotos/1`)).statusCode, 404, 'no photo is public before release');
    const clerk = await signedIn(bauamt);
    const page = await clerk.get(`/verwaltung/maengel/${id}`);
    const stand = page.body.match(/name="stand" value="(\d+)"/)![1]!;
    const released = await clerk.post(`/verwaltung/maengel/${id}/freigabe`, { stand, beschreibung: 'Loch vor Hausnummer 7', foto: '1' });
    assert.equal(released.statusCode, 303);
    const publicPage = await visitor.get(`/maengel/${id}`);
    assert.ok(publicPage.body.includes('Loch vor Hausnummer 7'));
    assert.equal(publicPage.body.includes('Herrn Beispiel'), false);
    const photo = await visitor.get(`/maengel/${id}/fotos/1`);
    assert.equal(photo.statusCode, 200);
    assert.equal((await sharp(photo.rawPayload).metadata()).exif, undefined);
    assert.equal((await reportRow(id)).public_description, 'Loch vor Hausnummer 7');
  });

  it('refuses bad input, a stale form and a missing CSRF token, changing nothing and keeping what was typed', async () => {
    const { id } = await filePothole(null);
    const clerk = await signedIn(bauamt);
    const page = await clerk.get(`/verwaltung/maengel/${id}`);
    const stand = page.body.match(/name="stand" value="(\d+)"/)![1]!;
    const before = await reportRow(id);

    const tooLong = await clerk.post(`/verwaltung/maengel/${id}/stand`, { stand, status: 'rejected', kommentar: `Nicht zuständig. ${'x'.repeat(2000)}` });
    assert.equal(tooLong.statusCode, 422);
    assert.ok(tooLong.body.includes('error-summary'));
    assert.ok(tooLong.body.includes('Nicht zuständig. xxx'), 'what was typed is kept');
    const unknown = await clerk.post(`/verwaltung/maengel/${id}/stand`, { stand, status: 'archived', kommentar: '' });
    assert.equal(unknown.statusCode, 422);
    const emptyNote = await clerk.post(`/verwaltung/maengel/${id}/notizen`, { notiz: '  ' });
    assert.equal(emptyNote.statusCode, 422);
    const badDepartment = await clerk.post(`/verwaltung/maengel/${id}/weiterleiten`, { stand, abteilung: '00000000-0000-4000-8000-000000000000' });
    assert.equal(badDepartment.statusCode, 422);
    const noCsrf = await clerk.post(`/verwaltung/maengel/${id}/stand`, { stand, status: 'done', kommentar: '' }, { csrf: null });
    assert.equal(noCsrf.statusCode, 403);
    assert.deepEqual(await reportRow(id), before, 'nothing changed');
    await clerk.get(`/verwaltung/maengel/${id}`);

    assert.equal((await clerk.post(`/verwaltung/maengel/${id}/stand`, { stand, status: 'in_progress', kommentar: '' })).statusCode, 303);
    const stale = await clerk.post(`/verwaltung/maengel/${id}/stand`, { stand, status: 'rejected', kommentar: 'Doppelt' });
    assert.equal(stale.statusCode, 409);
    assert.match(stale.body, /inzwischen geändert/);
    assert.equal((await reportRow(id)).status, 'in_progress');
  });

  it('keeps internal notes internal, and passes a report on to another department with its history', async () => {
    const { id } = await filePothole(null);
    const clerk = await signedIn(bauamt);
    await clerk.get(`/verwaltung/maengel/${id}`);
    assert.equal((await clerk.post(`/verwaltung/maengel/${id}/notizen`, { notiz: 'Eigentlich Sperrmüll, bitte Abfallwirtschaft.' })).statusCode, 303);
    const page = await clerk.get(`/verwaltung/maengel/${id}`);
    assert.ok(page.body.includes('Eigentlich Sperrmüll'));
    assert.equal((await new TestBrowser(app.app, host).get(`/maengel/${id}`)).body.includes('Eigentlich Sperrmüll'), false);

    const stand = page.body.match(/name="stand" value="(\d+)"/)![1]!;
    const moved = await clerk.post(`/verwaltung/maengel/${id}/weiterleiten`, { stand, abteilung: departments.abfallwirtschaft! });
    assert.equal(moved.statusCode, 303);
    assert.equal((await clerk.get(`/verwaltung/maengel/${id}`)).statusCode, 404, 'out of the first department\'s sight');
    const other = await signedIn(abfall);
    const there = await other.get(`/verwaltung/maengel/${id}`);
    assert.equal(there.statusCode, 200);
    assert.ok(there.body.includes('Eigentlich Sperrmüll'), 'the history came along');
    const audit = await sql<{ action: string }>`select action from audit_log where tenant_id = ${tenant.id} and subject = ${`report:${id}`} order by id`.execute(app.database.db);
    assert.deepEqual(audit.rows.map((r) => r.action).filter((a) => a !== 'report.viewed'), ['report.filed', 'report.note-added', 'report.reassigned']);
  });
});
