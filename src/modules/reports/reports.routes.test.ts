import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import sharp from 'sharp';
import type { Tenant } from '../tenants/tenant.js';
import { buildTestApp, type TestApp } from '../../test-support/app.js';
import { fieldError, samplePdf, TestBrowser, type UploadFile } from '../../test-support/browser.js';
import { asTownOwner } from '../../test-support/database.js';
import { hasGpsIfd, inside, outside, phoneJpeg, pngBomb, setUpReports } from '../../test-support/reports.js';

describe('reporting a defect without JavaScript', () => {
  let app: TestApp;
  let tenant: Tenant;
  let host: string;
  let streets: Record<string, string>;
  before(async () => {
    app = await buildTestApp();
    ({ tenant, host } = await app.createTown());
    await setUpReports(app.database.db, tenant.id);
    const rows = await asTownOwner(app.database.db, tenant.id, (trx) => trx.selectFrom('report_streets').select(['name', 'id']).where('tenant_id', '=', tenant.id).execute());
    streets = Object.fromEntries(rows.map((r) => [r.name, r.id]));
  });
  after(() => app.close());

  const photo = async (): Promise<UploadFile> => ({ filename: 'IMG_0042.jpg', contentType: 'image/jpeg', content: await phoneJpeg() });
  const reportCount = async () => (await sql<{ n: number }>`select count(*)::int as n from reports where tenant_id = ${tenant.id}`.execute(app.database.db)).rows[0]!.n;
  // Many tests report at the same place: "trotzdem" skips the "already reported nearby?" step (tested on its own).
  const pothole = () => ({ kategorie: 'schlagloch', strasse: streets['Hauptstraße']!, hausnummer: '12a', beschreibung: 'Tiefes Loch am Straßenrand, etwa 30 cm breit.', email: 'Melderin@Example.org', trotzdem: '1' });

  async function openForm(): Promise<TestBrowser> {
    const browser = new TestBrowser(app.app, host);
    const page = await browser.get('/maengel/melden');
    assert.equal(page.statusCode, 200);
    return browser;
  }

  it('files a pothole by street and house number with a photo, shows the receipt once stored, and publishes only the public part', async () => {
    const browser = await openForm();
    const sent = await browser.postMultipart('/maengel/melden', pothole(), { fotos: [await photo()] });
    assert.equal(sent.statusCode, 303, sent.body.slice(0, 500));
    const receiptUrl = sent.headers.location as string;
    const id = receiptUrl.match(/^\/maengel\/([0-9a-f-]{36})\/eingang$/)?.[1];
    assert.ok(id, receiptUrl);

    const receipt = await browser.get(receiptUrl);
    assert.equal(receipt.statusCode, 200);
    for (const shown of ['Tiefes Loch am Straßenrand', 'Hauptstraße 12a', 'melderin@example.org', 'Schlagloch']) assert.ok(receipt.body.includes(shown), shown);
    assert.equal((await new TestBrowser(app.app, host).get(receiptUrl)).statusCode, 404, 'another browser has no receipt');

    const stored = await asTownOwner(app.database.db, tenant.id, (trx) => trx.selectFrom('report_photos').select(['sha256', 'thumbnail_sha256', 'released']).where('report_id', '=', id).execute());
    assert.equal(stored.length, 1);
    assert.equal(stored[0]!.released, false);
    for (const sha of [stored[0]!.sha256, stored[0]!.thumbnail_sha256]) {
      const bytes = await app.files.get(sha);
      assert.equal(hasGpsIfd(bytes), false, 'no GPS position in the stored photo');
      assert.equal((await sharp(bytes).metadata()).exif, undefined);
    }

    const publicPage = await new TestBrowser(app.app, host).get(`/maengel/${id}`);
    assert.equal(publicPage.statusCode, 200);
    assert.ok(publicPage.body.includes('Eingegangen'));
    assert.ok(publicPage.body.includes('Hauptstraße, Umgebung'));
    for (const hidden of ['Tiefes Loch', '12a', 'melderin@example.org']) assert.equal(publicPage.body.includes(hidden), false, hidden);
    const list = await new TestBrowser(app.app, host).get('/maengel');
    assert.ok(list.body.includes(`/maengel/${id}`));
    assert.equal(list.body.includes('Tiefes Loch'), false);
  });

  it('takes coordinates instead of a street and shows them rounded', async () => {
    const browser = await openForm();
    const sent = await browser.postMultipart('/maengel/melden', { kategorie: 'muell', breite: String(inside.lat).replace('.', ','), laenge: String(inside.lon), beschreibung: 'Sofa am Waldrand', trotzdem: '1' }, {});
    assert.equal(sent.statusCode, 303);
    const page = await browser.get((sent.headers.location as string).replace('/eingang', ''));
    assert.ok(page.body.includes('51,551, 7,112'), 'about 100 m, not the exact point');
  });

  it('publishes a description only once a clerk released it, and renders HTML in it as text', async () => {
    const browser = await openForm();
    const sent = await browser.postMultipart('/maengel/melden', { ...pothole(), beschreibung: '<script>alert(1)</script><b>Loch</b>' }, {});
    const receiptUrl = sent.headers.location as string;
    const receipt = await browser.get(receiptUrl);
    assert.ok(receipt.body.includes('&lt;script>alert(1)&lt;/script>&lt;b>Loch&lt;/b>'), 'escaped: no tag can start');
    assert.equal(receipt.body.includes('<script>alert'), false);
    const id = receiptUrl.split('/')[2]!;
    await asTownOwner(app.database.db, tenant.id, (trx) => trx.updateTable('reports').set({ public_description: 'Loch am Straßenrand <img src=x>' }).where('id', '=', id).execute());
    const page = await new TestBrowser(app.app, host).get(`/maengel/${id}`);
    assert.ok(page.body.includes('Loch am Straßenrand &lt;img src=x>'));
  });

  async function refused(fields: Record<string, string>, files: UploadFile[] = []): Promise<string> {
    const before = await reportCount();
    const browser = await openForm();
    const response = await browser.postMultipart('/maengel/melden', fields, files.length ? { fotos: files } : {});
    assert.equal(response.statusCode, 422);
    assert.equal(await reportCount(), before, 'nothing stored');
    assert.ok(response.body.includes('error-summary'));
    return response.body;
  }

  it('re-renders the form with an error summary when the category or the place is missing, keeping what was typed', async () => {
    const page = await refused({ beschreibung: 'Laterne flackert', email: 'a@example.org' });
    assert.equal(fieldError(page, 'kategorie'), 'Wählen Sie aus, was Sie melden möchten.');
    assert.equal(fieldError(page, 'strasse'), 'Wählen Sie eine Straße oder einen Ort in der Nähe aus, oder geben Sie Koordinaten an.');
    assert.ok(page.includes('>Laterne flackert</textarea>'));
    assert.ok(page.includes('value="a@example.org"'));
  });

  it('refuses an unknown category and an unknown street', async () => {
    const page = await refused({ ...pothole(), kategorie: 'ufo', strasse: '00000000-0000-4000-8000-000000000000' });
    assert.equal(fieldError(page, 'kategorie'), 'Wählen Sie aus, was Sie melden möchten.');
    assert.equal(fieldError(page, 'strasse'), 'Wählen Sie eine Straße aus der Liste.');
  });

  it('refuses invalid coordinates and a house number without a street', async () => {
    let page = await refused({ kategorie: 'muell', breite: '51.5x', laenge: '7.1', beschreibung: 'Müll' });
    assert.equal(fieldError(page, 'breite'), 'Geben Sie Breiten- und Längengrad als Dezimalzahlen an, zum Beispiel 51,5521 und 7,1148.');
    page = await refused({ kategorie: 'muell', breite: '151', laenge: '7.1', beschreibung: 'Müll' });
    assert.ok(fieldError(page, 'breite'));
    page = await refused({ kategorie: 'muell', breite: '51.55', beschreibung: 'Müll' });
    assert.ok(fieldError(page, 'breite'), 'latitude without longitude');
    page = await refused({ kategorie: 'muell', hausnummer: '12', beschreibung: 'Müll' });
    assert.ok(fieldError(page, 'hausnummer'));
  });

  it('refuses a place outside the town, naming who is responsible there (German, then English)', async () => {
    const page = await refused({ kategorie: 'muell', breite: String(outside.lat), laenge: String(outside.lon), beschreibung: 'Müll' });
    assert.match(fieldError(page, 'breite') ?? '', /^Dieser Ort liegt außerhalb von Teststadt \w+\. .* Dort ist die Nachbargemeinde Beispielhausen zuständig\.$/);
    const browser = new TestBrowser(app.app, host);
    await browser.get('/sprache?lang=en&zurueck=/maengel/melden');
    await browser.get('/maengel/melden');
    const english = await browser.postMultipart('/maengel/melden', { kategorie: 'muell', breite: String(outside.lat), laenge: String(outside.lon), beschreibung: 'Rubbish' }, {});
    assert.equal(english.statusCode, 422);
    assert.match(fieldError(english.body, 'breite') ?? '', /^This place is outside Teststadt \w+\. .* The neighbouring municipality of Beispielhausen is responsible there\.$/);
  });

  it('refuses a 10 000-character description and an invalid e-mail address', async () => {
    const page = await refused({ ...pothole(), beschreibung: 'x'.repeat(10_000), email: 'nicht-adresse' });
    assert.equal(fieldError(page, 'beschreibung'), 'Die Beschreibung darf höchstens 2000 Zeichen lang sein (jetzt: 10000).');
    assert.ok(fieldError(page, 'email'));
    assert.equal(fieldError(page, 'fotos'), undefined);
  });

  it('asks for photos again when the form is re-rendered, since a browser does not keep them', async () => {
    const page = await refused({ ...pothole(), kategorie: '' }, [await photo()]);
    assert.equal(fieldError(page, 'fotos'), 'Bitte wählen Sie Ihre Fotos erneut aus: Aus Sicherheitsgründen behält das Formular sie nicht.');
  });

  it('refuses more than three photos, a file that is not an image, and a decompression bomb', async () => {
    const jpeg = await photo();
    let page = await refused(pothole(), [jpeg, jpeg, jpeg, jpeg]);
    assert.equal(fieldError(page, 'fotos'), 'Sie können höchstens 3 Fotos mitsenden.');
    page = await refused(pothole(), [{ filename: 'schlagloch.jpg', contentType: 'image/jpeg', content: samplePdf }]);
    assert.equal(fieldError(page, 'fotos'), '„schlagloch.jpg“ ist kein Foto im Format JPEG, PNG oder WebP.');
    page = await refused(pothole(), [{ filename: 'bombe.png', contentType: 'image/png', content: await pngBomb() }]);
    assert.equal(fieldError(page, 'fotos'), '„bombe.png“ hat zu viele Bildpunkte (höchstens 50 Megapixel).');
  });

  it('refuses a post without the form\'s CSRF token', async () => {
    const before = await reportCount();
    const browser = await openForm();
    const response = await browser.postMultipart('/maengel/melden', pothole(), {}, { csrf: null });
    assert.equal(response.statusCode, 403);
    assert.equal(await reportCount(), before);
  });

  it('has no report form in a town that has not set up its area and categories, and no page for an unknown report', async () => {
    const other = await app.createTown();
    const browser = new TestBrowser(app.app, other.host);
    assert.equal((await browser.get('/maengel/melden')).statusCode, 404);
    const list = await browser.get('/maengel');
    assert.equal(list.statusCode, 200);
    assert.equal(list.body.includes('href="/maengel/melden"'), false);
    assert.equal((await browser.get('/maengel/00000000-0000-4000-8000-000000000000')).statusCode, 404);
    assert.equal((await browser.get('/maengel/kein-bericht')).statusCode, 404);
    assert.equal((await browser.get('/maengel?seite=0')).statusCode, 404);
  });

  it('offers open reports of the same category within 50 m to support instead, counts a support once per browser, and files anyway when sent again', async () => {
    // A fresh place: the other tests report at Hauptstraße and at `inside`.
    const place = { lat: 51.5600, lon: 7.0900 };
    const first = await openForm();
    const filed = await first.postMultipart('/maengel/melden', { kategorie: 'schlagloch', breite: String(place.lat), laenge: String(place.lon), beschreibung: 'Loch am Feldweg' }, {});
    assert.equal(filed.statusCode, 303);
    const existing = (filed.headers.location as string).split('/')[2]!;
    await first.postMultipart('/maengel/melden', { kategorie: 'muell', breite: String(place.lat), laenge: String(place.lon), beschreibung: 'Müll am Feldweg' }, {});

    const second = await openForm();
    const before = await reportCount();
    // About 30 m north: the same pothole, most likely.
    const near = { kategorie: 'schlagloch', breite: String(place.lat + 0.00027), laenge: String(place.lon), beschreibung: 'Großes Loch im Feldweg', email: 'zweite@example.org' };
    const offered = await second.postMultipart('/maengel/melden', near, { fotos: [await photo()] });
    assert.equal(offered.statusCode, 200);
    assert.equal(await reportCount(), before, 'nothing filed yet');
    assert.ok(offered.body.includes('Schon gemeldet?'));
    assert.ok(offered.body.includes(`action="/maengel/${existing}/unterstuetzen"`));
    assert.equal(offered.body.includes('Müll am Feldweg'), false);
    assert.equal(offered.body.includes('Loch am Feldweg'), false, 'the other report\'s description is not public');
    assert.ok(offered.body.includes('Großes Loch im Feldweg'), 'what was typed is kept');
    assert.ok(offered.body.includes('name="trotzdem" value="1"'));
    assert.ok(offered.body.includes('Bitte wählen Sie Ihre Fotos erneut aus'));

    const supported = await second.post(`/maengel/${existing}/unterstuetzen`, {});
    assert.equal(supported.statusCode, 303);
    assert.equal(supported.headers.location, `/maengel/${existing}?unterstuetzt=1`);
    await second.get('/maengel/melden');
    await second.post(`/maengel/${existing}/unterstuetzen`, {});
    const page = await second.get(`/maengel/${existing}?unterstuetzt=1`);
    assert.ok(page.body.includes('Ihre Unterstützung wurde gezählt'));
    assert.match(page.body, /Unterstützungen<\/dt><dd[^>]*><span[^>]*>1</, 'counted once per browser');
    assert.equal((await second.post(`/maengel/${existing}/unterstuetzen`, {}, { csrf: null })).statusCode, 403);

    await second.get('/maengel/melden');
    const anyway = await second.postMultipart('/maengel/melden', { ...near, trotzdem: '1' }, {});
    assert.equal(anyway.statusCode, 303, 'a different defect after all');
    // 80 m away is not "nearby"; nor is a report already done.
    const far = await second.postMultipart('/maengel/melden', { ...near, breite: String(place.lat + 0.00072) }, {});
    assert.equal(far.statusCode, 303);
    await asTownOwner(app.database.db, tenant.id, (trx) => trx.updateTable('reports').set({ status: 'done' }).where('tenant_id', '=', tenant.id).where('lat', '>=', place.lat - 0.001).where('lat', '<=', place.lat + 0.001).execute());
    await second.get('/maengel/melden');
    assert.equal((await second.postMultipart('/maengel/melden', near, {})).statusCode, 303, 'done reports are not offered');
  });

  it('is linked from the home page', async () => {
    const home = await new TestBrowser(app.app, host).get('/');
    assert.ok(home.body.includes('href="/maengel"'));
  });
});

describe('reporting a defect: rate limit', () => {
  let app: TestApp;
  after(() => app?.close());

  it('refuses more reports per minute from one address than the submission limit allows', async () => {
    app = await buildTestApp({ SUBMISSION_RATE_LIMIT: '2' });
    const { tenant, host } = await app.createTown();
    await setUpReports(app.database.db, tenant.id);
    const browser = new TestBrowser(app.app, host);
    await browser.get('/maengel/melden');
    const post = () => browser.postMultipart('/maengel/melden', { kategorie: 'muell', breite: String(inside.lat), laenge: String(inside.lon), beschreibung: 'Müll', trotzdem: '1' }, {});
    assert.equal((await post()).statusCode, 303);
    assert.equal((await post()).statusCode, 303);
    assert.equal((await post()).statusCode, 429);
  });
});
