import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Tenant } from '../tenants/tenant.js';
import { buildTestApp, type TestApp } from '../../test-support/app.js';
import { TestBrowser } from '../../test-support/browser.js';
import { asTownOwner } from '../../test-support/database.js';
import { authenticateOpen311Client, createOpen311Client } from './open311-clients.js';
import { signInClerk } from '../../test-support/staff.js';
import { inside, outside, setUpReports } from '../../test-support/reports.js';

describe('Open311 GeoReport v2', () => {
  let app: TestApp;
  let tenant: Tenant;
  let host: string;
  const ids: Record<string, string> = {};
  before(async () => {
    app = await buildTestApp();
    ({ tenant, host } = await app.createTown());
    await setUpReports(app.database.db, tenant.id);
    // Filed through the form, as citizens do; then one is closed and one released, as a clerk will.
    for (const [name, kategorie] of [['pothole', 'schlagloch'], ['rubbish', 'muell'], ['old', 'muell']] as const) {
      const browser = new TestBrowser(app.app, host);
      await browser.get('/maengel/melden');
      const sent = await browser.postMultipart('/maengel/melden', { kategorie, breite: String(inside.lat), laenge: String(inside.lon), beschreibung: `Geheim ${name}`, email: 'melder@example.org', trotzdem: '1' }, {});
      assert.equal(sent.statusCode, 303);
      ids[name] = (sent.headers.location as string).split('/')[2]!;
    }
    await asTownOwner(app.database.db, tenant.id, async (trx) => {
      await trx.updateTable('reports').set({ status: 'done', public_comment: 'Abgeholt.', public_description: 'Sperrmüll am Weg' }).where('id', '=', ids.rubbish!).execute();
      await trx.updateTable('reports').set({ created_at: new Date('2026-01-10T10:00:00Z') }).where('id', '=', ids.old!).execute();
    });
  });
  after(() => app.close());

  const get = async (url: string) => {
    const response = await app.app.inject({ method: 'GET', url, headers: { host } });
    return { status: response.statusCode, type: String(response.headers['content-type']), body: response.json() as unknown };
  };
  const requestIds = (body: unknown) => (body as Array<{ service_request_id: string }>).map((r) => r.service_request_id).sort();

  it('describes itself (discovery) and lists the town\'s categories as services', async () => {
    const discovery = await get('/open311/v2/discovery.json');
    assert.equal(discovery.status, 200);
    const endpoint = (discovery.body as { endpoints: Array<{ url: string; formats: string[] }> }).endpoints[0]!;
    assert.ok(endpoint.url.endsWith('/open311/v2'));
    assert.deepEqual(endpoint.formats, ['application/json', 'text/xml']);
    const spec = (await app.app.inject({ url: '/api/openapi.json', headers: { host } })).json() as { paths: Record<string, { get?: unknown }> };
    assert.ok(spec.paths['/open311/v2/requests.json']?.get, 'documented in the OpenAPI description');
    const services = await get('/open311/v2/services.json');
    assert.match(services.type, /^application\/json/);
    assert.deepEqual(services.body, [
      { service_code: 'schlagloch', service_name: 'Schlagloch', description: 'Schäden an Straße oder Gehweg', metadata: true, type: 'realtime', keywords: '', group: '' },
      { service_code: 'muell', service_name: 'Wilder Müll', description: 'Abgeladener Abfall', metadata: false, type: 'realtime', keywords: '', group: '' },
    ]);
  });

  it('lists requests of the last 90 days with only their public part', async () => {
    const list = await get('/open311/v2/requests.json');
    assert.equal(list.status, 200);
    assert.deepEqual(requestIds(list.body), [ids.pothole, ids.rubbish].sort(), 'the January report is older than 90 days');
    const text = JSON.stringify(list.body);
    for (const secret of ['Geheim', 'melder@example.org']) assert.equal(text.includes(secret), false, secret);
    const rubbish = (list.body as Array<Record<string, unknown>>).find((r) => r.service_request_id === ids.rubbish)!;
    assert.equal(rubbish.status, 'closed');
    assert.equal(rubbish.status_notes, 'Abgeholt.');
    assert.equal(rubbish.description, 'Sperrmüll am Weg', 'released text only');
    assert.equal(rubbish.lat, 51.551);
    assert.equal(rubbish.long, 7.112);
  });

  it('filters by service code, status and period', async () => {
    assert.deepEqual(requestIds((await get('/open311/v2/requests.json?service_code=schlagloch')).body), [ids.pothole]);
    assert.deepEqual(requestIds((await get('/open311/v2/requests.json?status=closed')).body), [ids.rubbish]);
    assert.deepEqual(requestIds((await get('/open311/v2/requests.json?status=open&service_code=muell,schlagloch')).body), [ids.pothole]);
    assert.deepEqual(requestIds((await get('/open311/v2/requests.json?start_date=2026-01-01T00:00:00Z&end_date=2026-01-31T00:00:00Z')).body), [ids.old]);
  });

  it('answers bad filters with the spec\'s error list', async () => {
    for (const [query, field] of [['status=pending', 'status'], ['start_date=gestern', 'start_date'], ['service_code=<script>', 'service_code'], ['radius=5', 'query']] as const) {
      const response = await get(`/open311/v2/requests.json?${query}`);
      assert.equal(response.status, 400, query);
      const errors = response.body as Array<{ code: number; description: string }>;
      assert.equal(errors[0]!.code, 400);
      assert.ok(errors[0]!.description.startsWith(field), `${query}: ${errors[0]!.description}`);
    }
    const reversed = await get('/open311/v2/requests.json?start_date=2026-02-01&end_date=2026-01-01');
    assert.deepEqual(reversed.body, [{ code: 400, description: 'start_date: must not be after end_date' }]);
  });

  it('shows one request, and the spec\'s 404 for an unknown one or another town\'s', async () => {
    const one = await get(`/open311/v2/requests/${ids.pothole}.json`);
    assert.equal(one.status, 200);
    assert.deepEqual(requestIds(one.body), [ids.pothole]);
    assert.deepEqual((await get('/open311/v2/requests/00000000-0000-4000-8000-000000000000.json')).body, [{ code: 404, description: 'service_request_id not found' }]);
    assert.equal((await get('/open311/v2/requests/nicht-da.json')).status, 404);
    const other = await app.createTown();
    const response = await app.app.inject({ method: 'GET', url: `/open311/v2/requests/${ids.pothole}.json`, headers: { host: other.host } });
    assert.equal(response.statusCode, 404);
  });

  const raw = (url: string) => app.app.inject({ method: 'GET', url, headers: { host } });
  const post = (format: 'json' | 'xml', fields: Record<string, string | string[]>) => {
    const body = new URLSearchParams();
    for (const [k, v] of Object.entries(fields)) for (const one of Array.isArray(v) ? v : [v]) body.append(k, one);
    return app.app.inject({ method: 'POST', url: `/open311/v2/requests.${format}`, headers: { host, 'content-type': 'application/x-www-form-urlencoded' }, payload: body.toString() });
  };
  const newClient = (name: string, requestsPerHour?: number) => asTownOwner(app.database.db, tenant.id, (trx) => createOpen311Client(trx, tenant.id, { name, requestsPerHour, actor: 'test' }));
  const reportCount = async () => (await asTownOwner(app.database.db, tenant.id, (trx) => trx.selectFrom('reports').select((eb) => eb.fn.countAll<number>().as('n')).where('tenant_id', '=', tenant.id).executeTakeFirstOrThrow())).n;

  it('answers in the spec\'s XML too: services, a service definition with its attributes, and errors', async () => {
    const services = await raw('/open311/v2/services.xml');
    assert.equal(services.statusCode, 200);
    assert.match(String(services.headers['content-type']), /^text\/xml/);
    assert.match(services.body, /^<\?xml version="1\.0" encoding="utf-8"\?>\n<services><service><service_code>schlagloch<\/service_code><service_name>Schlagloch<\/service_name>/);
    assert.ok(services.body.includes('<metadata>true</metadata>'));
    const definition = await get('/open311/v2/services/schlagloch.json');
    assert.deepEqual(definition.body, {
      service_code: 'schlagloch',
      attributes: [{
        variable: true, code: 'groesse', datatype: 'singlevaluelist', required: false, datatype_description: null, order: 1, description: 'Wie groß ist das Loch?',
        values: [{ key: 'klein', name: 'Kleiner als ein Teller' }, { key: 'gross', name: 'Größer als ein Teller' }],
      }],
    });
    const xml = (await raw('/open311/v2/services/schlagloch.xml')).body;
    assert.ok(xml.includes('<service_definition><service_code>schlagloch</service_code><attributes><attribute><variable>true</variable><code>groesse</code>'), xml);
    assert.ok(xml.includes('<values><value><key>klein</key><name>Kleiner als ein Teller</name></value>'));
    assert.deepEqual((await get('/open311/v2/services/muell.json')).body, { service_code: 'muell', attributes: [] });
    const unknown = await raw('/open311/v2/services/gibts-nicht.xml');
    assert.equal(unknown.statusCode, 404);
    assert.ok(unknown.body.endsWith('<errors><error><code>404</code><description>service_code not found</description></error></errors>'));
    const badFilter = await raw('/open311/v2/requests.xml?status=pending');
    assert.equal(badFilter.statusCode, 400);
    assert.match(badFilter.body, /<errors><error><code>400<\/code><description>status: /);
    const discovery = await raw('/open311/v2/discovery.xml');
    assert.match(discovery.body, /<discovery><changeset>.*<endpoints><endpoint>.*<formats><format>application\/json<\/format><format>text\/xml<\/format><\/formats>/);
  });

  it('lets a registered client post a request and read it back in JSON and XML, and by its token', async () => {
    const { apiKey } = await newClient('Stadt-App');
    const sent = await post('json', {
      api_key: apiKey, service_code: 'schlagloch', lat: String(inside.lat), long: String(inside.lon), address_string: 'Hauptstraße 3',
      email: 'App.Nutzerin@Example.org', first_name: 'Ada', description: 'Loch neben dem Gully <b>tief</b>', 'attribute[groesse]': 'gross',
    });
    assert.equal(sent.statusCode, 201, sent.body);
    const [created] = sent.json() as Array<{ service_request_id: string; token: string; service_notice: null; account_id: null }>;
    assert.ok(created && /^[0-9a-f-]{36}$/.test(created.service_request_id) && /^[0-9a-f-]{36}$/.test(created.token));

    const asJson = await get(`/open311/v2/requests/${created.service_request_id}.json`);
    const [request] = asJson.body as Array<Record<string, unknown>>;
    assert.equal(request!.service_code, 'schlagloch');
    assert.equal(request!.status, 'open');
    assert.equal(request!.description, null, 'not public before a clerk released it');
    const asXml = await raw(`/open311/v2/requests/${created.service_request_id}.xml`);
    assert.equal(asXml.statusCode, 200);
    assert.ok(asXml.body.includes(`<service_requests><request><service_request_id>${created.service_request_id}</service_request_id><status>open</status>`), asXml.body);
    assert.ok(asXml.body.includes('<lat>51.551</lat><long>7.112</long>'));
    assert.equal(asXml.body.includes('Gully'), false);
    assert.deepEqual((await get(`/open311/v2/tokens/${created.token}.json`)).body, [{ service_request_id: created.service_request_id, token: created.token }]);
    assert.ok((await raw(`/open311/v2/tokens/${created.token}.xml`)).body.includes(`<service_requests><request><service_request_id>${created.service_request_id}</service_request_id><token>${created.token}</token></request></service_requests>`));
    assert.equal((await get('/open311/v2/tokens/00000000-0000-4000-8000-000000000000.json')).status, 404);

    const stored = await asTownOwner(app.database.db, tenant.id, (trx) => trx.selectFrom('report_details as d').innerJoin('reports as r', 'r.id', 'd.report_id')
      .innerJoin('departments as dep', 'dep.id', 'r.department_id')
      .select(['d.description', 'd.address', 'd.reporter_email', 'd.attributes', 'dep.key']).where('d.report_id', '=', created.service_request_id).executeTakeFirstOrThrow());
    assert.deepEqual(stored, { description: 'Loch neben dem Gully <b>tief</b>', address: 'Hauptstraße 3', reporter_email: 'app.nutzerin@example.org', attributes: { groesse: 'gross' }, key: 'bauamt' });
    assert.equal(JSON.stringify(stored).includes('Ada'), false, 'names are not stored');
    const clerk = new TestBrowser(app.app, host);
    await signInClerk(clerk, await app.createClerk(tenant, 'bauamt'));
    const staffPage = await clerk.get(`/verwaltung/maengel/${created.service_request_id}`);
    assert.match(staffPage.body, /Wie groß ist das Loch\?<\/dt><dd[^>]*><span[^>]*>Größer als ein Teller</, 'the clerk sees the answer to the extra question');

    const inXml = await post('xml', { api_key: apiKey, service_code: 'muell', lat: String(inside.lat), long: String(inside.lon), description: 'Sofa' });
    assert.equal(inXml.statusCode, 201);
    assert.match(inXml.body, /<service_requests><request><service_request_id>[0-9a-f-]{36}<\/service_request_id><token>[0-9a-f-]{36}<\/token><service_notice\/><account_id\/><\/request><\/service_requests>$/);
  });

  it('refuses bad posts with the spec\'s errors and stores nothing', async () => {
    const { apiKey } = await newClient('Prüfclient');
    const good = { api_key: apiKey, service_code: 'schlagloch', lat: String(inside.lat), long: String(inside.lon), description: 'Loch' };
    const before = await reportCount();
    const cases: Array<[Record<string, string>, number, RegExp]> = [
      [{ ...good, api_key: 'x'.repeat(43) }, 403, /^api_key/],
      [{ ...good, api_key: '' }, 403, /^api_key/],
      [{ ...good, service_code: 'gibts-nicht' }, 404, /^service_code not found/],
      [{ ...good, lat: '91', long: '7.1' }, 400, /^lat, long: must be decimal degrees/],
      [{ ...good, lat: 'Rathaus', long: '' }, 400, /^lat, long: must be decimal degrees/],
      [{ ...good, lat: '', long: '' }, 400, /^lat, long or address_string: required/],
      [{ ...good, lat: String(outside.lat), long: String(outside.lon) }, 400, /^lat, long: outside .*Beispielhausen/],
      [{ ...good, description: 'x'.repeat(10_000) }, 400, /^description: at most 2000 characters \(given: 10000\)/],
      [{ ...good, 'attribute[groesse]': 'riesig' }, 400, /^attribute\[groesse\]: not one of the listed values/],
      [{ ...good, 'attribute[farbe]': 'rot' }, 400, /^attribute\[farbe\]: unknown attribute/],
      [{ ...good, radius: '5' }, 400, /^radius: unknown parameter/],
      [{ ...good, email: 'kein-at' }, 400, /^email: /],
    ];
    for (const [fields, code, description] of cases) {
      const response = await post('json', fields);
      assert.equal(response.statusCode, code, JSON.stringify(fields).slice(0, 120));
      const errors = response.json() as Array<{ code: number; description: string }>;
      assert.equal(errors[0]!.code, code);
      assert.match(errors[0]!.description, description);
    }
    const both = await post('json', { ...good, lat: '200', long: '7', description: '' });
    assert.deepEqual((both.json() as Array<{ description: string }>).map((e) => e.description.split(':')[0]), ['lat, long', 'description'], 'every problem at once');
    const xml = await post('xml', { ...good, description: 'x'.repeat(10_000) });
    assert.equal(xml.statusCode, 400);
    assert.match(xml.body, /<errors><error><code>400<\/code><description>description: at most 2000 characters/);
    assert.equal(await reportCount(), before, 'nothing stored');
  });

  it('limits each client to its requests per hour', async () => {
    const { apiKey } = await newClient('Gedrosselt', 2);
    const fields = { api_key: apiKey, service_code: 'muell', lat: String(inside.lat), long: String(inside.lon), description: 'Müll' };
    assert.equal((await post('json', fields)).statusCode, 201);
    assert.equal((await post('json', fields)).statusCode, 201);
    const third = await post('json', fields);
    assert.equal(third.statusCode, 429);
    assert.deepEqual(third.json(), [{ code: 429, description: 'api_key: at most 2 requests per hour' }]);
    const { apiKey: other } = await newClient('Anderer Client');
    assert.equal((await post('json', { ...fields, api_key: other })).statusCode, 201, 'another client is not affected');
  });

  it('filters by a bounding box on the rounded coordinates the public sees', async () => {
    const around = await get('/open311/v2/requests.json?bbox=7.1,51.54,7.12,51.56');
    assert.ok(requestIds(around.body).includes(ids.pothole!));
    assert.deepEqual((await get('/open311/v2/requests.json?bbox=7.0,51.0,7.05,51.1')).body, []);
    // Around the exact point but not the rounded one: boxes must not home in on a doorstep.
    assert.deepEqual((await get(`/open311/v2/requests.json?bbox=7.1122,51.5511,7.1124,51.5513`)).body, []);
    for (const bad of ['7.1,51.5', '7.2,51.5,7.1,51.6', 'a,b,c,d', '7,95,8,96']) {
      const response = await get(`/open311/v2/requests.json?bbox=${bad}`);
      assert.equal(response.status, 400, bad);
      assert.match((response.body as Array<{ description: string }>)[0]!.description, /^bbox: /);
    }
  });

  it('lets a town admin register a client (key shown once, stored hashed) and revoke it; clerks may not', async () => {
    const admin = new TestBrowser(app.app, host);
    await signInClerk(admin, await app.createClerk(tenant, 'zentrale', { townAdmin: true }));
    const page = await admin.get('/verwaltung/admin/open311');
    assert.equal(page.statusCode, 200);
    assert.ok(page.body.includes('href="/verwaltung/admin/open311"'), 'in the administration navigation');

    const missing = await admin.post('/verwaltung/admin/open311', { name: '  ', perHour: 'viele' });
    assert.equal(missing.statusCode, 422);
    assert.ok(missing.body.includes('Geben Sie einen Namen an.') && missing.body.includes('ganze Zahl von 1 bis 99999'));
    const created = await admin.post('/verwaltung/admin/open311', { name: 'Bürgertelefon', perHour: '30' });
    assert.equal(created.statusCode, 200);
    const apiKey = created.body.match(/data-testid="api-key">([A-Za-z0-9_-]{43})</)?.[1] ?? '';
    assert.ok(apiKey, 'the key is shown');
    const client = await authenticateOpen311Client(app.database.db, tenant.id, apiKey);
    assert.equal(client?.requestsPerHour, 30);
    const listed = await admin.get('/verwaltung/admin/open311');
    assert.equal(listed.body.includes(apiKey), false, 'shown once only');
    const stored = await asTownOwner(app.database.db, tenant.id, (trx) => trx.selectFrom('open311_clients').select('key_hash').where('id', '=', client!.id).executeTakeFirstOrThrow());
    assert.notEqual(stored.key_hash, apiKey);
    assert.equal((await admin.post('/verwaltung/admin/open311', { name: 'Bürgertelefon' })).statusCode, 422, 'one name once');
    await admin.get('/verwaltung/admin/open311');
    assert.equal((await admin.post(`/verwaltung/admin/open311/${client!.id}/widerrufen`, {}, { csrf: null })).statusCode, 403);
    await admin.get('/verwaltung/admin/open311');
    const revoked = await admin.post(`/verwaltung/admin/open311/${client!.id}/widerrufen`, {});
    assert.equal(revoked.statusCode, 303);
    assert.equal(await authenticateOpen311Client(app.database.db, tenant.id, apiKey), undefined);
    const refused = await post('json', { api_key: apiKey, service_code: 'muell', lat: String(inside.lat), long: String(inside.lon), description: 'Müll' });
    assert.equal(refused.statusCode, 403);

    const clerk = new TestBrowser(app.app, host);
    await signInClerk(clerk, await app.createClerk(tenant, 'bauamt'));
    assert.equal((await clerk.get('/verwaltung/admin/open311')).statusCode, 403);
    assert.equal((await clerk.post('/verwaltung/admin/open311', { name: 'Heimlich' })).statusCode, 403);
  });
});
