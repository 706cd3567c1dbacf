import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import type { Tenant } from '../tenants/tenant.js';
import { buildTestApp, type TestApp } from '../../test-support/app.js';
import { fieldError, TestBrowser } from '../../test-support/browser.js';
import { asTownOwner } from '../../test-support/database.js';
import { setUpReports } from '../../test-support/reports.js';
import { registerOpen311Client } from './open311-clients.js';
import { resolveLocation } from './report-location.js';

describe('resolving a location given as a landmark', () => {
  const places = {
    streets: [{ id: 's', name: 'Hauptstraße', lat: 51.55, lon: 7.11 }],
    landmarks: [{ id: 'm', name: 'Marktplatz', description: null, lat: 51.56, lon: 7.12 }],
    near: (name: string) => `Nähe ${name}`,
  };
  const given = (fields: Partial<Parameters<typeof resolveLocation>[0]>) => resolveLocation({ streetId: '', houseNumber: '', lat: '', lon: '', ...fields }, places);

  it('gives the landmark\'s point, its name as the public label and "Nähe <name>" as the private address', () => {
    assert.deepEqual(given({ landmarkId: 'm' }), { lat: 51.56, lon: 7.12, label: 'Marktplatz', address: 'Nähe Marktplatz' });
  });
  it('lets typed coordinates (the map) win over the landmark\'s point, keeping the landmark as label', () => {
    assert.deepEqual(given({ landmarkId: 'm', lat: '51,5601', lon: '7,1202' }), { lat: 51.5601, lon: 7.1202, label: 'Marktplatz', address: 'Nähe Marktplatz' });
  });
  it('refuses an unknown landmark, a street and a landmark together, and a house number with a landmark only', () => {
    assert.equal(given({ landmarkId: 'x' }), 'unknownLandmark');
    assert.equal(given({ landmarkId: 'm', streetId: 's' }), 'streetAndLandmark');
    assert.equal(given({ landmarkId: 'm', houseNumber: '3' }), 'invalidHouseNumber');
  });
});

describe('reporting a defect near a landmark without JavaScript', () => {
  let app: TestApp;
  let tenant: Tenant;
  let host: string;
  let landmarks: Record<string, string>;
  let streets: Record<string, string>;
  before(async () => {
    app = await buildTestApp();
    ({ tenant, host } = await app.createTown());
    await setUpReports(app.database.db, tenant.id);
    await asTownOwner(app.database.db, tenant.id, async (trx) => {
      landmarks = Object.fromEntries((await trx.selectFrom('report_landmarks').select(['name', 'id']).where('tenant_id', '=', tenant.id).execute()).map((r) => [r.name, r.id]));
      streets = Object.fromEntries((await trx.selectFrom('report_streets').select(['name', 'id']).where('tenant_id', '=', tenant.id).execute()).map((r) => [r.name, r.id]));
    });
  });
  after(() => app.close());

  const reportCount = async () => (await sql<{ n: number }>`select count(*)::int as n from reports where tenant_id = ${tenant.id}`.execute(app.database.db)).rows[0]!.n;
  async function send(fields: Record<string, string>, browser = new TestBrowser(app.app, host)) {
    await browser.get('/maengel/melden');
    return { browser, response: await browser.postMultipart('/maengel/melden', { kategorie: 'muell', beschreibung: 'Sperrmüll neben der Bank', trotzdem: '1', ...fields }, {}) };
  }

  it('offers the landmarks as a labelled select "In der Nähe von" with a hint', async () => {
    const form = (await new TestBrowser(app.app, host).get('/maengel/melden')).body;
    assert.match(form, /<label[^>]*for="f-naehe"[^>]*>In der Nähe von/);
    assert.match(form, /<select[^>]*name="naehe"[^>]*aria-describedby="f-naehe-hint"/);
    assert.ok(form.includes(`<option value="${landmarks.Marktplatz}">Marktplatz – vor dem Rathaus</option>`));
    assert.ok(form.includes('>Stadtpark-Spielplatz</option>'));
  });

  it('files a report near the Marktplatz: its point, "Marktplatz, Umgebung" in public, "Nähe Marktplatz" on the receipt and for the department', async () => {
    const { browser, response } = await send({ naehe: landmarks.Marktplatz! });
    assert.equal(response.statusCode, 303, response.body.slice(0, 300));
    const id = (response.headers.location as string).split('/')[2]!;
    assert.ok((await browser.get(`/maengel/${id}/eingang`)).body.includes('Nähe Marktplatz'));
    const stored = await asTownOwner(app.database.db, tenant.id, (trx) => trx.selectFrom('reports as r').innerJoin('report_details as d', 'd.report_id', 'r.id')
      .select(['r.lat', 'r.lon', 'r.location_label', 'd.address']).where('r.id', '=', id).executeTakeFirstOrThrow());
    assert.deepEqual(stored, { lat: 51.5512, lon: 7.1131, location_label: 'Marktplatz', address: 'Nähe Marktplatz' });
    assert.ok((await new TestBrowser(app.app, host).get(`/maengel/${id}`)).body.includes('Marktplatz, Umgebung'));
  });

  it('writes the private address in the reporter\'s language', async () => {
    const browser = new TestBrowser(app.app, host);
    await browser.get('/sprache?lang=en&zurueck=/maengel/melden');
    const { response } = await send({ naehe: landmarks['Stadtpark-Spielplatz']! }, browser);
    assert.equal(response.statusCode, 303);
    const id = (response.headers.location as string).split('/')[2]!;
    assert.ok((await browser.get(`/maengel/${id}/eingang`)).body.includes('near Stadtpark-Spielplatz'));
  });

  it('refuses an unknown landmark and a street with a landmark, in German and English, keeping what was typed and storing nothing', async () => {
    const before = await reportCount();
    let { response } = await send({ naehe: '00000000-0000-4000-8000-000000000000', email: 'a@example.org' });
    assert.equal(response.statusCode, 422);
    assert.equal(fieldError(response.body, 'naehe'), 'Wählen Sie einen Ort aus der Liste „In der Nähe von“.');
    assert.ok(response.body.includes('>Sperrmüll neben der Bank</textarea>') && response.body.includes('value="a@example.org"'));
    ({ response } = await send({ naehe: landmarks.Marktplatz!, strasse: streets.Lindenweg! }));
    assert.equal(response.statusCode, 422);
    assert.match(fieldError(response.body, 'naehe') ?? '', /^Wählen Sie entweder eine Straße oder einen Ort in der Nähe, nicht beides/);
    assert.ok(response.body.includes(`<option value="${landmarks.Marktplatz}" selected>`), 'the landmark stays chosen');
    const english = new TestBrowser(app.app, host);
    await english.get('/sprache?lang=en&zurueck=/maengel/melden');
    ({ response } = await send({ naehe: 'nonsense' }, english));
    assert.equal(response.statusCode, 422);
    assert.equal(fieldError(response.body, 'naehe'), 'Choose a place from the list “Near”.');
    assert.equal(await reportCount(), before, 'nothing stored');
  });

  it('refuses a landmark the town removed meanwhile, and one outside the town\'s area with the town\'s notice', async () => {
    const gone = await asTownOwner(app.database.db, tenant.id, (trx) => trx.insertInto('report_landmarks').values({ tenant_id: tenant.id, name: 'Alter Bahnhof', lat: 51.6, lon: 7.2 }).returning('id').executeTakeFirstOrThrow());
    let { response } = await send({ naehe: gone.id });
    assert.equal(response.statusCode, 422);
    assert.match(fieldError(response.body, 'naehe') ?? '', /^Dieser Ort liegt außerhalb von .* Beispielhausen zuständig\.$/);
    await asTownOwner(app.database.db, tenant.id, (trx) => trx.deleteFrom('report_landmarks').where('id', '=', gone.id).execute());
    ({ response } = await send({ naehe: gone.id }));
    assert.equal(fieldError(response.body, 'naehe'), 'Wählen Sie einen Ort aus der Liste „In der Nähe von“.');
  });

  it('takes an Open311 address_string that is a landmark\'s name (any case): its point, the string kept as the private address', async () => {
    const created = await registerOpen311Client(app.database.db, tenant.id, 'cli', { name: 'Stadt-App', requestsPerHour: 100 });
    assert.ok(created.ok);
    const post = (address: string) => app.app.inject({ method: 'POST', url: '/open311/v2/requests.json', headers: { host, 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ api_key: created.apiKey, service_code: 'muell', description: 'Müll', address_string: address }).toString() });
    const sent = await post('marktplatz');
    assert.equal(sent.statusCode, 201, sent.body);
    const [{ service_request_id: id }] = JSON.parse(sent.body);
    const row = await asTownOwner(app.database.db, tenant.id, (trx) => trx.selectFrom('reports as r').innerJoin('report_details as d', 'd.report_id', 'r.id')
      .select(['r.lat', 'r.lon', 'r.location_label', 'd.address']).where('r.id', '=', id).executeTakeFirstOrThrow());
    assert.deepEqual(row, { lat: 51.5512, lon: 7.1131, location_label: 'Marktplatz', address: 'marktplatz' });
    const refused = await post('Marktplatz Ost');
    assert.equal(refused.statusCode, 400);
    assert.match(refused.body, /not a street or landmark of/);
  });
});
