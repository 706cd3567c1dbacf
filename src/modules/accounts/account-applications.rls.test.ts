import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { inTransaction } from '../../platform/db/database.js';
import { buildTestApp, type TestApp } from '../../test-support/app.js';
import { createAccount, signInAccount } from '../../test-support/accounts.js';
import { TestBrowser } from '../../test-support/browser.js';
import { complainInBrowser, complaintAnswers, submitViaApi } from '../../test-support/applications.js';
import { hashToken } from '../../platform/crypto/tokens.js';
import type { Tenant } from '../tenants/tenant.js';

describe('applications of an account in the database', () => {
  let app: TestApp;
  let tenant: Tenant;
  let host: string;
  before(async () => {
    app = await buildTestApp();
    ({ tenant, host } = await app.createTown());
  });
  after(() => app.close());

  it('links an application made while signed in to the account, and only that account sees it', async () => {
    const [alice, bob] = [await createAccount(app.database.db, tenant.id), await createAccount(app.database.db, tenant.id)];
    const browser = new TestBrowser(app.app, host);
    await signInAccount(browser, alice);
    const submissionId = await complainInBrowser(browser, 'Öffnungszeiten');
    const anonymousId = await complainInBrowser(new TestBrowser(app.app, host), 'Ohne Konto');

    const linked = await sql<{ id: string; account_id: string | null }>`select id, account_id from submissions where id in (${submissionId}, ${anonymousId})`.execute(app.database.db);
    assert.equal(linked.rows.find((r) => r.id === submissionId)!.account_id, alice.id);
    assert.equal(linked.rows.find((r) => r.id === anonymousId)!.account_id, null);

    const visible = (accountId: string) => inTransaction(app.database.db, { tenantId: tenant.id, accountId }, async (trx) => ({
      submissions: (await sql<{ id: string }>`select id from submissions`.execute(trx)).rows.map((r) => r.id),
      cases: (await sql<{ n: number }>`select count(*)::int as n from cases`.execute(trx)).rows[0]!.n,
      events: (await sql<{ n: number }>`select count(*)::int as n from case_events`.execute(trx)).rows[0]!.n,
    }));
    const seenByAlice = await visible(alice.id);
    assert.deepEqual(seenByAlice.submissions, [submissionId]);
    assert.equal(seenByAlice.cases, 1);
    assert.deepEqual(await visible(bob.id), { submissions: [], cases: 0, events: 0 });

    // Bob cannot withdraw Alice's case even with a query that names no case at all.
    const withdrawn = await inTransaction(app.database.db, { tenantId: tenant.id, accountId: bob.id }, (trx) =>
      trx.updateTable('cases').set({ status: 'withdrawn' }).executeTakeFirst());
    assert.equal(Number(withdrawn.numUpdatedRows), 0);
    const byAlice = await inTransaction(app.database.db, { tenantId: tenant.id, accountId: alice.id }, (trx) =>
      trx.updateTable('cases').set({ status: 'withdrawn' }).executeTakeFirst());
    assert.equal(Number(byAlice.numUpdatedRows), 1, 'the applicant may withdraw their own open case');
  });

  it('lets the holder of a receipt move only their own case, even with an unfiltered statement', async () => {
    const { tenant: town, host: townHost } = await app.createTown();
    const mine = await submitViaApi(app, townHost, 'kontakt-beschwerde', complaintAnswers('Meine Frage'));
    await submitViaApi(app, townHost, 'kontakt-beschwerde', complaintAnswers('Fremde Frage'));
    const moved = await inTransaction(app.database.db, { tenantId: town.id, receiptTokenHashes: [hashToken(mine.receiptToken)] }, (trx) =>
      trx.updateTable('cases').set({ status: 'withdrawn' }).executeTakeFirst());
    assert.equal(Number(moved.numUpdatedRows), 1);
    const withdrawn = await sql<{ id: string }>`select id from cases where tenant_id = ${town.id} and status = 'withdrawn'`.execute(app.database.db);
    assert.deepEqual(withdrawn.rows.map((r) => r.id), [mine.caseId]);
  });

  it('keeps the submission with the town, detached, when the account is deleted', async () => {
    const account = await createAccount(app.database.db, tenant.id);
    const browser = new TestBrowser(app.app, host);
    await signInAccount(browser, account);
    const submissionId = await complainInBrowser(browser, 'Vor dem Löschen');
    await app.database.db.transaction().execute(async (trx) => {
      await sql`select set_config('app.tenant_id', ${tenant.id}, true)`.execute(trx);
      await trx.deleteFrom('accounts').where('id', '=', account.id).execute();
    });
    const row = await sql<{ account_id: string | null }>`select account_id from submissions where id = ${submissionId}`.execute(app.database.db);
    assert.equal(row.rows[0]!.account_id, null);
  });
});
