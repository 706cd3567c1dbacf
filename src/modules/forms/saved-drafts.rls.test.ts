import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { hashToken, newToken } from '../../platform/crypto/tokens.js';
import { inTransaction, type Actor } from '../../platform/db/database.js';
import { buildTestApp, type TestApp } from '../../test-support/app.js';
import { createAccount, signInAccount } from '../../test-support/accounts.js';
import { TestBrowser } from '../../test-support/browser.js';
import type { Tenant } from '../tenants/tenant.js';
import { findDraft, insertDraft, moveDraftToSession } from './forms.repository.js';

describe('drafts in the database: who may see and move them', () => {
  let app: TestApp;
  let tenant: Tenant;
  let host: string;
  let definitionHash: string;
  before(async () => {
    app = await buildTestApp();
    ({ tenant, host } = await app.createTown());
    definitionHash = app.services.get('kontakt-beschwerde')!.hash;
  });
  after(() => app.close());

  const session = () => hashToken(newToken());
  async function draftOf(owner: { sessionHash: string; accountId?: string }): Promise<string> {
    const id = randomUUID();
    await inTransaction(app.database.db, { tenantId: tenant.id, ...owner }, (trx) =>
      insertDraft(trx, { tenantId: tenant.id, id, sessionHash: owner.sessionHash, accountId: owner.accountId ?? null, serviceId: 'kontakt-beschwerde', definitionHash }));
    return id;
  }
  const sees = async (actor: Omit<Actor, 'tenantId'>, id: string) => (await inTransaction(app.database.db, { tenantId: tenant.id, ...actor }, (trx) => findDraft(trx, id))) !== undefined;
  const owner = async (id: string) => (await sql<{ session_hash: string; account_id: string | null }>`select session_hash, account_id from drafts where id = ${id}`.execute(app.database.db)).rows[0];

  it('shows an account\'s draft to that account from any session, and to no other session or account', async () => {
    const [alice, bob] = [await createAccount(app.database.db, tenant.id), await createAccount(app.database.db, tenant.id)];
    const s1 = session();
    const id = await draftOf({ sessionHash: s1, accountId: alice.id });
    assert.equal(await sees({ sessionHash: session(), accountId: alice.id }, id), true);
    assert.equal(await sees({ sessionHash: s1 }, id), false, 'the session that saved it, signed out');
    assert.equal(await sees({ sessionHash: s1, accountId: bob.id }, id), false, 'another account over the same session');
    assert.equal(await sees({}, id), false);
    await assert.rejects(inTransaction(app.database.db, { tenantId: tenant.id, sessionHash: s1, accountId: bob.id }, (trx) =>
      insertDraft(trx, { tenantId: tenant.id, id: randomUUID(), sessionHash: s1, accountId: alice.id, serviceId: 'kontakt-beschwerde', definitionHash })), /row-level security/, 'no draft is made in another account');
  });

  it('moves an anonymous draft from the session it replaces only to the new session or the account signing in there', async () => {
    const alice = await createAccount(app.database.db, tenant.id);
    const [old, fresh] = [session(), session()];
    const id = await draftOf({ sessionHash: old });
    const moving = { tenantId: tenant.id, sessionHash: fresh, previousSessionHash: old };
    await assert.rejects(inTransaction(app.database.db, moving, (trx) => moveDraftToSession(trx, id, { sessionHash: session(), accountId: null })), /row-level security/);
    await assert.rejects(inTransaction(app.database.db, moving, (trx) => moveDraftToSession(trx, id, { sessionHash: fresh, accountId: alice.id })), /row-level security/, 'not into an account that is not signed in');
    assert.equal(await inTransaction(app.database.db, moving, (trx) => trx.deleteFrom('drafts').where('id', '=', id).executeTakeFirst()).then((r) => Number(r.numDeletedRows)), 0, 'moving is not deleting');
    assert.equal(await inTransaction(app.database.db, { ...moving, accountId: alice.id }, (trx) => moveDraftToSession(trx, id, { sessionHash: fresh, accountId: alice.id })), true);
    assert.deepEqual(await owner(id), { session_hash: fresh, account_id: alice.id });
    // An account's draft does not move with a session.
    assert.equal(await inTransaction(app.database.db, { tenantId: tenant.id, sessionHash: session(), previousSessionHash: fresh }, (trx) => moveDraftToSession(trx, id, { sessionHash: session(), accountId: null })), false);
  });

  it('lets the holder of a resume link read and move only that draft, while the link is valid and unused', async () => {
    const [linked, other] = [await draftOf({ sessionHash: session() }), await draftOf({ sessionHash: session() })];
    const token = newToken();
    await inTransaction(app.database.db, { tenantId: tenant.id }, (trx) =>
      trx.insertInto('draft_resume_links').values({ tenant_id: tenant.id, token_hash: hashToken(token), draft_id: linked, expires_at: new Date(Date.now() + 3_600_000) }).execute());
    const holder = { sessionHash: session(), resumeTokenHash: hashToken(token) };
    assert.equal(await sees(holder, linked), true);
    assert.equal(await sees(holder, other), false);
    assert.equal(await sees({ ...holder, resumeTokenHash: hashToken(newToken()) }, linked), false, 'a wrong token');
    const deleted = await inTransaction(app.database.db, { tenantId: tenant.id, ...holder }, (trx) => trx.deleteFrom('drafts').executeTakeFirst());
    assert.equal(Number(deleted.numDeletedRows), 0);
    await sql`update draft_resume_links set used_at = now() where draft_id = ${linked}`.execute(app.database.db);
    assert.equal(await sees(holder, linked), false, 'a used link');
  });

  it('does not carry the drafts of a session that had already ended into the sign-in', async () => {
    const account = await createAccount(app.database.db, tenant.id);
    const browser = new TestBrowser(app.app, host);
    await browser.get('/leistungen/kontakt-beschwerde/antrag');
    const started = await browser.postMultipart('/leistungen/kontakt-beschwerde/antrag', { art: 'frage', betreff: 'Liegen gelassen', nachricht: 'N', _action: 'continue' }, {});
    const draftId = String(started.headers.location).split('/')[2]!;
    const before = await owner(draftId);
    // Idle for longer than 30 minutes: whoever uses the browser next must not get the draft.
    await sql`update sessions set last_seen_at = now() - interval '31 minutes' where id_hash = ${before!.session_hash}`.execute(app.database.db);
    await signInAccount(browser, account);
    assert.deepEqual(await owner(draftId), before);
    assert.equal((await browser.get(`/antrag/${draftId}/anliegen`)).statusCode, 404);
  });

  it('lets no request read an abandoned draft of another session by its id; housekeeping alone sees it', async () => {
    const id = await draftOf({ sessionHash: session() });
    await sql`update drafts set updated_at = now() - interval '2 days' where id = ${id}`.execute(app.database.db);
    assert.equal(await sees({ sessionHash: session() }, id), false);
    assert.equal(await sees({}, id), true);
  });
});
