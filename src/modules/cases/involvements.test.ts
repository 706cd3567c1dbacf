import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { buildTestApp, type TestApp } from '../../test-support/app.js';
import { TestBrowser } from '../../test-support/browser.js';
import { signInClerk, type Clerk } from '../../test-support/staff.js';
import type { Tenant } from '../tenants/tenant.js';
import { asClerk } from './cases.service.js';
import { findStaffMember } from '../staff/staff.repository.js';
import { inTransaction } from '../../platform/db/database.js';
import { pickFields } from './involvements.js';

const today = new Date().toISOString().slice(0, 10);
const dog = {
  halter: { vorname: 'Ida', nachname: 'Hoppe', geburtsdatum: '1980-05-17', anschrift: { street: 'Lindenweg', houseNumber: '4', postcode: '12345', city: 'Teststadt' }, email: 'ida.hoppe@example.org', telefon: '+49 2361 123456' },
  hund: { name: 'Balu', rasse: 'labrador-retriever', geburtsdatum: '2024-03-01', chipnummer: '276098106012345', haltungSeit: today, zweitHund: false },
  bankverbindung: { iban: 'DE89370400440532013000', kontoinhaber: 'Ida Hoppe' },
};

describe('involving another department (Beteiligung)', () => {
  let app: TestApp;
  let tenant: Tenant;
  let host: string;
  let steuer: Clerk;
  let ordnung: Clerk;
  let buero: Clerk;

  before(async () => {
    app = await buildTestApp();
    ({ tenant, host } = await app.createTown());
    steuer = await app.createClerk(tenant, 'steueramt');
    ordnung = await app.createClerk(tenant, 'ordnungsamt');
    buero = await app.createClerk(tenant, 'buergerbuero');
  });
  after(() => app.close());

  async function signedIn(clerk: Clerk): Promise<TestBrowser> {
    const browser = new TestBrowser(app.app, host);
    await signInClerk(browser, clerk);
    return browser;
  }

  it('passes on only the named fields', () => {
    assert.deepEqual(pickFields({ a: { x: 1, y: 2 }, b: { z: 3 } }, ['a.x', 'b.z', 'c.q']), { a: { x: 1 }, b: { z: 3 } });
  });

  it('creates a linked case that carries only the shared fields, and brings the statement back', async () => {
    const response = await app.app.inject({ method: 'POST', url: '/api/v1/services/hund-anmelden/submissions', headers: { host }, payload: { answers: dog } });
    assert.equal(response.statusCode, 201, response.body);
    const parentId = (await sql<{ id: string }>`select id from cases where tenant_id = ${tenant.id} and submission_id = ${response.json().id}`.execute(app.database.db)).rows[0]!.id;
    const page = `/verwaltung/vorgaenge/${parentId}`;

    const tax = await signedIn(steuer);
    assert.doesNotMatch((await tax.get(page)).body, /Fachbereich beteiligen/, 'only while the case is in progress');
    assert.equal((await tax.post(`${page}/aenderung`, { version: '1', aktion: 'status', status: 'in_progress' })).statusCode, 303);
    const processing = await tax.get(page);
    assert.match(processing.body, /Fachbereich beteiligen/);
    assert.match(processing.body, /Ersthund/, 'the Steueramt sees the dog tax from the town\'s tariff');
    assert.ok(processing.body.includes('96,00\u00a0€'));
    const noQuestion = await tax.post(`${page}/beteiligungen`, { version: '2', beteiligung: 'lhundg-erlaubnis', frage: '' });
    assert.equal(noQuestion.statusCode, 422);
    assert.match(noQuestion.body, /Bitte schreiben Sie, worum Sie den Fachbereich bitten/);
    const unknown = await tax.post(`${page}/beteiligungen`, { version: '2', beteiligung: 'gibt-es-nicht', frage: 'Bitte prüfen' });
    assert.equal(unknown.statusCode, 422);
    assert.equal((await tax.post(`${page}/beteiligungen`, { version: '2', beteiligung: 'lhundg-erlaubnis', frage: 'Bitte Erlaubnis prüfen.' })).statusCode, 303);
    const asked = await tax.get(page);
    assert.match(asked.body, /Stellungnahme ausstehend/);
    assert.match(asked.body, /Beteiligung angefragt: Erlaubnis nach dem Landeshundegesetz prüfen/);
    const again = await tax.post(`${page}/beteiligungen`, { version: '3', beteiligung: 'lhundg-erlaubnis', frage: 'Nochmal' });
    assert.doesNotMatch(again.body, /name="beteiligung"/, 'an open involvement is not offered twice');

    const linked = await sql<{ id: string; reference: string; shared: Record<string, Record<string, unknown>> }>`
      select id, reference, shared_answers as shared from cases where tenant_id = ${tenant.id} and parent_case_id = ${parentId}`.execute(app.database.db);
    assert.equal(linked.rows.length, 1);
    const linkedCase = linked.rows[0]!;
    assert.match(linkedCase.reference, /-B1$/);
    assert.deepEqual(Object.keys(linkedCase.shared).sort(), ['halter', 'hund']);
    assert.equal(linkedCase.shared.bankverbindung, undefined, 'the IBAN stays with the Steueramt');
    assert.equal(linkedCase.shared.halter!.email, undefined);

    const order = await signedIn(ordnung);
    assert.equal((await order.get(page)).statusCode, 404, 'the asking case stays hidden');
    const inbox = await order.get('/verwaltung');
    assert.ok(inbox.body.includes(linkedCase.reference));
    const linkedPage = `/verwaltung/vorgaenge/${linkedCase.id}`;
    const seen = await order.get(linkedPage);
    assert.match(seen.body, /Bitte Erlaubnis prüfen/);
    assert.match(seen.body, /Übermittelte Angaben/);
    assert.match(seen.body, /Balu/);
    assert.doesNotMatch(seen.body, /DE89|ida\.hoppe@example\.org|Bankverbindung|Ersthund/, 'nothing beyond the shared fields');
    assert.equal((await order.get(`${linkedPage}/eingang.pdf`)).statusCode, 404, 'no receipt with every answer');
    // Direct SQL as the Ordnungsamt clerk: the submission and the asking case are out of reach.
    const ordnungStaff = (await inTransaction(app.database.db, { tenantId: tenant.id }, (trx) => findStaffMember(trx, ordnung.id)))!;
    const reach = await asClerk(app.database.db, tenant.id, ordnungStaff, async (trx) => ({
      submissions: (await sql<{ n: number }>`select count(*)::int as n from submissions`.execute(trx)).rows[0]!.n,
      cases: (await sql<{ id: string }>`select id from cases`.execute(trx)).rows.map((r) => r.id),
    }));
    assert.deepEqual(reach, { submissions: 0, cases: [linkedCase.id] });

    await order.get(linkedPage);
    assert.equal((await order.post(`${linkedPage}/stellungnahme`, { version: '1', stellungnahme: 'Geht nicht' })).statusCode, 422, 'start processing first');
    assert.equal((await order.post(`${linkedPage}/aenderung`, { version: '1', aktion: 'status', status: 'in_progress' })).statusCode, 303);
    const started = await order.get(linkedPage);
    assert.doesNotMatch(started.body, /Entscheiden|Auf Antragsteller warten/, 'a linked case is answered, not decided');
    assert.equal((await order.post(`${linkedPage}/aenderung`, { version: '2', aktion: 'status', status: 'decided', entscheidung: 'approved' })).statusCode, 422);
    const empty = await order.post(`${linkedPage}/stellungnahme`, { version: '2', stellungnahme: ' ' });
    assert.match(empty.body, /Bitte schreiben Sie Ihre Stellungnahme/);
    assert.equal((await order.post(`${linkedPage}/stellungnahme`, { version: '2', stellungnahme: 'Keine Erlaubnis nötig: kein gelisteter Hund.' })).statusCode, 303);
    assert.match((await order.get(linkedPage)).body, /Abgeschlossen/);

    const back = await tax.get(page);
    assert.match(back.body, /Keine Erlaubnis nötig: kein gelisteter Hund\./);
    assert.doesNotMatch(back.body, /Stellungnahme ausstehend/);

    // Decided, the Steuerbescheid starts with the tax the case computed.
    assert.equal((await tax.post(`${page}/aenderung`, { version: '3', aktion: 'status', status: 'decided', entscheidung: 'approved' })).statusCode, 303);
    const letter = await tax.get(`${page}/bescheide?vorlage=steuerbescheid`);
    assert.equal(letter.statusCode, 200);
    assert.ok(letter.body.includes('value="96,00\u00a0€"'), 'the yearly dog tax is filled in');
    assert.ok(letter.body.includes('value="Ersthund"'));

    const other = await signedIn(buero);
    assert.equal((await other.get(linkedPage)).statusCode, 404);
    assert.equal((await other.post(`${linkedPage}/stellungnahme`, { version: '3', stellungnahme: 'x' }, { csrf: other.csrf || 'x' })).statusCode, 403);
  });
});
