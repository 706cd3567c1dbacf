import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { buildTestApp, type TestApp } from '../../test-support/app.js';
import { TestBrowser, fieldError } from '../../test-support/browser.js';
import { signInClerk, type Clerk } from '../../test-support/staff.js';
import type { Tenant } from '../tenants/tenant.js';

const newLocation = {
  name: 'Bürgerbüro im Rathaus', address: 'Rathausplatz 1, 12345 Teststadt', accessibility: 'Stufenloser Zugang über den Seiteneingang.',
  department: 'buergerbuero', horizonDays: '56', leadHours: '2', slotMinutes: '15', holidayRegion: 'NW', ticketLetter: 'B', releaseTime: '', contactRetentionDays: '30',
};
const week = { hours1: '08:00–12:00, 13:00–16:00', hours2: '8:00-12:00', hours3: '', hours4: '08.00 bis 12.00, 14:00 - 18:00', hours5: '08:00–12:00', hours6: '', hours7: '' };

/** The value of a text input in a page ('' when it has none), or undefined when there is no such input. */
function inputValue(page: string, name: string): string | undefined {
  const tag = page.match(new RegExp(`<input[^>]*name="${name}"[^>]*>`))?.[0];
  return tag === undefined ? undefined : (tag.match(/value="([^"]*)"/)?.[1] ?? '');
}

describe('appointment configuration under /verwaltung/admin/termine', () => {
  let app: TestApp;
  let tenant: Tenant;
  let host: string;
  let admin: TestBrowser;
  before(async () => {
    app = await buildTestApp();
    ({ tenant, host } = await app.createTown());
    admin = await signedIn(await app.createClerk(tenant, 'zentrale', { townAdmin: true }));
  });
  after(() => app.close());

  async function signedIn(clerk: Clerk, on = host): Promise<TestBrowser> {
    const browser = new TestBrowser(app.app, on);
    await signInClerk(browser, clerk);
    return browser;
  }

  async function createLocation(browser = admin): Promise<string> {
    await browser.get('/verwaltung/admin/termine/neu');
    const created = await browser.post('/verwaltung/admin/termine/neu', newLocation);
    assert.equal(created.statusCode, 303, created.body.slice(0, 300));
    const path = String(created.headers.location).replace(/\?.*$/, '');
    assert.match(path, /^\/verwaltung\/admin\/termine\/[0-9a-f-]{36}$/);
    return path;
  }

  it('is for town admins only', async () => {
    assert.match((await admin.get('/verwaltung/admin')).body, /href="\/verwaltung\/admin\/termine"/);
    const anonymous = await app.app.inject({ url: '/verwaltung/admin/termine', headers: { host } });
    assert.equal(anonymous.statusCode, 303);
    assert.equal(anonymous.headers.location, '/verwaltung/anmelden');
    const clerk = await signedIn(await app.createClerk(tenant, 'buergerbuero'));
    assert.equal((await clerk.get('/verwaltung/admin/termine')).statusCode, 403);
    const departmentAdmin = await signedIn(await app.createClerk(tenant, 'buergerbuero', { role: 'department_admin' }));
    assert.equal((await departmentAdmin.get('/verwaltung/admin/termine/neu')).statusCode, 403);
    assert.equal((await departmentAdmin.post('/verwaltung/admin/termine/neu', newLocation)).statusCode, 403);
  });

  it('creates a location, and re-renders the form with German or English messages and the typed values when something is wrong', async () => {
    const form = await admin.get('/verwaltung/admin/termine/neu');
    assert.equal(form.statusCode, 200);
    assert.equal(inputValue(form.body, 'horizonDays'), '56');
    const bad = { ...newLocation, name: '', department: '', horizonDays: 'acht Wochen', leadHours: '-1', slotMinutes: '7', holidayRegion: 'XX', ticketLetter: 'Ä', releaseTime: '25:00', contactRetentionDays: '0' };
    const refused = await admin.post('/verwaltung/admin/termine/neu', bad);
    assert.equal(refused.statusCode, 422);
    assert.equal(fieldError(refused.body, 'name'), 'Geben Sie den Namen des Standorts ein.');
    assert.equal(fieldError(refused.body, 'department'), 'Wählen Sie den Fachbereich, der die Termine wahrnimmt.');
    assert.equal(fieldError(refused.body, 'horizonDays'), 'Geben Sie eine ganze Zahl von 1 bis 365 Tagen ein.');
    assert.equal(fieldError(refused.body, 'leadHours'), 'Geben Sie eine ganze Zahl von 0 bis 336 Stunden ein.');
    assert.equal(fieldError(refused.body, 'slotMinutes'), 'Wählen Sie einen Takt von 5, 10, 15, 20, 30 oder 60 Minuten.');
    assert.equal(fieldError(refused.body, 'holidayRegion'), 'Wählen Sie ein Bundesland.');
    assert.equal(fieldError(refused.body, 'ticketLetter'), 'Wählen Sie einen Buchstaben von A bis Z.');
    assert.equal(fieldError(refused.body, 'releaseTime'), 'Geben Sie eine Uhrzeit wie 07:30 ein, oder lassen Sie das Feld leer.');
    assert.equal(inputValue(refused.body, 'releaseTime'), '25:00');
    assert.equal(fieldError(refused.body, 'contactRetentionDays'), 'Geben Sie eine ganze Zahl von 1 bis 365 Tagen ein, nach denen Namen und E-Mail-Adressen gelöscht werden.');
    assert.equal(inputValue(refused.body, 'contactRetentionDays'), '0');
    assert.equal(inputValue(refused.body, 'horizonDays'), 'acht Wochen');
    assert.equal(inputValue(refused.body, 'address'), 'Rathausplatz 1, 12345 Teststadt');
    assert.match(refused.body, /<title>Nicht gespeichert: /);

    const english = await signedIn(await app.createClerk(tenant, 'zentrale', { townAdmin: true }));
    await english.get('/sprache?lang=en');
    await english.get('/verwaltung/admin/termine/neu');
    const refusedInEnglish = await english.post('/verwaltung/admin/termine/neu', { ...bad, department: 'gibt-es-nicht', name: 'Nebenstelle' });
    assert.equal(refusedInEnglish.statusCode, 422);
    assert.equal(fieldError(refusedInEnglish.body, 'horizonDays'), 'Enter a whole number from 1 to 365 days.');
    assert.equal(fieldError(refusedInEnglish.body, 'contactRetentionDays'), 'Enter a whole number from 1 to 365 days after which names and e-mail addresses are deleted.');
    assert.equal(inputValue(refusedInEnglish.body, 'name'), 'Nebenstelle');
    const unknownDepartment = await english.post('/verwaltung/admin/termine/neu', { ...newLocation, department: 'gibt-es-nicht' });
    assert.equal(fieldError(unknownDepartment.body, 'department'), 'There is no such department, or it is deactivated.');

    const path = await createLocation();
    const page = await admin.get(`${path}?erledigt=locationCreated`);
    assert.match(page.body, /Der Standort wurde angelegt/);
    assert.match((await admin.get('/verwaltung/admin/termine')).body, /Bürgerbüro im Rathaus/);
    const stored = await sql<{ lead_minutes: number; horizon_days: number; ticket_letter: string }>`select lead_minutes, horizon_days, ticket_letter from appointment_locations where id = ${path.split('/').pop()}`.execute(app.database.db);
    assert.deepEqual(stored.rows[0], { lead_minutes: 120, horizon_days: 56, ticket_letter: 'B' });

    // Changing the details keeps what is typed when refused, and saves otherwise.
    const changeRefused = await admin.post(path, { ...newLocation, name: 'Neues Bürgerbüro', leadHours: 'zwei' });
    assert.equal(changeRefused.statusCode, 422);
    assert.equal(inputValue(changeRefused.body, 'name'), 'Neues Bürgerbüro');
    assert.equal((await admin.post(path, { ...newLocation, name: 'Neues Bürgerbüro', leadHours: '24' })).headers.location, `${path}?erledigt=locationSaved`);
    assert.equal(inputValue((await admin.get(path)).body, 'leadHours'), '24');
    // New days released at a time of day (batch release), typed as 7.30.
    assert.equal((await admin.post(path, { ...newLocation, releaseTime: '7.30' })).headers.location, `${path}?erledigt=locationSaved`);
    assert.equal(inputValue((await admin.get(path)).body, 'releaseTime'), '07:30');
    // How long contact data is kept (the retention job reads it); 366 days is refused, nothing changed.
    assert.equal(inputValue((await admin.get(path)).body, 'contactRetentionDays'), '30');
    const tooLong = await admin.post(path, { ...newLocation, releaseTime: '7.30', contactRetentionDays: '366' });
    assert.equal(tooLong.statusCode, 422);
    assert.equal(inputValue(tooLong.body, 'contactRetentionDays'), '366');
    assert.equal((await admin.post(path, { ...newLocation, releaseTime: '7.30', contactRetentionDays: '90' })).headers.location, `${path}?erledigt=locationSaved`);
    assert.equal(inputValue((await admin.get(path)).body, 'contactRetentionDays'), '90');
    const kept = await sql<{ days: number }>`select contact_retention_days as days from appointment_locations where id = ${path.split('/').pop()}`.execute(app.database.db);
    assert.equal(kept.rows[0]!.days, 90);
  });

  it('adds counters (no two of one name) and deactivates one', async () => {
    const path = await createLocation();
    await admin.get(path);
    assert.equal((await admin.post(`${path}/schalter`, { counterName: 'Schalter 1' })).headers.location, `${path}?erledigt=counterAdded`);
    await admin.post(`${path}/schalter`, { counterName: 'Schalter 2' });
    const twice = await admin.post(`${path}/schalter`, { counterName: 'Schalter 1' });
    assert.equal(twice.statusCode, 422);
    assert.equal(fieldError(twice.body, 'counterName'), 'Einen Schalter mit diesem Namen gibt es an diesem Standort schon.');
    assert.equal(inputValue(twice.body, 'counterName'), 'Schalter 1');
    assert.equal(fieldError((await admin.post(`${path}/schalter`, { counterName: '  ' })).body, 'counterName'), 'Geben Sie den Namen des Schalters ein.');

    const counters = await sql<{ id: string; name: string }>`select id, name from appointment_resources where location_id = ${path.split('/').pop()} order by name`.execute(app.database.db);
    assert.deepEqual(counters.rows.map((r) => r.name), ['Schalter 1', 'Schalter 2']);
    const deactivated = await admin.post(`${path}/schalter/${counters.rows[1]!.id}`, { active: 'nein' });
    assert.equal(deactivated.headers.location, `${path}?erledigt=counterDeactivated`);
    assert.match((await admin.get(String(deactivated.headers.location))).body, /Schalter 2<\/td><td class="kern-table__cell">deaktiviert/);
    assert.equal((await admin.post(`${path}/schalter/00000000-0000-0000-0000-000000000000`, { active: 'nein' })).statusCode, 404);
  });

  it('offers services of the town with durations, refuses unknown services and bad numbers, and removes an offer', async () => {
    const path = await createLocation();
    await admin.get(path);
    const saved = await admin.post(`${path}/leistungen`, { offerService: 'personalausweis', offerMinutes: '20', offerExtraMinutes: '15', offerMaxPersons: '5' });
    assert.equal(saved.headers.location, `${path}?erledigt=offerSaved`);
    const page = await admin.get(path);
    assert.match(page.body, /Personalausweis beantragen<\/td><td class="kern-table__cell">20 Min\.<\/td><td class="kern-table__cell">15 Min\.<\/td><td class="kern-table__cell">5</);

    const unknown = await admin.post(`${path}/leistungen`, { offerService: 'mondlandung', offerMinutes: '20', offerExtraMinutes: '0', offerMaxPersons: '1' });
    assert.equal(unknown.statusCode, 422);
    assert.equal(fieldError(unknown.body, 'offerService'), 'Diese Leistung bietet die Stadt nicht an.');
    const badNumbers = await admin.post(`${path}/leistungen`, { offerService: 'meldebescheinigung', offerMinutes: '2', offerExtraMinutes: 'viele', offerMaxPersons: '11' });
    assert.equal(badNumbers.statusCode, 422);
    assert.equal(fieldError(badNumbers.body, 'offerMinutes'), 'Geben Sie eine ganze Zahl von 5 bis 240 Minuten ein.');
    assert.equal(fieldError(badNumbers.body, 'offerExtraMinutes'), 'Geben Sie eine ganze Zahl von 0 bis 240 Minuten ein.');
    assert.equal(fieldError(badNumbers.body, 'offerMaxPersons'), 'Geben Sie eine ganze Zahl von 1 bis 10 Personen ein.');
    assert.equal(inputValue(badNumbers.body, 'offerExtraMinutes'), 'viele');
    assert.match(badNumbers.body, /<option value="meldebescheinigung" selected/);

    assert.equal((await admin.post(`${path}/leistungen/entfernen`, { service: 'personalausweis' })).headers.location, `${path}?erledigt=offerRemoved`);
    assert.match((await admin.get(path)).body, /Noch keine Leistung/);
    assert.equal((await admin.post(`${path}/leistungen/entfernen`, { service: 'personalausweis' })).statusCode, 404);
  });

  it('saves opening hours with breaks per weekday, and keeps what was typed when a day is wrong', async () => {
    const path = await createLocation();
    await admin.get(path);
    const refused = await admin.post(`${path}/oeffnungszeiten`, { ...week, hours2: '8 bis mittags', hours3: '12:00–08:00', hours5: '08:00–12:00, 11:00–13:00' });
    assert.equal(refused.statusCode, 422);
    assert.equal(fieldError(refused.body, 'hours2'), 'Geben Sie Zeiträume wie 08:00–12:00 ein, mehrere durch Komma getrennt, oder lassen Sie das Feld leer.');
    assert.equal(fieldError(refused.body, 'hours3'), 'Ein Zeitraum muss enden, nachdem er beginnt.');
    assert.equal(fieldError(refused.body, 'hours5'), 'Die Zeiträume eines Tages dürfen sich nicht überschneiden.');
    assert.equal(inputValue(refused.body, 'hours2'), '8 bis mittags');
    assert.equal(inputValue(refused.body, 'hours1'), '08:00–12:00, 13:00–16:00');

    assert.equal((await admin.post(`${path}/oeffnungszeiten`, week)).headers.location, `${path}?erledigt=hoursSaved`);
    const page = await admin.get(path);
    assert.equal(inputValue(page.body, 'hours2'), '08:00–12:00');
    assert.equal(inputValue(page.body, 'hours4'), '08:00–12:00, 14:00–18:00');
    assert.equal(inputValue(page.body, 'hours3'), '');
    const rows = await sql<{ n: number }>`select count(*)::int as n from appointment_opening_hours where location_id = ${path.split('/').pop()}`.execute(app.database.db);
    assert.equal(rows.rows[0]!.n, 6);
  });

  it('enters and removes closure days, refusing impossible dates and a last day before the first', async () => {
    const path = await createLocation();
    await admin.get(path);
    const refused = await admin.post(`${path}/schliesstage`, { closureFirst: '31.02.2026', closureLast: 'morgen', closureReason: 'Umzug' });
    assert.equal(refused.statusCode, 422);
    assert.equal(fieldError(refused.body, 'closureFirst'), 'Geben Sie ein Datum wie 24.12.2026 ein.');
    assert.equal(inputValue(refused.body, 'closureReason'), 'Umzug');
    const backwards = await admin.post(`${path}/schliesstage`, { closureFirst: '31.12.2026', closureLast: '2026-12-24', closureReason: '' });
    assert.equal(fieldError(backwards.body, 'closureLast'), 'Der letzte Tag darf nicht vor dem ersten liegen.');

    assert.equal((await admin.post(`${path}/schliesstage`, { closureFirst: '24.12.2026', closureLast: '2026-12-31', closureReason: 'Jahreswechsel' })).headers.location, `${path}?erledigt=closureAdded`);
    const page = await admin.get(path);
    assert.match(page.body, /24\.12\.2026<\/td><td class="kern-table__cell">31\.12\.2026<\/td><td class="kern-table__cell">Jahreswechsel/);
    const closureId = page.body.match(/schliesstage\/([0-9a-f-]{36})\/entfernen/)![1]!;
    assert.equal((await admin.post(`${path}/schliesstage/${closureId}/entfernen`, {})).headers.location, `${path}?erledigt=closureRemoved`);
    assert.match((await admin.get(path)).body, /Keine Schließtage eingetragen/);
  });

  it("does not show or change another town's location, refuses a post without the form's token, and audits each change", async () => {
    const path = await createLocation();
    const other = await app.createTown();
    const otherAdmin = await signedIn(await app.createClerk(other.tenant, 'zentrale', { townAdmin: true }), other.host);
    assert.equal((await otherAdmin.get(path)).statusCode, 404);
    await otherAdmin.get('/verwaltung/admin/termine');
    assert.equal((await otherAdmin.post(`${path}/schalter`, { counterName: 'Fremder Schalter' })).statusCode, 404);
    assert.equal((await admin.get('/verwaltung/admin/termine/kein-uuid')).statusCode, 404);
    assert.equal((await admin.post(`${path}/schalter`, { counterName: 'Ohne Token' }, { csrf: null })).statusCode, 403);

    await admin.get(path);
    await admin.post(`${path}/schalter`, { counterName: 'Schalter A' });
    const audit = await sql<{ action: string; details: Record<string, unknown> }>`select action, details from audit_log where subject = ${`appointment_location:${path.split('/').pop()}`} order by id`.execute(app.database.db);
    assert.deepEqual(audit.rows.map((r) => r.action), ['appointment_location.created', 'appointment_location.counter_added']);
  });
});
