import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import type { Tenant } from '../tenants/tenant.js';
import { buildTestApp, type TestApp } from '../../test-support/app.js';
import { fieldError, TestBrowser } from '../../test-support/browser.js';
import { inTransaction } from '../../platform/db/database.js';
import { asTownOwner, buildTenant, openTestDatabase } from '../../test-support/database.js';
import { setUpReports } from '../../test-support/reports.js';
import { signInClerk } from '../../test-support/staff.js';
import { deleteLandmark, insertLandmark, insertStreets, updateBlockedWords } from './report-settings.repository.js';

describe('the town admin\'s report settings (/verwaltung/admin/maengel)', () => {
  let app: TestApp;
  let tenant: Tenant;
  let host: string;
  let admin: TestBrowser;
  before(async () => {
    app = await buildTestApp();
    ({ tenant, host } = await app.createTown());
    await setUpReports(app.database.db, tenant.id);
    admin = new TestBrowser(app.app, host);
    await signInClerk(admin, await app.createClerk(tenant, 'abfallwirtschaft', { townAdmin: true }));
    await admin.get('/verwaltung/admin/maengel');
  });
  after(() => app.close());

  const owner = <T,>(fn: Parameters<typeof asTownOwner<T>>[2]) => asTownOwner(app.database.db, tenant.id, fn);
  const landmarkNames = async () => (await owner((trx) => trx.selectFrom('report_landmarks').select('name').where('tenant_id', '=', tenant.id).orderBy('name').execute())).map((r) => r.name);
  const streetNames = async () => (await owner((trx) => trx.selectFrom('report_streets').select('name').where('tenant_id', '=', tenant.id).orderBy('name').execute())).map((r) => r.name);
  const blockedWords = async () => (await owner((trx) => trx.selectFrom('report_areas').select('blocked_words').where('tenant_id', '=', tenant.id).executeTakeFirstOrThrow())).blocked_words;
  const audit = async (action: string) => (await sql<{ actor: string; details: Record<string, unknown> }>`select actor, details from audit_log where tenant_id = ${tenant.id} and action = ${action} order by id`.execute(app.database.db)).rows;
  const landmarkId = async (name: string) => (await owner((trx) => trx.selectFrom('report_landmarks').select('id').where('tenant_id', '=', tenant.id).where('name', '=', name).executeTakeFirstOrThrow())).id;
  const streetId = async (name: string) => (await owner((trx) => trx.selectFrom('report_streets').select('id').where('tenant_id', '=', tenant.id).where('name', '=', name).executeTakeFirstOrThrow())).id;

  it('shows the landmarks, streets and blocked words, linked from the administration\'s sections', async () => {
    const page = await admin.get('/verwaltung/admin/maengel');
    assert.equal(page.statusCode, 200);
    assert.ok(page.body.includes('<a class="kern-link" href="/verwaltung/admin/maengel" aria-current="page">Orte, Straßen und Wörter des Mängelmelders</a>'));
    for (const shown of ['Marktplatz', 'vor dem Rathaus', 'Stadtpark-Spielplatz', 'Hauptstraße', 'Lindenweg', '„Marktplatz“ entfernen']) assert.ok(page.body.includes(shown), shown);
    assert.ok((await admin.get('/verwaltung/admin/karte')).body.includes('href="/verwaltung/admin/maengel"'));
  });

  it('adds a landmark (audited), which the report form then offers and accepts', async () => {
    const sent = await admin.post('/verwaltung/admin/maengel/orte', { ortName: '  Friedhof   Nord ', ortBeschreibung: 'Haupteingang', ortBreite: '51,5655', ortLaenge: '7,118' });
    assert.equal(sent.statusCode, 303);
    assert.equal(sent.headers.location, '/verwaltung/admin/maengel?gespeichert=ort#orte');
    assert.ok((await admin.get('/verwaltung/admin/maengel?gespeichert=ort')).body.includes('Der Ort wurde hinzugefügt.'));
    assert.deepEqual(await landmarkNames(), ['Friedhof Nord', 'Marktplatz', 'Stadtpark-Spielplatz']);
    const [entry] = await audit('reports.landmark-added');
    assert.equal(entry!.details.name, 'Friedhof Nord');
    assert.match(entry!.actor, /^staff:/);
    const citizen = new TestBrowser(app.app, host);
    assert.ok((await citizen.get('/maengel/melden')).body.includes('>Friedhof Nord – Haupteingang</option>'));
    const filed = await citizen.postMultipart('/maengel/melden', { kategorie: 'muell', naehe: await landmarkId('Friedhof Nord'), beschreibung: 'Grünschnitt abgeladen', trotzdem: '1' }, {});
    assert.equal(filed.statusCode, 303, filed.body.slice(0, 300));
  });

  it('refuses a landmark without a name, with a taken name (any case), bad or outside coordinates, or a long description; values kept, nothing stored, German and English', async () => {
    const before = await landmarkNames();
    let page = await admin.post('/verwaltung/admin/maengel/orte', { ortName: '', ortBeschreibung: 'x'.repeat(201), ortBreite: '51,55', ortLaenge: '7,11' });
    assert.equal(page.statusCode, 422);
    assert.equal(fieldError(page.body, 'ortName'), 'Geben Sie einen Namen an.');
    assert.equal(fieldError(page.body, 'ortBeschreibung'), 'Die Beschreibung darf höchstens 200 Zeichen lang sein.');
    assert.ok(page.body.includes('value="51,55"'), 'values kept');
    page = await admin.post('/verwaltung/admin/maengel/orte', { ortName: 'MARKTPLATZ', ortBeschreibung: '', ortBreite: '51,55', ortLaenge: '7,11' });
    assert.equal(fieldError(page.body, 'ortName'), '„MARKTPLATZ“ steht schon in der Liste.');
    page = await admin.post('/verwaltung/admin/maengel/orte', { ortName: 'Baggersee', ortBeschreibung: '', ortBreite: '51,6', ortLaenge: '7,2' });
    assert.equal(fieldError(page.body, 'ortBreite'), '„Baggersee“: Der Punkt liegt außerhalb des Stadtgebiets.');
    page = await admin.post('/verwaltung/admin/maengel/orte', { ortName: 'Baggersee', ortBeschreibung: '', ortBreite: 'Nord', ortLaenge: '' });
    assert.match(fieldError(page.body, 'ortBreite') ?? '', /^„Baggersee“: Geben Sie Breiten- und Längengrad als Dezimalzahlen an/);
    assert.ok(page.body.includes('value="Baggersee"') && page.body.includes('error-summary'));
    const english = new TestBrowser(app.app, host);
    await signInClerk(english, await app.createClerk(tenant, 'bauamt', { townAdmin: true }));
    await english.get('/sprache?lang=en&zurueck=/verwaltung/admin/maengel');
    page = await english.post('/verwaltung/admin/maengel/orte', { ortName: 'Baggersee', ortBeschreibung: '', ortBreite: '51.6', ortLaenge: '7.2' });
    assert.equal(page.statusCode, 422);
    assert.equal(fieldError(page.body, 'ortBreite'), '“Baggersee”: the point lies outside the town\'s area.');
    assert.deepEqual(await landmarkNames(), before, 'nothing stored');
  });

  it('removes a landmark (audited); the form no longer offers it, an unknown one is not found', async () => {
    const id = await landmarkId('Stadtpark-Spielplatz');
    const removed = await admin.post(`/verwaltung/admin/maengel/orte/${id}/entfernen`, {});
    assert.equal(removed.statusCode, 303);
    assert.equal(removed.headers.location, '/verwaltung/admin/maengel?gespeichert=ort-entfernt#orte');
    assert.equal((await landmarkNames()).includes('Stadtpark-Spielplatz'), false);
    assert.equal((await new TestBrowser(app.app, host).get('/maengel/melden')).body.includes('Stadtpark-Spielplatz'), false);
    assert.equal((await audit('reports.landmark-removed')).length, 1);
    // A 404 page carries no CSRF token: the admin opens the page again before each post.
    for (const path of [`orte/${id}/entfernen`, 'orte/kein-ort/entfernen', `strassen/${id}/entfernen`]) {
      await admin.get('/verwaltung/admin/maengel');
      assert.equal((await admin.post(`/verwaltung/admin/maengel/${path}`, {})).statusCode, 404, path);
    }
    await admin.get('/verwaltung/admin/maengel');
  });

  it('adds pasted streets, one per line with semicolons or tabs, all at once (audited)', async () => {
    const sent = await admin.post('/verwaltung/admin/maengel/strassen', { strassen: 'Am Bauhof; 51,5431; 7,1012\r\n\r\nSchulstraße\t51.5462\t7.1291\n' });
    assert.equal(sent.statusCode, 303);
    assert.deepEqual(await streetNames(), ['Am Bauhof', 'Hauptstraße', 'Lindenweg', 'Schulstraße']);
    assert.deepEqual((await audit('reports.streets-added')).map((a) => a.details.count), [2]);
    assert.ok((await new TestBrowser(app.app, host).get('/maengel/melden')).body.includes('>Schulstraße</option>'));
  });

  it('refuses a paste with any wrong line, naming the lines, and stores none of it', async () => {
    const before = await streetNames();
    const strassen = 'Kirchplatz; 51,5533; 7,1169\nhauptstraße; 51,55; 7,11\nRingstraße 51,55 7,11\nKirchplatz; 51,5534; 7,117\nFeldweg; 52; 8';
    const page = await admin.post('/verwaltung/admin/maengel/strassen', { strassen });
    assert.equal(page.statusCode, 422);
    assert.equal(fieldError(page.body, 'strassen'), 'Zeile 2: „hauptstraße“ steht schon in der Liste. Zeile 3: „Ringstraße 51,55 7,11“ hat nicht die Form Name; Breitengrad; Längengrad. '
      + 'Zeile 4: „Kirchplatz“ steht schon in der Liste. Zeile 5: „Feldweg“: Der Punkt liegt außerhalb des Stadtgebiets.');
    assert.ok(page.body.includes('>Kirchplatz; 51,5533; 7,1169\nhauptstraße'), 'the paste is kept');
    assert.equal(fieldError((await admin.post('/verwaltung/admin/maengel/strassen', { strassen: ' \n ' })).body, 'strassen'), 'Geben Sie mindestens eine Straße an.');
    assert.deepEqual(await streetNames(), before, 'nothing stored');
  });

  it('removes a street no alert refers to, and keeps one an alert refers to with the reason (409)', async () => {
    const lindenweg = await streetId('Lindenweg');
    await owner((trx) => trx.insertInto('report_alerts').values({ tenant_id: tenant.id, email: 'nachbar@example.org', street_id: lindenweg }).execute());
    const kept = await admin.post(`/verwaltung/admin/maengel/strassen/${lindenweg}/entfernen`, {});
    assert.equal(kept.statusCode, 409);
    assert.equal(fieldError(kept.body, 'strassen'), '„Lindenweg“ bleibt in der Liste: 1 Benachrichtigungen beziehen sich auf diese Straße.');
    const removed = await admin.post(`/verwaltung/admin/maengel/strassen/${await streetId('Am Bauhof')}/entfernen`, {});
    assert.equal(removed.statusCode, 303);
    assert.deepEqual(await streetNames(), ['Hauptstraße', 'Lindenweg', 'Schulstraße']);
    assert.deepEqual((await audit('reports.street-removed')).map((a) => a.details.name), ['Am Bauhof']);
  });

  it('replaces the blocked words (lower case, no duplicates), which then hold a report for a clerk; refuses too short words keeping the text', async () => {
    const sent = await admin.post('/verwaltung/admin/maengel/woerter', { woerter: 'Casino\n\n  Kredit ohne   Schufa \ncasino' });
    assert.equal(sent.statusCode, 303);
    assert.deepEqual(await blockedWords(), ['casino', 'kredit ohne schufa']);
    assert.ok((await admin.get('/verwaltung/admin/maengel')).body.includes('>casino\nkredit ohne schufa</textarea>'));
    const citizen = new TestBrowser(app.app, host);
    await citizen.get('/maengel/melden');
    const filed = await citizen.postMultipart('/maengel/melden', { kategorie: 'muell', strasse: await streetId('Hauptstraße'), beschreibung: 'Online-CASINO-Werbung an der Bushaltestelle', trotzdem: '1' }, {});
    assert.equal(filed.statusCode, 303);
    const id = (filed.headers.location as string).split('/')[2]!;
    assert.equal((await owner((trx) => trx.selectFrom('reports').select('moderation').where('id', '=', id).executeTakeFirstOrThrow())).moderation, 'held');

    const refused = await admin.post('/verwaltung/admin/maengel/woerter', { woerter: 'spam\nab' });
    assert.equal(refused.statusCode, 422);
    assert.equal(fieldError(refused.body, 'woerter'), '„ab“: Ein Wort muss 3 bis 60 Zeichen lang sein.');
    assert.ok(refused.body.includes('>spam\nab</textarea>'));
    assert.deepEqual(await blockedWords(), ['casino', 'kredit ohne schufa'], 'unchanged');
    assert.equal((await admin.post('/verwaltung/admin/maengel/woerter', { woerter: '' })).statusCode, 303);
    assert.deepEqual(await blockedWords(), []);
    assert.equal((await audit('reports.blocked-words-changed')).length, 2);
  });

  it('is for town admins only: a clerk gets 403, a wrong CSRF token 403, a signed-out browser the sign-in', async () => {
    const clerk = new TestBrowser(app.app, host);
    await signInClerk(clerk, await app.createClerk(tenant, 'bauamt'));
    assert.equal((await clerk.get('/verwaltung/admin/maengel')).statusCode, 403);
    assert.equal((await clerk.post('/verwaltung/admin/maengel/woerter', { woerter: 'x' })).statusCode, 403);
    assert.equal((await clerk.post(`/verwaltung/admin/maengel/orte/${await landmarkId('Marktplatz')}/entfernen`, {})).statusCode, 403);
    assert.equal((await admin.post('/verwaltung/admin/maengel/orte', { ortName: 'Kirche', ortBeschreibung: '', ortBreite: '51,55', ortLaenge: '7,11' }, { csrf: 'wrong' })).statusCode, 403);
    assert.equal((await new TestBrowser(app.app, host).get('/verwaltung/admin/maengel')).statusCode, 303);
    assert.deepEqual(await landmarkNames(), ['Friedhof Nord', 'Marktplatz']);
  });
});

describe('the report settings of a town without defect reports', () => {
  it('says the Mängelmelder is not set up and offers no forms; posting changes nothing (404)', async () => {
    const app = await buildTestApp();
    try {
      const { tenant, host } = await app.createTown();
      const admin = new TestBrowser(app.app, host);
      await signInClerk(admin, await app.createClerk(tenant, 'bauamt', { townAdmin: true }));
      const page = await admin.get('/verwaltung/admin/maengel');
      assert.equal(page.statusCode, 200);
      assert.ok(page.body.includes('noch nicht eingerichtet'));
      assert.equal(page.body.includes('name="strassen"'), false);
      assert.equal((await admin.post('/verwaltung/admin/maengel/strassen', { strassen: 'Hauptstraße; 51,55; 7,11' })).statusCode, 404);
    } finally {
      await app.close();
    }
  });
});

describe('the report settings in the database: one town never changes another\'s', () => {
  it('lets the app role add, remove and change only its own town\'s landmarks, streets and blocked words', async () => {
    const database = await openTestDatabase();
    try {
      const town = (await buildTenant(database.db)).id;
      const otherTown = (await buildTenant(database.db)).id;
      await setUpReports(database.db, town);
      const marktplatz = await asTownOwner(database.db, town, (trx) => trx.selectFrom('report_landmarks').select('id').where('name', '=', 'Marktplatz').executeTakeFirstOrThrow());
      const asOther = <T,>(fn: Parameters<typeof inTransaction<T>>[2]) => inTransaction(database.db, { tenantId: otherTown }, fn);
      assert.equal(await asOther((trx) => deleteLandmark(trx, marktplatz.id)), undefined);
      await asOther((trx) => updateBlockedWords(trx, ['gesperrt']));
      await assert.rejects(asOther((trx) => insertLandmark(trx, town, { name: 'Fremder Ort', description: null, lat: 51.55, lon: 7.11 })), /row-level security/);
      await assert.rejects(asOther((trx) => insertStreets(trx, town, [{ name: 'Fremde Straße', lat: 51.55, lon: 7.11 }])), /row-level security/);
      const kept = await asTownOwner(database.db, town, async (trx) => ({
        landmarks: (await trx.selectFrom('report_landmarks').select('name').where('tenant_id', '=', town).execute()).length,
        streets: (await trx.selectFrom('report_streets').select('name').where('tenant_id', '=', town).execute()).length,
        words: (await trx.selectFrom('report_areas').select('blocked_words').where('tenant_id', '=', town).executeTakeFirstOrThrow()).blocked_words,
      }));
      assert.deepEqual(kept, { landmarks: 2, streets: 2, words: [] });
    } finally {
      await database.close();
    }
  });
});

describe('the town admin\'s report categories', () => {
  let app: TestApp;
  let tenant: Tenant;
  let host: string;
  let admin: TestBrowser;
  let departments: Record<string, string>;
  before(async () => {
    app = await buildTestApp();
    ({ tenant, host } = await app.createTown());
    await setUpReports(app.database.db, tenant.id);
    departments = Object.fromEntries((await asTownOwner(app.database.db, tenant.id, (trx) => trx.selectFrom('departments').select(['key', 'id']).where('tenant_id', '=', tenant.id).execute())).map((r) => [r.key, r.id]));
    admin = new TestBrowser(app.app, host);
    await signInClerk(admin, await app.createClerk(tenant, 'bauamt', { townAdmin: true }));
  });
  after(() => app.close());

  const category = (code: string) => asTownOwner(app.database.db, tenant.id, (trx) => trx.selectFrom('report_categories').select(['id', 'name', 'description', 'department_id', 'active', 'position']).where('tenant_id', '=', tenant.id).where('code', '=', code).executeTakeFirst());
  const playground = () => ({ code: 'spielplatz', nameDe: 'Spielgerät kaputt', nameEn: 'Broken playground equipment', descriptionDe: 'Schaukel, Rutsche oder Klettergerüst beschädigt.', descriptionEn: 'A swing, slide or climbing frame is damaged.', departmentId: departments.bauamt!, active: '1' });

  it('adds a category routed to a department (audited), which the report form and Open311 then offer', async () => {
    const form = await admin.get('/verwaltung/admin/maengel/kategorien/neu');
    assert.equal(form.statusCode, 200);
    const sent = await admin.post('/verwaltung/admin/maengel/kategorien/neu', playground());
    assert.equal(sent.statusCode, 303, sent.body.slice(0, 300));
    assert.equal(sent.headers.location, '/verwaltung/admin/maengel?gespeichert=kategorie#kategorien');
    const stored = await category('spielplatz');
    assert.deepEqual({ ...stored, id: undefined }, { id: undefined, name: { de: 'Spielgerät kaputt', en: 'Broken playground equipment' }, description: { de: 'Schaukel, Rutsche oder Klettergerüst beschädigt.', en: 'A swing, slide or climbing frame is damaged.' }, department_id: departments.bauamt, active: true, position: 2 });
    assert.ok((await admin.get('/verwaltung/admin/maengel')).body.includes('„Spielgerät kaputt“ bearbeiten'));
    assert.ok((await new TestBrowser(app.app, host).get('/maengel/melden')).body.includes('<option value="spielplatz">Spielgerät kaputt'));
    assert.ok((await app.app.inject({ url: '/open311/v2/services.json', headers: { host } })).body.includes('"service_code":"spielplatz"'));
    const entries = (await sql<{ action: string; details: Record<string, unknown> }>`select action, details from audit_log where tenant_id = ${tenant.id} and action like 'reports.category-%'`.execute(app.database.db)).rows;
    assert.deepEqual(entries, [{ action: 'reports.category-added', details: { code: 'spielplatz', departmentId: departments.bauamt, active: true } }]);
  });

  it('routes a category to another department and stops offering it; its reports keep their department, the code stays', async () => {
    const muell = (await category('muell'))!;
    const citizen = new TestBrowser(app.app, host);
    await citizen.get('/maengel/melden');
    const filed = await citizen.postMultipart('/maengel/melden', { kategorie: 'muell', breite: '51,55', laenge: '7,11', beschreibung: 'Säcke', trotzdem: '1' }, {});
    assert.equal(filed.statusCode, 303);
    await admin.get(`/verwaltung/admin/maengel/kategorien/${muell.id}`);
    const sent = await admin.post(`/verwaltung/admin/maengel/kategorien/${muell.id}`, { code: 'geaendert', nameDe: 'Wilder Müll', nameEn: 'Illegal dumping', descriptionDe: 'Abgeladener Abfall', descriptionEn: 'Dumped waste', departmentId: departments.ordnungsamt! });
    assert.equal(sent.statusCode, 303);
    const changed = (await category('muell'))!;
    assert.deepEqual([changed.department_id, changed.active], [departments.ordnungsamt, false]);
    assert.equal(await category('geaendert'), undefined, 'the code is not changed');
    const report = await asTownOwner(app.database.db, tenant.id, (trx) => trx.selectFrom('reports').select('department_id').where('category_id', '=', muell.id).executeTakeFirstOrThrow());
    assert.equal(report.department_id, departments.abfallwirtschaft, 'a filed report stays where it is');
    assert.equal((await new TestBrowser(app.app, host).get('/maengel/melden')).body.includes('value="muell"'), false, 'no longer offered');
    assert.ok((await admin.get('/verwaltung/admin/maengel')).body.includes('Wilder Müll'), 'still listed for the admin');
  });

  it('refuses a bad or taken code, empty or long texts and an unknown department; values kept, nothing stored, German and English', async () => {
    await admin.get('/verwaltung/admin/maengel/kategorien/neu');
    let page = await admin.post('/verwaltung/admin/maengel/kategorien/neu', { ...playground(), code: 'Spiel Platz', nameEn: '', descriptionDe: 'x'.repeat(301), departmentId: departments.bauamt!.replace(/.$/, '0') });
    assert.equal(page.statusCode, 422);
    assert.equal(fieldError(page.body, 'code'), 'Geben Sie eine Kennung aus Kleinbuchstaben, Ziffern und Bindestrichen an (2 bis 40 Zeichen).');
    assert.equal(fieldError(page.body, 'nameEn'), 'Füllen Sie dieses Feld aus.');
    assert.equal(fieldError(page.body, 'descriptionDe'), 'Die Beschreibung darf höchstens 300 Zeichen lang sein.');
    assert.equal(fieldError(page.body, 'departmentId'), 'Wählen Sie einen Fachbereich aus der Liste.');
    assert.ok(page.body.includes('value="Spiel Platz"') && page.body.includes('value="Spielgerät kaputt"'));
    page = await admin.post('/verwaltung/admin/maengel/kategorien/neu', { ...playground(), code: 'schlagloch' });
    assert.equal(fieldError(page.body, 'code'), 'Diese Kennung hat schon eine Kategorie.');
    await admin.get('/sprache?lang=en&zurueck=/verwaltung/admin/maengel/kategorien/neu');
    page = await admin.post('/verwaltung/admin/maengel/kategorien/neu', { ...playground(), code: 'x' });
    assert.equal(fieldError(page.body, 'code'), 'Enter a code of lower-case letters, digits and hyphens (2 to 40 characters).');
    await admin.get('/sprache?lang=de&zurueck=/verwaltung/admin/maengel');
    const count = (await sql<{ n: number }>`select count(*)::int as n from report_categories where tenant_id = ${tenant.id}`.execute(app.database.db)).rows[0]!.n;
    assert.equal(count, 3, 'nothing stored');
    assert.equal((await admin.get('/verwaltung/admin/maengel/kategorien/00000000-0000-4000-8000-000000000000')).statusCode, 404);
    assert.equal((await admin.get('/verwaltung/admin/maengel/kategorien/x')).statusCode, 404);
  });

  it('is for town admins only', async () => {
    const clerk = new TestBrowser(app.app, host);
    await signInClerk(clerk, await app.createClerk(tenant, 'bauamt'));
    assert.equal((await clerk.get('/verwaltung/admin/maengel/kategorien/neu')).statusCode, 403);
    assert.equal((await clerk.post('/verwaltung/admin/maengel/kategorien/neu', playground())).statusCode, 403);
  });
});
