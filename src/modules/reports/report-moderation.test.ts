import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import type { Tenant } from '../tenants/tenant.js';
import { listOutbox } from '../../platform/mail/mailer.js';
import { buildTestApp, type TestApp } from '../../test-support/app.js';
import { TestBrowser } from '../../test-support/browser.js';
import { asTownOwner } from '../../test-support/database.js';
import { fileReport, inside, phoneJpeg, setUpReports } from '../../test-support/reports.js';
import { signInClerk } from '../../test-support/staff.js';
import { createOpen311Client } from './open311-clients.js';
import { burstLimit, reasonsToHold } from './report-moderation.js';

describe('reasons to hold a report for moderation', () => {
  it('holds links, blocked words, bursts and moderated clients, and nothing else', () => {
    const plain = { blockedWords: ['Casino'] };
    for (const description of ['Mehr unter https://spam.example', 'Siehe www.billig-kredit.net', 'Günstig: beste-pillen.shop']) {
      assert.deepEqual(reasonsToHold({ ...plain, description }), ['link'], description);
    }
    for (const description of ['Loch vor Nr. 7.a, ca. 3 m breit', 'Seit 12.11. kaputt', 'Straßenlaterne Lindenweg/Ecke Hauptstr.']) {
      assert.deepEqual(reasonsToHold({ ...plain, description }), [], description);
    }
    assert.deepEqual(reasonsToHold({ ...plain, description: 'Online-CASINO gratis' }), ['blocked_word'], 'blocked words ignore case');
    assert.deepEqual(reasonsToHold({ blockedWords: ['  '], description: 'Loch' }), [], 'an empty blocked word blocks nothing');
    assert.deepEqual(reasonsToHold({ ...plain, description: 'Loch', recentReports: burstLimit - 1 }), []);
    assert.deepEqual(reasonsToHold({ ...plain, description: 'Loch', recentReports: burstLimit }), ['burst']);
    assert.deepEqual(reasonsToHold({ ...plain, description: 'Loch', moderatedClient: true }), ['client']);
  });
});

describe('moderation of defect reports', () => {
  let app: TestApp;
  let tenant: Tenant;
  let host: string;
  let clerk: TestBrowser;
  let otherClerk: TestBrowser;
  before(async () => {
    app = await buildTestApp();
    ({ tenant, host } = await app.createTown());
    await setUpReports(app.database.db, tenant.id);
    await asTownOwner(app.database.db, tenant.id, (trx) => trx.updateTable('report_areas').set({ blocked_words: ['casino'] }).where('tenant_id', '=', tenant.id).execute());
    clerk = new TestBrowser(app.app, host);
    await signInClerk(clerk, await app.createClerk(tenant, 'bauamt'));
    otherClerk = new TestBrowser(app.app, host);
    await signInClerk(otherClerk, await app.createClerk(tenant, 'abfallwirtschaft'));
  });
  after(() => app.close());

  const visitor = () => new TestBrowser(app.app, host);
  const reportRow = (id: string) => asTownOwner(app.database.db, tenant.id, (trx) => trx.selectFrom('reports').selectAll().where('id', '=', id).executeTakeFirstOrThrow());
  const open311 = async (url: string) => (await app.app.inject({ method: 'GET', url, headers: { host } })).json() as unknown;
  const stand = async (id: string) => (await clerk.get(`/verwaltung/maengel/${id}`)).body.match(/name="stand" value="(\d+)"/)![1]!;

  /** Whether a report shows on a public surface: list, page, photo, Open311 list, single and by id, support, duplicate hint. */
  async function publicSightings(id: string): Promise<string[]> {
    const seen: string[] = [];
    const browser = visitor();
    if ((await browser.get('/maengel')).body.includes(`/maengel/${id}`)) seen.push('list');
    if ((await browser.get(`/maengel/${id}`)).statusCode !== 404) seen.push('page');
    if ((await browser.get(`/maengel/${id}/fotos/1/vorschau`)).statusCode !== 404) seen.push('photo');
    if (JSON.stringify(await open311('/open311/v2/requests.json')).includes(id)) seen.push('open311 list');
    if (JSON.stringify(await open311(`/open311/v2/requests.json?service_request_id=${id}`)).includes(id)) seen.push('open311 by id');
    if (JSON.stringify(await open311(`/open311/v2/requests/${id}.json`)).includes(id)) seen.push('open311 request');
    if ((await app.app.inject({ method: 'GET', url: `/open311/v2/requests/${id}.xml`, headers: { host } })).body.includes(id)) seen.push('open311 xml');
    await browser.get('/maengel/melden');
    const support = await browser.post(`/maengel/${id}/unterstuetzen`, {});
    if (support.statusCode !== 404) seen.push(`support ${support.statusCode}`);
    const again = await browser.postMultipart('/maengel/melden', { kategorie: 'schlagloch', breite: String(inside.lat), laenge: String(inside.lon), beschreibung: 'Noch ein Loch' }, {});
    if (again.statusCode === 200 && again.body.includes(`/maengel/${id}/unterstuetzen`)) seen.push('duplicate hint');
    return seen;
  }

  it('keeps a report with a link out of every public surface until a clerk of its department approves it', async () => {
    const citizen = visitor();
    await citizen.get('/maengel/melden');
    const sent = await citizen.postMultipart('/maengel/melden', {
      kategorie: 'schlagloch', breite: String(inside.lat + 0.001), laenge: String(inside.lon), beschreibung: 'Billige Reparatur unter https://spam.example', trotzdem: '1',
    }, { fotos: [{ filename: 'loch.jpg', contentType: 'image/jpeg', content: await phoneJpeg() }] });
    assert.equal(sent.statusCode, 303);
    const id = (sent.headers.location as string).split('/')[2]!;
    const receipt = await citizen.get(`/maengel/${id}/eingang`);
    assert.equal(receipt.statusCode, 200, 'the reporter still gets the receipt');
    assert.ok(receipt.body.includes('sobald die zuständige Stelle sie geprüft hat'), 'which says it waits for a check');
    assert.equal((await reportRow(id)).moderation, 'held');

    // A clerk releasing the photo before checking the report publishes nothing either.
    const s = await stand(id);
    assert.equal((await clerk.post(`/verwaltung/maengel/${id}/freigabe`, { stand: s, beschreibung: 'Loch', foto: '1' })).statusCode, 303);
    // Hints measure from the exact point: file the probe report right there.
    await asTownOwner(app.database.db, tenant.id, (trx) => trx.updateTable('reports').set({ lat: inside.lat }).where('id', '=', id).execute());
    assert.deepEqual(await publicSightings(id), [], 'hidden everywhere');

    assert.equal((await clerk.get('/verwaltung/maengel')).body.includes(id), false, 'not among the open reports');
    const queue = await clerk.get('/verwaltung/maengel?ansicht=pruefen');
    assert.ok(queue.body.includes(`/verwaltung/maengel/${id}`), 'in the moderation queue');
    const page = await clerk.get(`/verwaltung/maengel/${id}`);
    assert.ok(page.body.includes('Der Text enthält einen Link.'), 'the reason is shown');
    assert.equal((await otherClerk.get('/verwaltung/maengel?ansicht=pruefen')).body.includes(id), false, 'not in another department\'s queue');
    await otherClerk.get('/verwaltung/maengel');
    assert.equal((await otherClerk.post(`/verwaltung/maengel/${id}/pruefung`, { stand: await stand(id), entscheidung: 'public' })).statusCode, 404, 'another department cannot approve it');

    const approved = await clerk.post(`/verwaltung/maengel/${id}/pruefung`, { stand: await stand(id), entscheidung: 'public' });
    assert.equal(approved.statusCode, 303);
    assert.deepEqual(await publicSightings(id), ['list', 'page', 'photo', 'open311 list', 'open311 by id', 'open311 request', 'open311 xml', 'support 303', 'duplicate hint']);
    assert.ok((await clerk.get(`/verwaltung/maengel/${id}`)).body.includes('Geprüft: veröffentlicht'), 'in the history');
    const audit = await sql<{ action: string }>`select action from audit_log where tenant_id = ${tenant.id} and subject = ${`report:${id}`} and action = 'report.moderated'`.execute(app.database.db);
    assert.equal(audit.rows.length, 1);
  });

  it('never shows a report rejected as spam, closes it without mailing the reporter, and decides only once', async () => {
    const { id } = await fileReport(app, host, { beschreibung: 'Bestes Casino der Stadt', email: 'spam@example.org' });
    assert.deepEqual(await publicSightings(id), []);
    const s = await stand(id);
    const bad = await clerk.post(`/verwaltung/maengel/${id}/pruefung`, { stand: s, entscheidung: 'vielleicht' });
    assert.equal(bad.statusCode, 422);
    assert.equal((await reportRow(id)).moderation, 'held', 'nothing stored');
    assert.equal((await clerk.post(`/verwaltung/maengel/${id}/pruefung`, { stand: s, entscheidung: 'spam' }, { csrf: null })).statusCode, 403);
    await clerk.get(`/verwaltung/maengel/${id}`);
    assert.equal((await clerk.post(`/verwaltung/maengel/${id}/pruefung`, { stand: s, entscheidung: 'spam' })).statusCode, 303);
    const row = await reportRow(id);
    assert.deepEqual([row.moderation, row.status], ['spam', 'rejected']);
    assert.deepEqual(await publicSightings(id), []);
    assert.ok((await clerk.get('/verwaltung/maengel?ansicht=erledigt')).body.includes(id), 'among the finished ones');
    const again = await clerk.post(`/verwaltung/maengel/${id}/pruefung`, { stand: await stand(id), entscheidung: 'public' });
    assert.equal(again.statusCode, 422);
    assert.match(again.body, /wartet nicht \(mehr\) auf Prüfung/);
    assert.equal((await reportRow(id)).moderation, 'spam');
    await app.jobs.runDue();
    assert.equal((await listOutbox(app.database.db, 500)).some((m) => m.to === 'spam@example.org'), false, 'no mail to a spammer');
  });

  it('says in English why a decision was refused', async () => {
    const { id } = await fileReport(app, host, {});
    const s = await stand(id);
    await clerk.get('/sprache?lang=en&zurueck=/');
    const refused = await clerk.post(`/verwaltung/maengel/${id}/pruefung`, { stand: s, entscheidung: 'public' });
    await clerk.get('/sprache?lang=de&zurueck=/');
    assert.equal(refused.statusCode, 422);
    assert.ok(refused.body.includes('not (or no longer) waiting to be checked'), refused.body.slice(0, 300));
  });

  it('holds the reports after the first few from one browser within an hour', async () => {
    const browser = visitor();
    const filed: string[] = [];
    for (let i = 0; i <= burstLimit; i++) filed.push((await fileReport(app, host, { beschreibung: `Loch ${i}` }, browser)).id);
    const rows = await Promise.all(filed.map(reportRow));
    assert.deepEqual(rows.map((r) => r.moderation), [...Array(burstLimit).fill('public'), 'held']);
  });

  it('holds every report of an API client the town marked as moderated', async () => {
    const [trusted, moderated] = await asTownOwner(app.database.db, tenant.id, (trx) => Promise.all([
      createOpen311Client(trx, tenant.id, { name: 'Stadt-App', actor: 'test' }),
      createOpen311Client(trx, tenant.id, { name: 'Neue App', moderated: true, actor: 'test' }),
    ]));
    const post = async (apiKey: string) => (await app.app.inject({
      method: 'POST', url: '/open311/v2/requests.json', headers: { host },
      payload: { api_key: apiKey, service_code: 'muell', lat: String(inside.lat), long: String(inside.lon), description: 'Sofa am Weg' },
    })).json() as Array<{ service_request_id: string }>;
    const [a] = await post(trusted!.apiKey);
    const [b] = await post(moderated!.apiKey);
    assert.equal((await reportRow(a!.service_request_id)).moderation, 'public');
    assert.equal((await reportRow(b!.service_request_id)).moderation, 'held');
    assert.deepEqual(await publicSightings(b!.service_request_id), []);
  });
});
