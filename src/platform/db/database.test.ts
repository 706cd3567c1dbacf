import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { assertRlsEnforced, inTransaction, type DatabaseHandle } from './database.js';
import { migrate } from './migrate.js';
import { buildTenant, openTestDatabase } from '../../test-support/database.js';

describe('database', () => {
  let handle: DatabaseHandle;
  before(async () => (handle = await openTestDatabase()));
  after(() => handle.close());

  it('applies migrations once and is a no-op the second time', async () => {
    assert.deepEqual(await migrate(handle.db), []);
  });

  it('runs application transactions as a role that cannot bypass row-level security', async () => {
    await assertRlsEnforced(handle.db);
    const tenant = await buildTenant(handle.db);
    const user = await inTransaction(handle.db, { tenantId: tenant.id }, async (trx) => (await sql<{ u: string }>`select current_user as u`.execute(trx)).rows[0]?.u);
    assert.equal(user, 'rathaus_app');
  });

  it('shows a town only its own departments, even to a query without a tenant filter', async () => {
    const a = await buildTenant(handle.db);
    const b = await buildTenant(handle.db);
    const seenByA = await inTransaction(handle.db, { tenantId: a.id }, (trx) => trx.selectFrom('departments').select('tenant_id').execute());
    assert.ok(seenByA.length > 0);
    assert.ok(seenByA.every((d) => d.tenant_id === a.id));
    assert.ok(!seenByA.some((d) => d.tenant_id === b.id));
  });

  it('refuses writes into another town', async () => {
    const a = await buildTenant(handle.db);
    const b = await buildTenant(handle.db);
    await assert.rejects(
      inTransaction(handle.db, { tenantId: a.id }, (trx) =>
        trx.insertInto('audit_log').values({ tenant_id: b.id, actor: 'test', action: 'x', subject: 'y' }).execute()),
      /row-level security/,
    );
  });
});
