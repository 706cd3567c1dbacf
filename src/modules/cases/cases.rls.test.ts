import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { inTransaction } from '../../platform/db/database.js';
import { listDepartments } from '../tenants/tenants.repository.js';
import { buildTestApp, type TestApp } from '../../test-support/app.js';

describe('department isolation in the database', () => {
  let app: TestApp;
  before(async () => (app = await buildTestApp()));
  after(() => app.close());

  it('shows a clerk of another department nothing, even for a query without any filter', async () => {
    const { tenant, host } = await app.createTown();
    const response = await app.app.inject({
      method: 'POST', url: '/api/v1/services/kontakt-beschwerde/submissions', headers: { host },
      payload: { answers: { anliegen: { art: 'lob', betreff: 'Danke', nachricht: 'Sehr freundlich.' }, kontakt: { email: 'lob@example.org', antwortErwuenscht: false } } },
    });
    assert.equal(response.statusCode, 201);
    const departments = await inTransaction(app.database.db, { tenantId: tenant.id }, (trx) => listDepartments(trx));
    const zentrale = departments.find((d) => d.key === 'zentrale')!;
    const steueramt = departments.find((d) => d.key === 'steueramt')!;

    const unfiltered = (departmentIds: string[]) => inTransaction(app.database.db, { tenantId: tenant.id, departmentIds }, async (trx) => ({
      cases: (await sql<{ n: number }>`select count(*)::int as n from cases`.execute(trx)).rows[0]!.n,
      submissions: (await sql<{ n: number }>`select count(*)::int as n from submissions`.execute(trx)).rows[0]!.n,
    }));
    assert.deepEqual(await unfiltered([zentrale.id]), { cases: 1, submissions: 1 });
    assert.deepEqual(await unfiltered([steueramt.id]), { cases: 0, submissions: 0 });
    assert.deepEqual(await unfiltered([]), { cases: 0, submissions: 0 });

    // Another town's clerk with the same department key sees nothing either.
    const other = await app.createTown();
    const otherZentrale = (await inTransaction(app.database.db, { tenantId: other.tenant.id }, (trx) => listDepartments(trx))).find((d) => d.key === 'zentrale')!;
    const crossTown = await inTransaction(app.database.db, { tenantId: other.tenant.id, departmentIds: [otherZentrale.id, zentrale.id] }, async (trx) =>
      (await sql<{ n: number }>`select count(*)::int as n from cases`.execute(trx)).rows[0]!.n);
    assert.equal(crossTown, 0);

    // And the clerk cannot move a case into their own department.
    const moved = await inTransaction(app.database.db, { tenantId: tenant.id, departmentIds: [steueramt.id] }, (trx) =>
      trx.updateTable('cases').set({ department_id: steueramt.id }).executeTakeFirst());
    assert.equal(Number(moved.numUpdatedRows), 0);
  });

  it('never lets the application role change or delete audit entries or submissions', async () => {
    const { tenant } = await app.createTown();
    for (const statement of [sql`update audit_log set action = 'x'`, sql`delete from audit_log`, sql`update submissions set answers = '{}'`, sql`delete from submissions`]) {
      await assert.rejects(inTransaction(app.database.db, { tenantId: tenant.id }, (trx) => statement.execute(trx)), /permission denied/);
    }
  });
});
