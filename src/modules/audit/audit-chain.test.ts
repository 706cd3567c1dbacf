import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { inTransaction, type DatabaseHandle } from '../../platform/db/database.js';
import { buildTenant, openTestDatabase } from '../../test-support/database.js';
import { recordAudit } from './audit.js';
import { sealAuditLog, verifyAuditChain } from './audit-chain.js';

describe('audit chain', () => {
  let handle: DatabaseHandle;
  before(async () => (handle = await openTestDatabase()));
  after(() => handle.close());

  async function write(tenantId: string, n: number) {
    await Promise.all(Array.from({ length: n }, (_, i) => inTransaction(handle.db, { tenantId }, (trx) =>
      recordAudit(trx, { tenantId, actor: 'test', action: 'case.viewed', subject: `case:${i}`, details: { n: i } }))));
  }

  it('seals concurrent writers into one unforked chain that verifies', async () => {
    const tenant = await buildTenant(handle.db);
    await write(tenant.id, 30);
    const sealed = await Promise.all([sealAuditLog(handle.db, tenant.id), sealAuditLog(handle.db, tenant.id)]);
    assert.equal(sealed[0]! + sealed[1]!, 30);
    await write(tenant.id, 5);
    assert.equal(await sealAuditLog(handle.db, tenant.id), 5);
    assert.equal(await sealAuditLog(handle.db, tenant.id), 0);
    assert.equal(await verifyAuditChain(handle.db, tenant.id), null);
  });

  it('detects a changed entry', async () => {
    const tenant = await buildTenant(handle.db);
    await write(tenant.id, 3);
    await sealAuditLog(handle.db, tenant.id);
    await write(tenant.id, 3);
    await sealAuditLog(handle.db, tenant.id);
    // Tampering needs the owner's rights; the application role cannot update at all.
    await sql`update audit_log set action = 'nothing.happened' where tenant_id = ${tenant.id} and subject = 'case:1' and id = (select max(id) from audit_log where tenant_id = ${tenant.id} and subject = 'case:1')`.execute(handle.db);
    assert.deepEqual(await verifyAuditChain(handle.db, tenant.id), { blockNo: 2 });
  });
});
