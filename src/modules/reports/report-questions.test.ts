import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Tenant } from '../tenants/tenant.js';
import type { TestApp } from '../../test-support/app.js';
import { TestBrowser } from '../../test-support/browser.js';
import { asTownOwner } from '../../test-support/database.js';
import { buildReportTown, inside } from '../../test-support/reports.js';

describe('extra questions per category on the report form', () => {
  let app: TestApp;
  let tenant: Tenant;
  let host: string;
  let clerk: TestBrowser;
  before(async () => {
    ({ app, tenant, host, clerk } = await buildReportTown());
    // Besides the optional size (a list), a required depth (a number).
    await asTownOwner(app.database.db, tenant.id, async (trx) => {
      const row = await trx.selectFrom('report_categories').select('attributes').where('tenant_id', '=', tenant.id).where('code', '=', 'schlagloch').executeTakeFirstOrThrow();
      const depth = { code: 'tiefe', datatype: 'number', required: true, description: { de: 'Wie tief ist das Loch (cm)?', en: 'How deep is the hole (cm)?' } };
      await trx.updateTable('report_categories').set({ attributes: JSON.stringify([...row.attributes, depth]) }).where('tenant_id', '=', tenant.id).where('code', '=', 'schlagloch').execute();
    });
  });
  after(() => app.close());

  const count = async () => (await asTownOwner(app.database.db, tenant.id, (trx) => trx.selectFrom('reports').select((eb) => eb.fn.countAll<number>().as('n')).where('tenant_id', '=', tenant.id).executeTakeFirstOrThrow())).n;
  const answersOf = async (id: string) => (await asTownOwner(app.database.db, tenant.id, (trx) => trx.selectFrom('report_details').select('attributes').where('report_id', '=', id).executeTakeFirstOrThrow())).attributes;
  const send = async (browser: TestBrowser, fields: Record<string, string>) => {
    await browser.get('/maengel/melden');
    return browser.postMultipart('/maengel/melden', { breite: String(inside.lat), laenge: String(inside.lon), beschreibung: 'Loch', trotzdem: '1', ...fields }, {});
  };

  it('shows every category\'s questions under its name, and stores and shows the chosen category\'s answers', async () => {
    const citizen = new TestBrowser(app.app, host);
    const form = await citizen.get('/maengel/melden');
    assert.ok(form.body.includes('Nur bei „Schlagloch“: Zusatzfragen'));
    assert.ok(form.body.includes('name="frage.schlagloch.groesse"') && form.body.includes('name="frage.schlagloch.tiefe"'));
    assert.equal(form.body.includes('Nur bei „Wilder Müll“'), false, 'a category without questions gets no group');
    const sent = await send(citizen, { kategorie: 'schlagloch', 'frage.schlagloch.groesse': 'gross', 'frage.schlagloch.tiefe': '12' });
    assert.equal(sent.statusCode, 303);
    const id = (sent.headers.location as string).split('/')[2]!;
    assert.deepEqual(await answersOf(id), { groesse: 'gross', tiefe: '12' });
    const page = await clerk.get(`/verwaltung/maengel/${id}`);
    assert.ok(page.body.includes('Wie groß ist das Loch?') && page.body.includes('Größer als ein Teller') && page.body.includes('Wie tief ist das Loch (cm)?'));
    assert.equal((await new TestBrowser(app.app, host).get(`/maengel/${id}`)).body.includes('Größer als ein Teller'), false, 'answers are private like the description');
  });

  it('refuses a missing required answer, a value not in the list and a non-number in German and English, keeping what was typed and storing nothing', async () => {
    const before = await count();
    const citizen = new TestBrowser(app.app, host);
    const missing = await send(citizen, { kategorie: 'schlagloch', beschreibung: 'Loch am Rand' });
    assert.equal(missing.statusCode, 422);
    assert.ok(missing.body.includes('Beantworten Sie diese Frage.'));
    assert.ok(missing.body.includes('href="#f-frage-schlagloch-tiefe"'), 'the error summary links the field');
    assert.ok(missing.body.includes('Loch am Rand'), 'what was typed is kept');
    const wrong = await send(citizen, { kategorie: 'schlagloch', 'frage.schlagloch.groesse': 'riesig', 'frage.schlagloch.tiefe': 'sehr tief' });
    assert.equal(wrong.statusCode, 422);
    assert.ok(wrong.body.includes('Wählen Sie eine Antwort aus der Liste.') && wrong.body.includes('Geben Sie eine Zahl an'));
    assert.ok(wrong.body.includes('value="sehr tief"'));
    await citizen.get('/sprache?lang=en&zurueck=/');
    const english = await send(citizen, { kategorie: 'schlagloch', 'frage.schlagloch.tiefe': 'deep' });
    assert.equal(english.statusCode, 422);
    assert.ok(english.body.includes('Enter a number, for example 30.'));
    assert.equal(await count(), before);
  });

  it('ignores the answers to another category\'s questions', async () => {
    const sent = await send(new TestBrowser(app.app, host), { kategorie: 'muell', 'frage.schlagloch.groesse': 'riesig' });
    assert.equal(sent.statusCode, 303);
    assert.deepEqual(await answersOf((sent.headers.location as string).split('/')[2]!), {});
  });
});
