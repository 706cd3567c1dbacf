import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Tenant } from '../tenants/tenant.js';
import { buildTestApp, type TestApp } from '../../test-support/app.js';
import { TestBrowser } from '../../test-support/browser.js';
import { asTownOwner } from '../../test-support/database.js';
import { inside, setUpReports } from '../../test-support/reports.js';

describe('Open311 GeoReport v2, read endpoints', () => {
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
      const sent = await browser.postMultipart('/maengel/melden', { kategorie, breite: String(inside.lat), laenge: String(inside.lon), beschreibung: `Geheim ${name}`, email: 'melder@example.org' }, {});
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
    assert.deepEqual(endpoint.formats, ['application/json']);
    const spec = (await app.app.inject({ url: '/api/openapi.json', headers: { host } })).json() as { paths: Record<string, { get?: unknown }> };
    assert.ok(spec.paths['/open311/v2/requests.json']?.get, 'documented in the OpenAPI description');
    const services = await get('/open311/v2/services.json');
    assert.match(services.type, /^application\/json/);
    assert.deepEqual(services.body, [
      { service_code: 'schlagloch', service_name: 'Schlagloch', description: 'Schäden an Straße oder Gehweg', metadata: false, type: 'realtime', keywords: '', group: '' },
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
});
