import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { listOutbox } from '../../platform/mail/mailer.js';
import { buildTestApp, type TestApp } from '../../test-support/app.js';
import { submitViaApi, complaintAnswers } from '../../test-support/applications.js';
import { TestBrowser, fieldError } from '../../test-support/browser.js';
import { enterPassword, signInClerk, type Clerk } from '../../test-support/staff.js';
import type { Tenant } from '../tenants/tenant.js';

/** The error summary's messages. */
function summary(page: string): string[] {
  const box = page.match(/class="kern-alert kern-alert--danger error-summary"[\s\S]*?<\/ul>/)?.[0] ?? '';
  return [...box.matchAll(/<a class="kern-link" href="#[^"]+">([^<]*)<\/a>/g)].map((m) => m[1]!);
}

describe('town administration under /verwaltung/admin', () => {
  let app: TestApp;
  let tenant: Tenant;
  let host: string;
  let admin: Clerk;
  let adminBrowser: TestBrowser;
  before(async () => {
    app = await buildTestApp();
    ({ tenant, host } = await app.createTown());
    admin = await app.createClerk(tenant, 'zentrale', { townAdmin: true });
    adminBrowser = new TestBrowser(app.app, host);
    await signInClerk(adminBrowser, admin);
  });
  after(() => app.close());

  async function signedIn(clerk: Clerk, on = host): Promise<TestBrowser> {
    const browser = new TestBrowser(app.app, on);
    await signInClerk(browser, clerk);
    return browser;
  }

  async function staffIdOf(email: string): Promise<string> {
    return (await sql<{ id: string }>`select id from staff where tenant_id = ${tenant.id} and email = ${email}`.execute(app.database.db)).rows[0]!.id;
  }

  async function invitationLink(email: string): Promise<string> {
    await app.jobs.runDue();
    const mail = (await listOutbox(app.database.db, 200)).find((m) => m.to === email && m.tenantId === tenant.id);
    assert.ok(mail, `an invitation mail to ${email}`);
    const url = mail.text.match(/http:\/\/\S+\/verwaltung\/einladung\/[A-Za-z0-9_-]{43}/)?.[0];
    assert.ok(url, mail.text);
    return new URL(url).pathname;
  }

  it('shows the administration link only to admins', async () => {
    assert.match((await adminBrowser.get('/verwaltung')).body, /href="\/verwaltung\/admin"/);
    const clerk = await signedIn(await app.createClerk(tenant, 'zentrale'));
    assert.doesNotMatch((await clerk.get('/verwaltung')).body, /href="\/verwaltung\/admin"/);
    const deptAdmin = await signedIn(await app.createClerk(tenant, 'ordnungsamt', { role: 'department_admin' }));
    assert.match((await deptAdmin.get('/verwaltung')).body, /href="\/verwaltung\/admin"/);
    // Without a sign-in the pages send to it.
    const anonymous = await app.app.inject({ url: '/verwaltung/admin', headers: { host } });
    assert.equal(anonymous.statusCode, 303);
    assert.equal(anonymous.headers.location, '/verwaltung/anmelden');
  });

  it('invites a new account by e-mail; the link sets the password once, then the sign-in asks for the app', async () => {
    const form = await adminBrowser.get('/verwaltung/admin/mitarbeitende/neu');
    assert.equal(form.statusCode, 200);
    assert.equal(form.headers['cache-control'], 'no-store');
    const created = await adminBrowser.post('/verwaltung/admin/mitarbeitende/neu', { name: 'Nora Neu', email: 'Nora.Neu@example.org', department: 'ordnungsamt', role: 'clerk' });
    assert.equal(created.statusCode, 303, created.body.slice(0, 500));
    const id = await staffIdOf('nora.neu@example.org');
    assert.equal(created.headers.location, `/verwaltung/admin/mitarbeitende/${id}?erledigt=created`);
    const page = await adminBrowser.get(String(created.headers.location));
    assert.match(page.body, /Das Konto wurde angelegt/);
    assert.match(page.body, /Eingeladen/);

    const link = await invitationLink('nora.neu@example.org');
    const mail = (await listOutbox(app.database.db, 200)).find((m) => m.to === 'nora.neu@example.org' && m.tenantId === tenant.id)!;
    assert.ok(!mail.text.includes('Nora'), 'the mail names no one');
    assert.ok(!app.logs.join('').includes(link.split('/').pop()!), 'the token is not logged');
    const stored = await sql<{ token_hash: string }>`select token_hash from staff_invitations where staff_id = ${id}`.execute(app.database.db);
    assert.ok(!stored.rows[0]!.token_hash.includes(link.split('/').pop()!), 'only the hash is stored');

    const invitee = new TestBrowser(app.app, host);
    const open = await invitee.get(link);
    assert.equal(open.statusCode, 200);
    assert.match(open.body, /nora\.neu@example\.org/);
    const mismatch = await invitee.post(link, { password: 'ein langes gutes passwort', passwordConfirm: 'ein anderes passwort' });
    assert.equal(mismatch.statusCode, 422);
    assert.equal(fieldError(mismatch.body, 'passwordConfirm'), 'Die beiden Passwörter stimmen nicht überein.');
    const short = await invitee.post(link, { password: 'kurz', passwordConfirm: 'kurz' });
    assert.equal(fieldError(short.body, 'password'), 'Das Passwort muss mindestens 12 Zeichen lang sein.');
    assert.equal((await invitee.post(link, { password: 'ein langes gutes passwort', passwordConfirm: 'ein langes gutes passwort' }, { csrf: null })).statusCode, 403);
    // Before the password is chosen, no password signs the account in.
    const early = new TestBrowser(app.app, host);
    await early.get('/verwaltung/anmelden');
    assert.equal((await early.post('/verwaltung/anmelden', { email: 'nora.neu@example.org', password: 'not-a-real-password' })).statusCode, 422);

    await invitee.get(link);
    const csrf = invitee.csrf;
    const accepted = await invitee.post(link, { password: 'ein langes gutes passwort', passwordConfirm: 'ein langes gutes passwort' });
    assert.equal(accepted.statusCode, 303);
    assert.equal(accepted.headers.location, '/verwaltung/anmelden');
    // Single use: the same link is dead, for showing and for posting.
    assert.equal((await invitee.get(link)).statusCode, 404);
    assert.match(invitee.lastPage, /Der Einladungslink gilt nicht/);
    assert.equal((await invitee.post(link, { password: 'ein anderes langes passwort', passwordConfirm: 'ein anderes langes passwort' }, { csrf })).statusCode, 404);

    const next = new TestBrowser(app.app, host);
    assert.equal(await enterPassword(next, { email: 'nora.neu@example.org', password: 'ein langes gutes passwort' }), '/verwaltung/anmelden/einrichten');
    const audit = await sql<{ action: string }>`select action from audit_log where subject = ${`staff:${id}`} order by id`.execute(app.database.db);
    assert.deepEqual(audit.rows.map((r) => r.action), ['staff.created', 'staff.invitation_accepted']);
  });

  it('refuses an expired invitation link and sends a new one on request', async () => {
    await adminBrowser.get('/verwaltung/admin/mitarbeitende/neu');
    await adminBrowser.post('/verwaltung/admin/mitarbeitende/neu', { name: 'Spät', email: 'spaet@example.org', department: '', role: 'clerk' });
    const link = await invitationLink('spaet@example.org');
    const id = await staffIdOf('spaet@example.org');
    await sql`update staff_invitations set expires_at = now() - interval '1 second' where staff_id = ${id}`.execute(app.database.db);
    const invitee = new TestBrowser(app.app, host);
    assert.equal((await invitee.get(link)).statusCode, 404);
    assert.equal((await invitee.get('/verwaltung/einladung/kurz')).statusCode, 404);

    await adminBrowser.get(`/verwaltung/admin/mitarbeitende/${id}`);
    const resent = await adminBrowser.post(`/verwaltung/admin/mitarbeitende/${id}/einladung`, {});
    assert.equal(resent.headers.location, `/verwaltung/admin/mitarbeitende/${id}?erledigt=invitationSent`);
    await app.jobs.runDue();
    const links = (await listOutbox(app.database.db, 200)).filter((m) => m.to === 'spaet@example.org' && m.tenantId === tenant.id);
    assert.equal(links.length, 2);
    const fresh = new URL(links[0]!.text.match(/http:\/\/\S+\/verwaltung\/einladung\/\S+/)![0]).pathname;
    assert.notEqual(fresh, link);
    assert.equal((await invitee.get(fresh)).statusCode, 200);
  });

  it('keeps what was typed and says what is wrong: duplicate address, invalid address, unknown department', async () => {
    await adminBrowser.get('/verwaltung/admin/mitarbeitende/neu');
    const duplicate = await adminBrowser.post('/verwaltung/admin/mitarbeitende/neu', { name: 'Doppelt', email: admin.email.toUpperCase(), department: 'zentrale', role: 'team_lead' });
    assert.equal(duplicate.statusCode, 422);
    assert.equal(fieldError(duplicate.body, 'email'), 'Es gibt bereits ein Konto mit dieser E-Mail-Adresse.');
    assert.match(duplicate.body, /value="Doppelt"/);
    assert.match(duplicate.body, /<option value="team_lead" selected/);
    assert.match(duplicate.body, /<title>Nicht gespeichert: /);

    const bad = await adminBrowser.post('/verwaltung/admin/mitarbeitende/neu', { name: '', email: 'kein-at', department: 'gibt-es-nicht', role: 'clerk' });
    assert.equal(bad.statusCode, 422);
    assert.deepEqual(summary(bad.body), ['Geben Sie den Namen ein.', 'Geben Sie eine E-Mail-Adresse im Format name@beispiel.de ein.']);
    const unknown = await adminBrowser.post('/verwaltung/admin/mitarbeitende/neu', { name: 'Jemand', email: 'jemand@example.org', department: 'gibt-es-nicht', role: 'clerk' });
    assert.equal(fieldError(unknown.body, 'department'), 'Diesen Fachbereich gibt es nicht.');
    const english = await adminBrowser.post('/verwaltung/admin/mitarbeitende/neu', { name: 'Jemand', email: 'jemand@example.org', department: 'zentrale', role: 'boss' });
    assert.equal(fieldError(english.body, 'role'), 'Wählen Sie Sachbearbeitung, Teamleitung oder Fachbereichsadministration.');
    const count = await sql<{ n: number }>`select count(*)::int as n from staff where tenant_id = ${tenant.id} and email in ('jemand@example.org', 'kein-at')`.execute(app.database.db);
    assert.equal(count.rows[0]!.n, 0, 'nothing stored');
  });

  it('refuses clerks, department admins outside their department, form posts without CSRF token, and other towns', async () => {
    const target = await app.createClerk(tenant, 'steueramt');
    const clerk = await signedIn(await app.createClerk(tenant, 'ordnungsamt'));
    for (const path of ['/verwaltung/admin', '/verwaltung/admin/mitarbeitende/neu', `/verwaltung/admin/mitarbeitende/${target.id}`, '/verwaltung/admin/fachbereiche']) {
      const page = await clerk.get(path);
      assert.equal(page.statusCode, 403, path);
      assert.match(page.body, /Keine Berechtigung/);
    }
    assert.equal((await clerk.post(`/verwaltung/admin/mitarbeitende/${target.id}/rollen`, { department: 'ordnungsamt', role: 'clerk' })).statusCode, 403);

    const deptAdmin = await signedIn(await app.createClerk(tenant, 'ordnungsamt', { role: 'department_admin' }));
    const page = await deptAdmin.get(`/verwaltung/admin/mitarbeitende/${target.id}`);
    assert.equal(page.statusCode, 200);
    assert.doesNotMatch(page.body, /Konto deaktivieren/, 'no account actions for a department admin');
    assert.doesNotMatch(page.body, /aria-label="Rolle im Fachbereich steueramt entziehen"/, 'no revoking outside the own department');
    assert.match(page.body, /<option value="ordnungsamt"/);
    assert.doesNotMatch(page.body, /<option value="steueramt"/, 'only the own department is offered');
    assert.equal((await deptAdmin.post(`/verwaltung/admin/mitarbeitende/${target.id}/rollen`, { department: 'steueramt', role: 'team_lead' })).statusCode, 403);
    assert.equal((await deptAdmin.post(`/verwaltung/admin/mitarbeitende/${target.id}/rollen/entziehen`, { department: 'steueramt' })).statusCode, 403);
    assert.equal((await deptAdmin.post(`/verwaltung/admin/mitarbeitende/${target.id}/status`, { active: 'nein' })).statusCode, 403);
    assert.equal((await deptAdmin.get('/verwaltung/admin/fachbereiche')).statusCode, 403);
    const granted = await deptAdmin.post(`/verwaltung/admin/mitarbeitende/${target.id}/rollen`, { department: 'ordnungsamt', role: 'team_lead' });
    assert.equal(granted.statusCode, 303);
    const roles = await sql<{ key: string; role: string }>`select d.key, sd.role from staff_departments sd join departments d on d.id = sd.department_id where sd.staff_id = ${target.id} order by d.key`.execute(app.database.db);
    assert.deepEqual(roles.rows, [{ key: 'ordnungsamt', role: 'team_lead' }, { key: 'steueramt', role: 'clerk' }]);

    await adminBrowser.get(`/verwaltung/admin/mitarbeitende/${target.id}`);
    assert.equal((await adminBrowser.post(`/verwaltung/admin/mitarbeitende/${target.id}/status`, { active: 'nein' }, { csrf: 'falsch' })).statusCode, 403);
    assert.equal((await adminBrowser.post(`/verwaltung/admin/mitarbeitende/${target.id}/status`, { active: 'nein' }, { csrf: null })).statusCode, 403);
    const still = await sql<{ deactivated_at: Date | null }>`select deactivated_at from staff where id = ${target.id}`.execute(app.database.db);
    assert.equal(still.rows[0]!.deactivated_at, null, 'nothing changed without the token');

    // Another town's account and department do not exist here.
    const other = await app.createTown();
    const stranger = await app.createClerk(other.tenant, 'zentrale');
    assert.equal((await adminBrowser.get(`/verwaltung/admin/mitarbeitende/${stranger.id}`)).statusCode, 404);
    await adminBrowser.get('/verwaltung/admin');
    assert.equal((await adminBrowser.post(`/verwaltung/admin/mitarbeitende/${stranger.id}/status`, { active: 'nein' })).statusCode, 404);
    assert.equal((await adminBrowser.get('/verwaltung/admin/mitarbeitende/keine-id')).statusCode, 404);
    // And this town's admin is nobody on the other town's host.
    const elsewhere = new TestBrowser(app.app, other.host);
    await elsewhere.get('/verwaltung/anmelden');
    assert.equal((await elsewhere.post('/verwaltung/anmelden', { email: admin.email, password: admin.password })).statusCode, 422);
  });

  it('leaves a clerk whose last role was revoked with an empty inbox, not an error', async () => {
    const moved = await app.createClerk(tenant, 'gewerbeamt');
    const browser = await signedIn(moved);
    await adminBrowser.get(`/verwaltung/admin/mitarbeitende/${moved.id}`);
    const revoked = await adminBrowser.post(`/verwaltung/admin/mitarbeitende/${moved.id}/rollen/entziehen`, { department: 'gewerbeamt' });
    assert.equal(revoked.headers.location, `/verwaltung/admin/mitarbeitende/${moved.id}?erledigt=roleRevoked`);
    assert.match((await adminBrowser.get(String(revoked.headers.location))).body, /Keine Rollen\./);
    const inbox = await browser.get('/verwaltung');
    assert.equal(inbox.statusCode, 200);
    assert.match(inbox.body, /0 Vorgänge|Keine Vorgänge/);
  });

  it('ends the sessions of a deactivated account, which cannot sign in until reactivated', async () => {
    const leaving = await app.createClerk(tenant, 'zentrale');
    const browser = await signedIn(leaving);
    await adminBrowser.get(`/verwaltung/admin/mitarbeitende/${leaving.id}`);
    const response = await adminBrowser.post(`/verwaltung/admin/mitarbeitende/${leaving.id}/status`, { active: 'nein' });
    assert.equal(response.headers.location, `/verwaltung/admin/mitarbeitende/${leaving.id}?erledigt=deactivated`);
    const after = await browser.get('/verwaltung');
    assert.equal(after.statusCode, 303);
    assert.equal(after.headers.location, '/verwaltung/anmelden');
    const again = new TestBrowser(app.app, host);
    await again.get('/verwaltung/anmelden');
    const refused = await again.post('/verwaltung/anmelden', { email: leaving.email, password: leaving.password });
    assert.equal(refused.statusCode, 422);
    assert.equal(fieldError(refused.body, 'email'), 'E-Mail-Adresse oder Passwort ist falsch');
    // Not offered for cases any more.
    assert.doesNotMatch((await adminBrowser.get('/verwaltung?ansicht=team')).body, new RegExp(`value="${leaving.id}"`));

    await adminBrowser.get(`/verwaltung/admin/mitarbeitende/${leaving.id}`);
    assert.equal((await adminBrowser.post(`/verwaltung/admin/mitarbeitende/${leaving.id}/status`, { active: 'ja' })).statusCode, 303);
    await signedIn(leaving);
    const audit = await sql<{ action: string; actor: string }>`select action, actor from audit_log where subject = ${`staff:${leaving.id}`} and action like 'staff.%activated' order by id`.execute(app.database.db);
    assert.deepEqual(audit.rows, [{ action: 'staff.deactivated', actor: `staff:${admin.id}` }, { action: 'staff.activated', actor: `staff:${admin.id}` }]);
  });

  it('keeps the last active town admin from removing their own right or deactivating themselves', async () => {
    const lonely = await app.createTown();
    const only = await app.createClerk(lonely.tenant, 'zentrale', { townAdmin: true });
    const browser = await signedIn(only, lonely.host);
    await browser.get(`/verwaltung/admin/mitarbeitende/${only.id}`);
    const demote = await browser.post(`/verwaltung/admin/mitarbeitende/${only.id}/verwaltungsrecht`, { townAdmin: 'nein' });
    assert.equal(demote.statusCode, 422);
    assert.deepEqual(summary(demote.body), ['Sie sind die letzte aktive Person mit Verwaltungsrecht. Erteilen Sie es zuerst jemand anderem.']);
    assert.match(demote.body, /href="#f-townAdmin"/);
    assert.match(demote.body, /<form method="post" action="[^"]+\/verwaltungsrecht" id="f-townAdmin"/);
    const deactivate = await browser.post(`/verwaltung/admin/mitarbeitende/${only.id}/status`, { active: 'nein' });
    assert.equal(deactivate.statusCode, 422);
    assert.equal((await browser.get('/verwaltung/admin')).statusCode, 200, 'still signed in and admin');

    const colleague = await app.createClerk(lonely.tenant, 'zentrale');
    await browser.get(`/verwaltung/admin/mitarbeitende/${colleague.id}`);
    assert.equal((await browser.post(`/verwaltung/admin/mitarbeitende/${colleague.id}/verwaltungsrecht`, { townAdmin: 'ja' })).statusCode, 303);
    await browser.get(`/verwaltung/admin/mitarbeitende/${only.id}`);
    assert.equal((await browser.post(`/verwaltung/admin/mitarbeitende/${only.id}/verwaltungsrecht`, { townAdmin: 'nein' })).statusCode, 303);
    assert.equal((await browser.get('/verwaltung/admin')).statusCode, 403, 'the right is gone at once');
  });

  it('resets the second factor of an account, signing it out', async () => {
    const lost = await app.createClerk(tenant, 'zentrale');
    const browser = await signedIn(lost);
    await adminBrowser.get(`/verwaltung/admin/mitarbeitende/${lost.id}`);
    assert.equal((await adminBrowser.post(`/verwaltung/admin/mitarbeitende/${lost.id}/zweiter-faktor`, {})).headers.location, `/verwaltung/admin/mitarbeitende/${lost.id}?erledigt=secondFactorReset`);
    assert.equal((await browser.get('/verwaltung')).statusCode, 303);
    assert.equal(await enterPassword(new TestBrowser(app.app, host), lost), '/verwaltung/anmelden/einrichten');
    const audit = await sql<{ actor: string }>`select actor from audit_log where subject = ${`staff:${lost.id}`} and action = 'staff.second_factor_reset'`.execute(app.database.db);
    assert.deepEqual(audit.rows, [{ actor: `staff:${admin.id}` }]);
  });

  it('manages departments: create with checks, rename, and deactivate only without open cases', async () => {
    assert.equal((await adminBrowser.get('/verwaltung/admin/fachbereiche')).statusCode, 200);
    await adminBrowser.get('/verwaltung/admin/fachbereiche/neu');
    const fields = { key: 'Standesamt!', nameDe: 'Standesamt', nameEn: '', contactEmail: 'standesamt@example.org', phone: '02361 50-100', room: '', hoursDe: '', hoursEn: '' };
    const badKey = await adminBrowser.post('/verwaltung/admin/fachbereiche/neu', fields);
    assert.equal(badKey.statusCode, 422);
    assert.equal(fieldError(badKey.body, 'key'), 'Das Kürzel besteht aus 2 bis 40 Kleinbuchstaben (a–z), Ziffern oder Bindestrichen.');
    assert.match(badKey.body, /value="Standesamt!"/);
    const taken = await adminBrowser.post('/verwaltung/admin/fachbereiche/neu', { ...fields, key: 'zentrale' });
    assert.equal(fieldError(taken.body, 'key'), 'Es gibt bereits einen Fachbereich mit diesem Kürzel.');
    const created = await adminBrowser.post('/verwaltung/admin/fachbereiche/neu', { ...fields, key: 'standesamt' });
    assert.equal(created.statusCode, 303);
    const edit = String(created.headers.location).replace(/\?.*/, '');
    const page = await adminBrowser.get(String(created.headers.location));
    assert.match(page.body, /Der Fachbereich wurde angelegt/);
    const renamed = await adminBrowser.post(edit, { ...fields, nameDe: 'Standesamt und Friedhof', phone: '' });
    assert.equal(fieldError(renamed.body, 'phone'), 'Geben Sie die Telefonnummer des Fachbereichs ein.');
    assert.equal((await adminBrowser.post(edit, { ...fields, nameDe: 'Standesamt und Friedhof' })).statusCode, 303);
    assert.match((await adminBrowser.get('/verwaltung/admin/fachbereiche')).body, /Standesamt und Friedhof/);
    assert.equal((await adminBrowser.post(`${edit}/status`, { active: 'nein' })).statusCode, 303);
    assert.match((await adminBrowser.get(edit)).body, /Fachbereich reaktivieren/);

    // The Zentrale has a complaint open (and handles services): it stays.
    await submitViaApi(app, host, 'kontakt-beschwerde', complaintAnswers('Laterne defekt'));
    const zentrale = (await sql<{ id: string }>`select id from departments where tenant_id = ${tenant.id} and key = 'zentrale'`.execute(app.database.db)).rows[0]!.id;
    await adminBrowser.get(`/verwaltung/admin/fachbereiche/${zentrale}`);
    const refused = await adminBrowser.post(`/verwaltung/admin/fachbereiche/${zentrale}/status`, { active: 'nein' });
    assert.equal(refused.statusCode, 422);
    assert.match(summary(refused.body)[0]!, /^Der Fachbereich hat noch \d+ offene Vorgänge/);
    const audit = await sql<{ action: string }>`select action from audit_log where tenant_id = ${tenant.id} and action like 'department.%' order by id`.execute(app.database.db);
    assert.deepEqual(audit.rows.map((r) => r.action), ['department.created', 'department.updated', 'department.deactivated']);
  });
});
