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
  let streets: Record<string, string>;
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
      streets = Object.fromEntries((await trx.selectFrom('report_streets').select(['name', 'id']).where('tenant_id', '=', tenant.id).execute()).map((r) => [r.name, r.id]));
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
});
