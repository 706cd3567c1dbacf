import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { berlinDay } from '../../platform/i18n/i18n.js';
import { buildTestApp, type TestApp } from '../../test-support/app.js';
import { TestBrowser } from '../../test-support/browser.js';
import { signInClerk, type Clerk } from '../../test-support/staff.js';
import type { Tenant } from '../tenants/tenant.js';

const complaint = (nachricht: string) => ({
  anliegen: { art: 'beschwerde', betreff: 'Gehweg', nachricht },
  kontakt: { name: 'Greta Quandt', email: 'routes@example.org', antwortErwuenscht: true },
});

describe('case pages and inbox for clerks', () => {
  let app: TestApp;
  let tenant: Tenant;
  let host: string;
  let clerk: Clerk;
  let colleague: Clerk;
  let outsider: Clerk;

  before(async () => {
    app = await buildTestApp();
    ({ tenant, host } = await app.createTown());
    clerk = await app.createClerk(tenant, 'zentrale');
    colleague = await app.createClerk(tenant, 'zentrale');
    outsider = await app.createClerk(tenant, 'ordnungsamt');
  });
  after(() => app.close());

  async function submit(nachricht: string): Promise<{ caseId: string; reference: string }> {
    const response = await app.app.inject({ method: 'POST', url: '/api/v1/services/kontakt-beschwerde/submissions', headers: { host }, payload: { answers: complaint(nachricht) } });
    assert.equal(response.statusCode, 201, response.body);
    const row = await sql<{ id: string; reference: string }>`select id, reference from cases where tenant_id = ${tenant.id} and submission_id = ${response.json().id}`.execute(app.database.db);
    return { caseId: row.rows[0]!.id, reference: row.rows[0]!.reference };
  }

  async function browserFor(who: Clerk): Promise<TestBrowser> {
    const browser = new TestBrowser(app.app, host);
    await signInClerk(browser, who);
    return browser;
  }

  it('processes a case through the page: start, note, conflict on a stale form, decide', async () => {
    const { caseId } = await submit('Der Gehweg am Markt ist seit Wochen nicht gefegt.');
    const anna = await browserFor(clerk);
    const bernd = await browserFor(colleague);
    const page = `/verwaltung/vorgaenge/${caseId}`;
    assert.match((await anna.get(page)).body, /Bearbeitung beginnen/);
    await bernd.get(page); // Bernd opens the same version

    const started = await anna.post(`${page}/aenderung`, { version: '1', aktion: 'status', status: 'in_progress' });
    assert.equal(started.statusCode, 303);
    assert.match((await anna.get(page)).body, /In Bearbeitung/);

    const stale = await bernd.post(`${page}/aenderung`, { version: '1', aktion: 'zuweisen', bearbeiter: 'ich' });
    assert.equal(stale.statusCode, 409);
    assert.match(stale.body, /inzwischen geändert/);

    const emptyNote = await anna.post(`${page}/notizen`, { notiz: '   ' });
    assert.equal(emptyNote.statusCode, 422);
    assert.match(emptyNote.body, /Bitte schreiben Sie eine Notiz/);
    const longNote = 'x'.repeat(5001);
    const tooLong = await anna.post(`${page}/notizen`, { notiz: longNote });
    assert.equal(tooLong.statusCode, 422);
    assert.ok(tooLong.body.includes(longNote), 'the typed note is kept');
    assert.equal((await anna.post(`${page}/notizen`, { notiz: 'Kehrdienst informiert' })).statusCode, 303);

    const noDecision = await anna.post(`${page}/aenderung`, { version: '2', aktion: 'status', status: 'decided' });
    assert.equal(noDecision.statusCode, 422);
    assert.match(noDecision.body, /Bitte wählen Sie die Entscheidung/);
    assert.equal((await anna.post(`${page}/aenderung`, { version: '2', aktion: 'status', status: 'decided', entscheidung: 'approved' })).statusCode, 303);
    const decided = await anna.get(page);
    assert.match(decided.body, /Bewilligt/);
    assert.match(decided.body, /Kehrdienst informiert/);
    assert.match(decided.body, /Eingegangen → In Bearbeitung/);
  });

  it('refuses forged, malformed and foreign changes without storing anything', async () => {
    const { caseId } = await submit('Bank am Spielplatz beschädigt.');
    const anna = await browserFor(clerk);
    const page = `/verwaltung/vorgaenge/${caseId}`;
    await anna.get(page);
    const csrf = anna.csrf;
    assert.equal((await anna.post(`${page}/aenderung`, { version: '1', aktion: 'status', status: 'in_progress' }, { csrf: 'forged' })).statusCode, 403);
    assert.equal((await anna.post(`${page}/aenderung`, { version: 'eins', aktion: 'status', status: 'in_progress' }, { csrf })).statusCode, 400);
    assert.equal((await anna.post(`${page}/aenderung`, { version: '1', aktion: 'loeschen' }, { csrf })).statusCode, 400);
    assert.equal((await anna.post(`${page}/aenderung`, { version: '1', aktion: 'status', status: 'erledigt' }, { csrf })).statusCode, 400);
    assert.equal((await anna.post(`${page}/aenderung`, { version: '1', aktion: 'status', status: 'in_progress', entscheidung: 'vielleicht' }, { csrf })).statusCode, 400);
    const otto = await browserFor(outsider);
    await otto.get('/verwaltung');
    const ottoCsrf = otto.csrf;
    assert.equal((await otto.post(`${page}/aenderung`, { version: '1', aktion: 'status', status: 'in_progress' }, { csrf: ottoCsrf })).statusCode, 404);
    assert.equal((await otto.post(`${page}/notizen`, { notiz: 'fremd' }, { csrf: ottoCsrf })).statusCode, 404);
    assert.equal((await otto.get(page)).statusCode, 404);
    const row = await sql<{ version: number; events: number }>`
      select version, (select count(*)::int from case_events e where e.case_id = c.id) as events from cases c where c.tenant_id = ${tenant.id} and c.id = ${caseId}`.execute(app.database.db);
    assert.deepEqual(row.rows[0], { version: 1, events: 0 });
  });

  it('finds cases by words, name and reference, never those of other departments, and explains bad filters', async () => {
    const mine = await submit('Die Straßenlaterne in der Ahornallee flackert.');
    const anna = await browserFor(clerk);
    const byWord = await anna.get(`/verwaltung?suche=${encodeURIComponent('Straßenlaternen Ahornallee')}`);
    assert.equal(byWord.statusCode, 200);
    assert.ok(byWord.body.includes(mine.reference), 'German stemming: "Straßenlaternen" finds "Straßenlaterne"');
    assert.ok(!(await anna.get('/verwaltung?suche=Lindenstra%C3%9Fe')).body.includes(mine.reference), 'other words do not find it');
    const byReference = await anna.get(`/verwaltung?suche=${mine.reference.toLowerCase()}`);
    assert.match(byReference.body, /1 Vorgänge/);
    assert.ok(byReference.body.includes(mine.reference), 'found by its reference');
    const byName = await anna.get('/verwaltung?suche=Quandt');
    assert.ok(byName.body.includes(mine.reference), 'found by the applicant\'s name');

    const otto = await browserFor(outsider);
    const foreign = await otto.get(`/verwaltung?suche=${mine.reference}`);
    assert.match(foreign.body, /0 Vorgänge/);
    assert.ok(!foreign.body.includes(`/verwaltung/vorgaenge/${mine.caseId}`), 'not found by another department');

    const bad = await anna.get('/verwaltung?von=31.02.2026&status=erledigt&leistung=unbekannt&bearbeitung=jemand&suche=Ahornallee');
    assert.equal(bad.statusCode, 422);
    assert.match(bad.body, /Bitte geben Sie ein Datum wie 31.12.2026 ein/);
    assert.match(bad.body, /Diesen Status gibt es nicht/);
    assert.match(bad.body, /Diese Leistung gibt es nicht/);
    assert.match(bad.body, /Diese Person gehört nicht zu Ihren Fachbereichen/);
    assert.ok(bad.body.includes('value="31.02.2026"'), 'what was typed stays in the form');
    assert.ok(bad.body.includes(mine.reference), 'the understood part of the filter still applies');

    // The inbox's days are Berlin's (between 23:00 and 24:00 UTC the UTC date is yesterday there).
    const today = berlinDay(new Date());
    const received = await anna.get(`/verwaltung?von=${today}&bis=${today}&status=received&bearbeitung=niemand&leistung=kontakt-beschwerde&sortierung=frist`);
    assert.equal(received.statusCode, 200);
    assert.ok(received.body.includes(mine.reference), 'found with every filter set');
    const reversed = await anna.get('/verwaltung?von=02.01.2026&bis=01.01.2026');
    assert.match(reversed.body, /Das Ende muss nach dem Anfang liegen/);
  });
});
