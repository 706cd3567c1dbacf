import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { sql } from 'kysely';
import type { Tenant } from '../tenants/tenant.js';
import { buildTestApp, type TestApp } from '../../test-support/app.js';
import { fieldError, TestBrowser } from '../../test-support/browser.js';
import { asTownOwner } from '../../test-support/database.js';
import { inside, phoneJpeg, setUpReports } from '../../test-support/reports.js';
import { signInClerk, type Clerk } from '../../test-support/staff.js';
import { registerOpen311Client } from './open311-clients.js';
import { checkTileLayer, tileOrigin } from './report-map.js';
import { findStreetOfAddress } from './report-location.js';

describe('checking a town\'s tile URL template', () => {
  const attribution = '© Stadt Musterstadt, OpenStreetMap-Mitwirkende';
  const problem = (tileUrl: string, text = attribution) => {
    const checked = checkTileLayer({ tileUrl, attribution: text });
    return checked.ok ? undefined : checked.problems;
  };

  it('accepts an https template with {z}/{x}/{y} (and {r}) on one fixed host, and names its origin for the CSP', () => {
    const checked = checkTileLayer({ tileUrl: ' https://karten.musterstadt.de:8443/tiles/{z}/{x}/{y}{r}.png?key=abc ', attribution });
    assert.ok(checked.ok);
    assert.equal(checked.layer.urlTemplate, 'https://karten.musterstadt.de:8443/tiles/{z}/{x}/{y}{r}.png?key=abc');
    assert.equal(tileOrigin(checked.layer), 'https://karten.musterstadt.de:8443');
  });

  it('refuses templates that are empty, not https, without a placeholder, with unknown or host placeholders, with credentials, or too long', () => {
    assert.deepEqual(problem(''), { tileUrl: 'missing' });
    assert.deepEqual(problem('http://tile.example.org/{z}/{x}/{y}.png'), { tileUrl: 'notHttps' });
    assert.deepEqual(problem('javascript:alert(1)//{z}/{x}/{y}'), { tileUrl: 'notHttps' });
    assert.deepEqual(problem('https://tile.example.org/{z}/{x}.png'), { tileUrl: 'placeholders' });
    assert.deepEqual(problem('https://tile.example.org/{z}/{x}/{y}/{apikey}.png'), { tileUrl: 'placeholders' });
    assert.deepEqual(problem('https://{s}.tile.example.org/{z}/{x}/{y}.png'), { tileUrl: 'hostPlaceholder' });
    assert.deepEqual(problem('https://{z}{x}{y}'), { tileUrl: 'hostPlaceholder' });
    assert.deepEqual(problem('https://tile.example.org?{z}{x}{y}'), { tileUrl: 'invalid' });
    assert.deepEqual(problem('https://user:secret@tile.example.org/{z}/{x}/{y}.png'), { tileUrl: 'invalid' });
    assert.deepEqual(problem('https://tile.example.org/{z}/{x}/{y}.png#frag'), { tileUrl: 'invalid' });
    assert.deepEqual(problem(`https://tile.example.org/${'a'.repeat(500)}/{z}/{x}/{y}.png`), { tileUrl: 'tooLong' });
  });

  it('refuses an attribution that is empty, too long or holds markup (Leaflet would insert it as HTML)', () => {
    const url = 'https://tile.example.org/{z}/{x}/{y}.png';
    assert.deepEqual(problem(url, '  '), { attribution: 'missing' });
    assert.deepEqual(problem(url, 'x'.repeat(201)), { attribution: 'tooLong' });
    assert.deepEqual(problem(url, '<img src=x onerror=alert(1)>'), { attribution: 'markup' });
  });
});

describe('finding a street of the town\'s list in a typed address', () => {
  const streets = [{ id: 'a', name: 'Am Mark', lat: 0, lon: 0 }, { id: 'b', name: 'Am Markt', lat: 0, lon: 0 }, { id: 'c', name: 'Hauptstraße', lat: 0, lon: 0 }];
  it('takes the longest street the address begins with, spelling "str." and "strasse" out, and the house number after it', () => {
    assert.deepEqual(findStreetOfAddress('Am Markt 3', streets), { streetId: 'b', houseNumber: '3' });
    assert.deepEqual(findStreetOfAddress('hauptstr. 12a', streets), { streetId: 'c', houseNumber: '12a' });
    assert.deepEqual(findStreetOfAddress('HAUPTSTRASSE, 7', streets), { streetId: 'c', houseNumber: '7' });
    assert.deepEqual(findStreetOfAddress('Hauptstraße', streets), { streetId: 'c', houseNumber: '' });
  });
  it('finds nothing for a street not on the list or a name that only starts like one', () => {
    assert.equal(findStreetOfAddress('Bahnhofstraße 1', streets), undefined);
    assert.equal(findStreetOfAddress('Hauptstraßenweg 1', streets), undefined);
  });
});

describe('the Mängelmelder\'s maps, feeds, statistics and Open311 fields', () => {
  let app: TestApp;
  let tenant: Tenant;
  let host: string;
  let categories: Record<string, string>;
  let departments: Record<string, string>;
  let bauamt: Clerk;
  let admin: Clerk;
  const browsers = new Map<Clerk, TestBrowser>();
  before(async () => {
    app = await buildTestApp();
    ({ tenant, host } = await app.createTown());
    await setUpReports(app.database.db, tenant.id);
    await asTownOwner(app.database.db, tenant.id, async (trx) => {
      categories = Object.fromEntries((await trx.selectFrom('report_categories').select(['code', 'id']).where('tenant_id', '=', tenant.id).execute()).map((r) => [r.code, r.id]));
      departments = Object.fromEntries((await trx.selectFrom('departments').select(['key', 'id']).where('tenant_id', '=', tenant.id).execute()).map((r) => [r.key, r.id]));
    });
    bauamt = await app.createClerk(tenant, 'bauamt');
    admin = await app.createClerk(tenant, 'abfallwirtschaft', { townAdmin: true });
  });
  after(() => app.close());

  async function signedIn(clerk: Clerk): Promise<TestBrowser> {
    let browser = browsers.get(clerk);
    if (!browser) {
      browser = new TestBrowser(app.app, host);
      await signInClerk(browser, clerk);
      browsers.set(clerk, browser);
    }
    return browser;
  }
  const csp = (response: { headers: Record<string, unknown> }) => String(response.headers['content-security-policy']);
  const imgSrc = (response: { headers: Record<string, unknown> }) => csp(response).split('; ').find((d) => d.startsWith('img-src '));

  async function fileReport(fields: Record<string, string>, photo = false): Promise<string> {
    const citizen = new TestBrowser(app.app, host);
    await citizen.get('/maengel/melden');
    const sent = await citizen.postMultipart('/maengel/melden', { kategorie: 'schlagloch', beschreibung: 'Loch vor dem Haus von Frau Privat', trotzdem: '1', ...fields },
      photo ? { fotos: [{ filename: 'loch.jpg', contentType: 'image/jpeg', content: await phoneJpeg() }] } : {});
    assert.equal(sent.statusCode, 303, sent.body.slice(0, 300));
    return (sent.headers.location as string).split('/')[2]!;
  }

  describe('maps', () => {
    it('puts a hidden map on the form, the list and the staff report page, with the tile server (OpenStreetMap by default) allowed for images on those pages only', async () => {
      const citizen = new TestBrowser(app.app, host);
      const form = await citizen.get('/maengel/melden');
      assert.ok(form.body.includes('<div class="report-map-frame" hidden data-map-frame="true">'), 'hidden until the script shows it');
      assert.ok(form.body.includes('data-map="pick"') && form.body.includes('data-tiles="https://tile.openstreetmap.org/{z}/{x}/{y}.png"'));
      assert.ok(form.body.includes('data-bounds="51.53,7.08,51.57,7.14"'), 'starts on the town\'s area');
      assert.ok(form.body.includes('<script src="/static/leaflet/leaflet.js" defer></script><script src="/static/report-map.js" defer>'));
      assert.equal(imgSrc(form), "img-src 'self' data: https://tile.openstreetmap.org");
      // The street and coordinate fields stay: the map only fills them in.
      assert.ok(form.body.includes('name="strasse"') && form.body.includes('name="breite"') && form.body.includes('name="laenge"'));
      assert.equal(imgSrc(await citizen.get('/maengel/feed.atom')), "img-src 'self' data:");
      assert.equal(imgSrc(await citizen.get('/impressum')), "img-src 'self' data:", 'other pages keep the strict policy');

      const leaflet = await citizen.get('/static/leaflet/leaflet.js');
      assert.equal(leaflet.statusCode, 200);
      assert.equal((await citizen.get('/static/leaflet/images/marker-icon.png')).statusCode, 200);
      assert.equal((await citizen.get('/static/report-map.js')).statusCode, 200);
    });

    it('marks each listed report at its rounded place only, and the staff page at the exact place', async () => {
      const id = await fileReport({ breite: '51.551234', laenge: '7.112345' });
      const list = await new TestBrowser(app.app, host).get('/maengel');
      assert.ok(list.body.includes('data-map="reports"'));
      assert.match(list.body, new RegExp(`data-report-lat="51.551" data-report-lon="7.112" data-report-title="Schlagloch: Eingegangen">\\s*<h2[^>]*><a class="kern-link" href="/maengel/${id}"`));
      assert.equal(list.body.includes('51.551234'), false, 'the exact point is not public');
      assert.equal(imgSrc(list), "img-src 'self' data: https://tile.openstreetmap.org");

      const clerk = await signedIn(bauamt);
      const staffPage = await clerk.get(`/verwaltung/maengel/${id}`);
      assert.equal(staffPage.statusCode, 200);
      assert.ok(staffPage.body.includes('data-map="point"') && staffPage.body.includes('data-lat="51.551234" data-lon="7.112345"'));
      assert.equal(imgSrc(staffPage), "img-src 'self' data: https://tile.openstreetmap.org");
    });

    it('lets a town admin set the tile server and attribution, which the maps and the CSP then use', async () => {
      const browser = await signedIn(admin);
      const page = await browser.get('/verwaltung/admin/karte');
      assert.equal(page.statusCode, 200);
      assert.ok(page.body.includes('value="https://tile.openstreetmap.org/{z}/{x}/{y}.png"'));
      const saved = await browser.post('/verwaltung/admin/karte', { tileUrl: 'https://karten.musterstadt.example/{z}/{x}/{y}.png', attribution: '© Musterstadt & OSM' });
      assert.equal(saved.statusCode, 303);
      assert.equal(saved.headers.location, '/verwaltung/admin/karte?gespeichert=1');
      assert.ok((await browser.get('/verwaltung/admin/karte?gespeichert=1')).body.includes('Die Karteneinstellung wurde gespeichert.'));

      const form = await new TestBrowser(app.app, host).get('/maengel/melden');
      assert.ok(form.body.includes('data-tiles="https://karten.musterstadt.example/{z}/{x}/{y}.png" data-attribution="© Musterstadt &amp; OSM"'));
      assert.equal(imgSrc(form), "img-src 'self' data: https://karten.musterstadt.example");
      const audit = await asTownOwner(app.database.db, tenant.id, (trx) => trx.selectFrom('audit_log').select('actor').where('action', '=', 'reports.map-changed').execute());
      assert.deepEqual(audit.map((a) => a.actor), [`staff:${admin.id}`]);
    });

    it('refuses a bad tile server with the reason next to each field (German and English), keeps what was typed and stores nothing', async () => {
      const browser = await signedIn(admin);
      await browser.get('/verwaltung/admin/karte');
      const before = await asTownOwner(app.database.db, tenant.id, (trx) => trx.selectFrom('report_map_settings').selectAll().executeTakeFirst());
      const refused = await browser.post('/verwaltung/admin/karte', { tileUrl: 'https://{s}.tile.example.org/{z}/{x}/{y}.png', attribution: '<b>OSM</b>' });
      assert.equal(refused.statusCode, 422);
      assert.equal(fieldError(refused.body, 'tileUrl'), 'Der Servername darf keinen Platzhalter enthalten: Geben Sie einen festen Server an.');
      assert.equal(fieldError(refused.body, 'attribution'), 'Die Quellenangabe darf die Zeichen &lt; und > nicht enthalten.');
      assert.ok(refused.body.includes('value="https://{s}.tile.example.org/{z}/{x}/{y}.png"'));
      await browser.get('/sprache?lang=en&zurueck=/verwaltung/admin/karte');
      const english = await browser.post('/verwaltung/admin/karte', { tileUrl: 'http://tile.example.org/{z}/{x}/{y}.png', attribution: 'OSM' });
      assert.equal(english.statusCode, 422);
      assert.equal(fieldError(english.body, 'tileUrl'), 'The address must start with https://.');
      await browser.get('/sprache?lang=de&zurueck=/verwaltung/admin/karte');
      assert.deepEqual(await asTownOwner(app.database.db, tenant.id, (trx) => trx.selectFrom('report_map_settings').selectAll().executeTakeFirst()), before);
    });

    it('keeps the map settings to town admins, and a post without the form\'s token changes nothing', async () => {
      const clerk = await signedIn(bauamt);
      assert.equal((await clerk.get('/verwaltung/admin/karte')).statusCode, 403);
      assert.equal((await clerk.post('/verwaltung/admin/karte', { tileUrl: 'https://evil.example/{z}/{x}/{y}.png', attribution: 'x' })).statusCode, 403);
      const browser = await signedIn(admin);
      assert.equal((await browser.post('/verwaltung/admin/karte', { tileUrl: 'https://evil.example/{z}/{x}/{y}.png', attribution: 'x' }, { csrf: 'wrong' })).statusCode, 403);
      assert.equal((await new TestBrowser(app.app, host).get('/verwaltung/admin/karte')).statusCode, 303, 'signed out: to the sign-in');
      const row = await asTownOwner(app.database.db, tenant.id, (trx) => trx.selectFrom('report_map_settings').select('tile_url').executeTakeFirst());
      assert.notEqual(row?.tile_url, 'https://evil.example/{z}/{x}/{y}.png');
    });
  });

  describe('feeds', () => {
    const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', isArray: (name) => name === 'entry' || name === 'link' });
    async function feed(url: string) {
      const response = await new TestBrowser(app.app, host).get(url);
      assert.equal(response.statusCode, 200, response.body.slice(0, 300));
      assert.match(String(response.headers['content-type']), /^application\/atom\+xml/);
      assert.equal(XMLValidator.validate(response.body), true, 'well-formed XML');
      const parsed = parser.parse(response.body).feed;
      return { body: response.body, feed: parsed, entries: (parsed.entry ?? []) as Array<Record<string, any>> };
    }

    it('publishes the public part of the newest reports as Atom, per category and per box, linked from the list', async () => {
      const pothole = await fileReport({ breite: '51.5612', laenge: '7.0912' }, true);
      const rubbish = await fileReport({ kategorie: 'muell', breite: '51.5613', laenge: '7.1311' });
      await asTownOwner(app.database.db, tenant.id, async (trx) => {
        await trx.updateTable('reports').set({ public_description: 'Schlagloch am Radweg.', public_comment: 'Wird nächste Woche verfüllt.' }).where('id', '=', pothole).execute();
        await trx.updateTable('report_photos').set({ released: true }).where('report_id', '=', pothole).execute();
      });

      const all = await feed('/maengel/feed.atom');
      assert.equal(all.feed.xmlns, 'http://www.w3.org/2005/Atom');
      assert.equal(all.feed.title, `Mängelmelder ${tenant.name}`);
      assert.equal(all.feed.link.find((l: Record<string, string>) => l.rel === 'self').href, `http://${host}:${app.config.port}/maengel/feed.atom`);
      const entry = all.entries.find((e) => e.id === `urn:uuid:${pothole}`)!;
      assert.ok(entry, 'the pothole is in the feed');
      assert.equal(entry.title, 'Schlagloch: Eingegangen');
      assert.equal(entry.link[0].href, `http://${host}:${app.config.port}/maengel/${pothole}`);
      assert.equal(entry.category.term, 'schlagloch');
      assert.equal(entry.summary['#text'], '51.561, 7.091\n\nSchlagloch am Radweg.\n\nWird nächste Woche verfüllt.');
      assert.ok(all.entries.some((e) => e.id === `urn:uuid:${rubbish}`));
      assert.equal(all.body.includes('Frau Privat'), false, 'what the citizen typed stays private');
      assert.equal(all.body.includes('51.5612'), false, 'only the rounded place');

      const potholes = await feed('/maengel/feed.atom?kategorie=schlagloch');
      assert.equal(potholes.feed.title, `Mängelmelder ${tenant.name}: Schlagloch`);
      assert.ok(potholes.entries.length > 0 && potholes.entries.every((e) => e.category.term === 'schlagloch'));
      // The box holds the rubbish (7.131) and not the pothole (7.091); matched on the rounded place.
      const east = await feed('/maengel/feed.atom?bbox=7.125,51.56,7.135,51.565');
      assert.deepEqual(east.entries.map((e) => e.id), [`urn:uuid:${rubbish}`]);

      const list = await new TestBrowser(app.app, host).get('/maengel');
      assert.ok(list.body.includes('<link rel="alternate" type="application/atom+xml" href="/maengel/feed.atom" title="Alle Meldungen"/>'));
      assert.ok(list.body.includes('<link rel="alternate" type="application/atom+xml" href="/maengel/feed.atom?kategorie=muell" title="Nur Wilder Müll"/>'));
      assert.ok(list.body.includes('<a class="kern-link" href="/maengel/feed.atom?kategorie=schlagloch">Nur Schlagloch</a>'));
    });

    it('answers a wrong query with 400 and what it takes (German or English), and an unknown category with 404', async () => {
      const browser = new TestBrowser(app.app, host);
      for (const query of ['?bbox=7.2,51.5,7.1,51.6', '?bbox=abc', '?kategorie=Schlag%20loch', '?seite=2']) {
        const refused = await browser.get(`/maengel/feed.atom${query}`);
        assert.equal(refused.statusCode, 400, query);
        assert.match(refused.body, /^Der Feed kennt nur „kategorie“/);
      }
      await browser.get('/sprache?lang=en&zurueck=/maengel');
      assert.match((await browser.get('/maengel/feed.atom?bbox=1')).body, /^The feed knows only "kategorie"/);
      assert.equal((await browser.get('/maengel/feed.atom?kategorie=laterne')).statusCode, 404);
    });
  });

  describe('statistics', () => {
    before(async () => {
      // Reports with known dates in the departments' past: none is filed through the form here.
      await asTownOwner(app.database.db, tenant.id, async (trx) => {
        const add = async (code: 'schlagloch' | 'muell', createdAt: string, status: string, point: { lat: number; lon: number }, doneAt: string[] = []) => {
          const id = randomUUID();
          const department = departments[code === 'schlagloch' ? 'bauamt' : 'abfallwirtschaft']!;
          await trx.insertInto('reports').values({ tenant_id: tenant.id, id, category_id: categories[code]!, department_id: department, ...point, location_label: null, status, created_at: new Date(createdAt), updated_at: new Date(createdAt) }).execute();
          for (const [i, at] of doneAt.entries()) {
            await trx.insertInto('report_events').values({ tenant_id: tenant.id, report_id: id, staff_id: bauamt.id, kind: 'status', occurred_at: new Date(at), details: JSON.stringify({ to: 'done', step: i }) }).execute();
          }
        };
        const here = { lat: 51.5412, lon: 7.0923 };
        await add('schlagloch', '2025-01-10T08:00:00Z', 'done', here, ['2025-01-12T08:00:00Z']);
        await add('schlagloch', '2025-01-20T08:00:00Z', 'done', here, ['2025-01-26T08:00:00Z']);
        // Done, reopened, done again: the last time counts (10 days).
        await add('schlagloch', '2025-01-15T08:00:00Z', 'done', here, ['2025-01-16T08:00:00Z', '2025-01-25T08:00:00Z']);
        await add('schlagloch', '2025-01-05T08:00:00Z', 'rejected', here);
        // 1 March, 00:30 in Berlin: March, not February.
        await add('schlagloch', '2025-02-28T23:30:00Z', 'received', { lat: 51.5462, lon: 7.1010 });
        // 31 December 2024, 23:30 in Berlin: before the period.
        await add('schlagloch', '2024-12-31T22:30:00Z', 'received', here);
        await add('muell', '2025-01-07T08:00:00Z', 'in_progress', { lat: 51.5662, lon: 7.1310 });
      });
    });
    const period = '?von=01.01.2025&bis=30.06.2025';

    it('counts a department\'s open and closed reports per category and Berlin month, the median days to done, and reports per grid cell', async () => {
      const page = await (await signedIn(bauamt)).get(`/verwaltung/maengel/statistik${period}`);
      assert.equal(page.statusCode, 200, page.body.slice(0, 300));
      const rows = [...page.body.matchAll(/<tr class="kern-table__row"[^>]*>(<td.*?)<\/tr>/g)].map((m) => m[1]!.replace(/<[^>]+>/g, '|').replace(/\|+/g, '|'));
      assert.deepEqual(rows, [
        '|2025-01|Schlagloch|0|4|4|', '|2025-03|Schlagloch|1|0|1|',
        '|Schlagloch|3|6|',
        '|51,540, 7,088|4|', '|51,545, 7,096|1|',
      ]);
      assert.ok(page.body.includes('data-cell="51.54,7.088,51.545,7.096" data-count="4"'), 'the heat map reads the cells from the table');
      assert.ok(page.body.includes('data-map="heat"'));
      assert.equal(page.body.includes('Müll'), false, 'another department\'s reports are not counted');
    });

    it('counts every department for a town admin, refuses staff without a department, and keeps a mistyped period with its error', async () => {
      const browser = await signedIn(admin);
      const page = await browser.get(`/verwaltung/maengel/statistik${period}`);
      assert.ok(page.body.includes('in den Fachbereichen: alle'));
      assert.match(page.body.replace(/<[^>]+>/g, '|').replace(/\|+/g, '|'), /\|2025-01\|Wilder Müll\|1\|0\|1\|/);
      const wrong = await browser.get('/verwaltung/maengel/statistik?von=31.02.2025&bis=01.01.2025');
      assert.equal(wrong.statusCode, 422);
      assert.ok(wrong.body.includes('value="31.02.2025"'));
      assert.ok(fieldError(wrong.body, 'von'));
      assert.equal((await new TestBrowser(app.app, host).get('/verwaltung/maengel/statistik')).statusCode, 303, 'signed out: to the sign-in');
    });
  });

  describe('Open311 fields', () => {
    let apiKey: string;
    before(async () => {
      const created = await registerOpen311Client(app.database.db, tenant.id, 'cli', { name: 'Stadt-App', requestsPerHour: 100 });
      assert.ok(created.ok);
      apiKey = created.apiKey;
    });
    const post = (fields: Record<string, string>) => app.app.inject({ method: 'POST', url: '/open311/v2/requests.json', headers: { host, 'content-type': 'application/x-www-form-urlencoded' }, payload: new URLSearchParams({ api_key: apiKey, service_code: 'schlagloch', description: 'Loch', ...fields }).toString() });

    it('files a request by address_string against the street list: the street\'s point, the address kept private', async () => {
      const sent = await post({ address_string: 'Hauptstr. 12a' });
      assert.equal(sent.statusCode, 201, sent.body);
      const [{ service_request_id: id }] = JSON.parse(sent.body);
      const row = await asTownOwner(app.database.db, tenant.id, (trx) => trx.selectFrom('reports as r').innerJoin('report_details as d', 'd.report_id', 'r.id')
        .select(['r.lat', 'r.lon', 'r.location_label', 'd.address']).where('r.id', '=', id).executeTakeFirstOrThrow());
      assert.deepEqual(row, { lat: 51.5501, lon: 7.1101, location_label: 'Hauptstraße', address: 'Hauptstraße 12a' });
      const [shown] = JSON.parse((await app.app.inject({ url: `/open311/v2/requests/${id}.json`, headers: { host } })).body);
      assert.equal(shown.address, 'Hauptstraße');
    });

    it('refuses an address that is not on the list, a wrong house number, and neither coordinates nor address', async () => {
      const count = async () => (await sql<{ n: number }>`select count(*)::int as n from reports where tenant_id = ${tenant.id}`.execute(app.database.db)).rows[0]!.n;
      const before = await count();
      for (const [fields, description] of [
        [{ address_string: 'Bahnhofstraße 3' }, `address_string: not a street or landmark of ${tenant.name} (give lat and long instead)`],
        [{ address_string: 'Hauptstraße gegenüber der Kirche' }, 'address_string: the house number after the street is not one (like 12 or 12a)'],
        [{}, 'lat, long or address_string: required'],
      ] as const) {
        const refused = await post(fields);
        assert.equal(refused.statusCode, 400, refused.body);
        assert.deepEqual(JSON.parse(refused.body), [{ code: 400, description }]);
      }
      assert.equal(await count(), before, 'nothing stored');
    });

    it('gives a released photo as media_url, and service_request_id overrides every other filter', async () => {
      const withPhoto = await fileReport({ breite: String(inside.lat), laenge: String(inside.lon) }, true);
      const list = async (query: string) => JSON.parse((await app.app.inject({ url: `/open311/v2/requests.json?${query}`, headers: { host } })).body) as Array<Record<string, unknown>>;
      assert.equal((await list(`service_request_id=${withPhoto}`))[0]!.media_url, null, 'not released yet');
      await asTownOwner(app.database.db, tenant.id, (trx) => trx.updateTable('report_photos').set({ released: true }).where('report_id', '=', withPhoto).execute());
      const [shown] = await list(`service_request_id=${withPhoto}&service_code=muell&status=closed&end_date=2000-01-01`);
      assert.equal(shown!.media_url, `http://${host}:${app.config.port}/maengel/${withPhoto}/fotos/1`);
      assert.equal((await new TestBrowser(app.app, host).get(`/maengel/${withPhoto}/fotos/1`)).statusCode, 200);
      const xml = (await app.app.inject({ url: `/open311/v2/requests/${withPhoto}.xml`, headers: { host } })).body;
      assert.ok(xml.includes(`<media_url>http://${host}:${app.config.port}/maengel/${withPhoto}/fotos/1</media_url>`));
    });
  });
});
