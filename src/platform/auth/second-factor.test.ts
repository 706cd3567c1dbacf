import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { buildTestApp, type TestApp } from '../../test-support/app.js';
import { currentTimeStep, totpCode } from '../../test-support/totp.js';
import type { Tenant } from '../../modules/tenants/tenant.js';
import { loadTotpKey, sealSecret } from '../crypto/secret-box.js';
import { findSecondFactorState, verifyTotpCode, type SecondFactorEvent, type TotpOwner } from './second-factor.js';
import { newTotpSecret } from './totp.js';

describe('TOTP second factor shared by staff and accounts', () => {
  let app: TestApp;
  let tenant: Tenant;
  before(async () => {
    app = await buildTestApp();
    ({ tenant } = await app.createTown());
  });
  after(() => app.close());

  it('opens staff secrets sealed before the logic moved here (the sealing context is unchanged)', async () => {
    const clerk = await app.createClerk(tenant, 'zentrale', { enrolled: false });
    const key = await loadTotpKey(app.config);
    const secret = newTotpSecret();
    await app.database.db.transaction().execute(async (trx) => {
      await sql`select set_config('app.tenant_id', ${tenant.id}, true)`.execute(trx);
      await sql`insert into staff_totp (tenant_id, staff_id, secret_sealed, confirmed_at)
        values (${tenant.id}, ${clerk.id}, ${sealSecret(key, secret, `staff_totp:${tenant.id}:${clerk.id}`)}, now())`.execute(trx);
    });
    const events: SecondFactorEvent[] = [];
    const owner: TotpOwner = { kind: 'staff', id: clerk.id, actor: { tenantId: tenant.id }, record: async (_trx, event) => void events.push(event) };
    assert.deepEqual(await findSecondFactorState(app.database.db, owner), { enrolled: true, lockedUntil: null });
    const code = await totpCode(secret, currentTimeStep());
    assert.equal(await verifyTotpCode(app.database.db, key, owner, code), 'accepted');
    assert.equal(await verifyTotpCode(app.database.db, key, owner, code), 'replayed');
    assert.deepEqual(events, []);
  });
});
