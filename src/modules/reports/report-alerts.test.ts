import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Tenant } from '../tenants/tenant.js';
import { listOutbox } from '../../platform/mail/mailer.js';
import type { TestApp } from '../../test-support/app.js';
import { TestBrowser } from '../../test-support/browser.js';
import { asTownOwner } from '../../test-support/database.js';
import { buildReportTown, fileReport } from '../../test-support/reports.js';
import { maxAlertsPerAddress } from './report-alerts.js';

describe('alerts on new public reports', () => {
  let app: TestApp;
  let tenant: Tenant;
  let host: string;
  let clerk: TestBrowser;
  let streets: Record<string, string>;
  before(async () => {
    ({ app, tenant, host, clerk } = await buildReportTown());
    const rows = await asTownOwner(app.database.db, tenant.id, (trx) => trx.selectFrom('report_streets').select(['name', 'id']).where('tenant_id', '=', tenant.id).execute());
    streets = Object.fromEntries(rows.map((r) => [r.name, r.id]));
  });
  after(() => app.close());

  const alertCount = async (email: string) => (await asTownOwner(app.database.db, tenant.id, (trx) => trx.selectFrom('report_alerts').select('id').where('email', '=', email).execute())).length;
  /** Mails to an address, oldest first. */
  const mailsTo = async (to: string) => (await listOutbox(app.database.db, 1000)).filter((m) => m.to === to && m.tenantId === tenant.id).reverse();
  const linkIn = (text: string) => text.match(/https?:\/\/[^/\s]+(\/maengel\/benachrichtigungen\/[A-Za-z0-9_-]{43})/)?.[1];
  const runJobs = async () => {
    while ((await app.jobs.runDue()) > 0);
  };
  /** Subscribes through the form; returns the browser. */
  async function subscribe(fields: Record<string, string>, browser = new TestBrowser(app.app, host)) {
    await browser.get('/maengel/benachrichtigungen');
    const sent = await browser.post('/maengel/benachrichtigungen', { email: '', kategorie: '', strasse: '', bereich: '', ...fields });
    return { sent, browser };
  }
  /** Subscribes and confirms by the mailed link. */
  async function confirmedAlert(email: string, fields: Record<string, string>) {
    const before = (await mailsTo(email)).length;
    assert.equal((await subscribe({ email, ...fields })).sent.statusCode, 303);
    await runJobs();
    const link = linkIn((await mailsTo(email))[before]!.text)!;
    const reader = new TestBrowser(app.app, host);
    await reader.get(link);
    const confirmed = await reader.post(link, { aktion: 'confirm' });
    assert.equal(confirmed.statusCode, 200);
    assert.match(confirmed.body, /ist bestätigt/);
  }
  const hauptstrasse = { breite: '51.5503', laenge: '7.1104' };
  const lindenweg = { breite: '51.5550', laenge: '7.1200' };

  it('is linked from the public list', async () => {
    assert.ok((await new TestBrowser(app.app, host).get('/maengel')).body.includes('href="/maengel/benachrichtigungen"'));
  });

  it('refuses a bad address, an unknown street and a malformed box in German and English, keeping the values and storing nothing', async () => {
    const { sent } = await subscribe({ email: 'kein-at', bereich: '7.1,51.5' });
    assert.equal(sent.statusCode, 422);
    assert.ok(sent.body.includes('Geben Sie eine E-Mail-Adresse wie name@example.org an.') && sent.body.includes('Geben Sie vier Zahlen an'));
    assert.ok(sent.body.includes('value="kein-at"') && sent.body.includes('value="7.1,51.5"'));
    const browser = new TestBrowser(app.app, host);
    await browser.get('/sprache?lang=en&zurueck=/');
    const english = await subscribe({ email: 'a@example.org', strasse: '00000000-0000-4000-8000-000000000000', bereich: '7,51,8,52' }, browser);
    assert.equal(english.sent.statusCode, 422);
    assert.ok(english.sent.body.includes('Choose an entry from the list.') && english.sent.body.includes('at most 0.3 degrees per side'));
    assert.equal(await alertCount('a@example.org'), 0);
    assert.equal((await new TestBrowser(app.app, host).post('/maengel/benachrichtigungen', { email: 'a@example.org' }, { csrf: null })).statusCode, 403);
  });

  it('mails only after confirmation, only about matching public reports, never what was typed; every mail can end it', async () => {
    const email = 'anwohnerin@example.org';
    assert.equal((await subscribe({ email, kategorie: 'schlagloch', strasse: streets['Hauptstraße']! })).sent.statusCode, 303);
    await runJobs();
    const [confirmation] = await mailsTo(email);
    assert.ok(confirmation && linkIn(confirmation.text), 'a confirmation mail with a link');
    await fileReport(app, host, { ...hauptstrasse, beschreibung: 'Loch, unbestätigt' });
    await runJobs();
    assert.equal((await mailsTo(email)).length, 1, 'nothing before confirmation');

    const link = linkIn(confirmation.text)!;
    const reader = new TestBrowser(app.app, host);
    const page = await reader.get(link);
    assert.ok(page.body.includes('value="confirm"'), 'opening the link confirms nothing by itself');
    assert.equal((await reader.post(link, { aktion: 'confirm' })).statusCode, 200);

    const matching = await fileReport(app, host, { ...hauptstrasse, beschreibung: 'Loch vor Nummer 3 von Familie Geheim' });
    await fileReport(app, host, { ...hauptstrasse, kategorie: 'muell' });
    await fileReport(app, host, { ...lindenweg, beschreibung: 'Loch weiter weg' });
    const held = await fileReport(app, host, { ...hauptstrasse, beschreibung: 'Reparatur unter www.spam.example' });
    await runJobs();
    let alerts = (await mailsTo(email)).slice(1);
    assert.equal(alerts.length, 1, 'one mail: the matching report only');
    assert.ok(alerts[0]!.text.includes(`/maengel/${matching.id}`));
    assert.equal(alerts[0]!.text.includes('Familie Geheim'), false);

    const stand = (await clerk.get(`/verwaltung/maengel/${held.id}`)).body.match(/name="stand" value="(\d+)"/)![1]!;
    assert.equal((await clerk.post(`/verwaltung/maengel/${held.id}/pruefung`, { stand, entscheidung: 'public' })).statusCode, 303);
    await runJobs();
    alerts = (await mailsTo(email)).slice(1);
    assert.equal(alerts.length, 2, 'a held report alerts once approved');

    const unsubscribe = linkIn(alerts[1]!.text)!;
    const ending = new TestBrowser(app.app, host);
    assert.ok((await ending.get(unsubscribe)).body.includes('value="end"'));
    const ended = await ending.post(unsubscribe, { aktion: 'end' });
    assert.equal(ended.statusCode, 200);
    assert.match(ended.body, /abbestellt/);
    assert.equal(await alertCount(email), 0, 'the address is deleted');
    assert.equal((await new TestBrowser(app.app, host).get(unsubscribe)).statusCode, 404);
    await fileReport(app, host, hauptstrasse);
    await runJobs();
    assert.equal((await mailsTo(email)).length, 3, 'no more mails');
  });

  it('matches a box, and lets one address have at most a few alerts', async () => {
    const email = 'kasten@example.org';
    await confirmedAlert(email, { bereich: '7.10,51.54,7.12,51.56' });
    const inBox = await fileReport(app, host, { kategorie: 'muell', ...lindenweg });
    await runJobs();
    assert.ok((await mailsTo(email)).some((m) => m.text.includes(`/maengel/${inBox.id}`)));
    for (let i = 1; i < maxAlertsPerAddress + 2; i++) assert.equal((await subscribe({ email })).sent.statusCode, 303, 'the page says the same either way');
    assert.equal(await alertCount(email), maxAlertsPerAddress);
  });
});
