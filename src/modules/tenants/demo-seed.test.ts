import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import type { DatabaseHandle } from '../../platform/db/database.js';
import { openTestDatabase } from '../../test-support/database.js';
import { seedDemoTowns } from '../../../seeds/seed-demo.js';

describe('demo towns', () => {
  let handle: DatabaseHandle;
  before(async () => (handle = await openTestDatabase()));
  after(() => handle.close());

  it('are seeded once, with staff passwords returned only the first time', async () => {
    const first = await seedDemoTowns(handle.db);
    // On a shared PostgreSQL test database an earlier run may have seeded them already.
    const counts = async () => (await sql<{ t: number; s: number }>`
      select (select count(*)::int from tenants where slug in ('musterstadt', 'beispieldorf')) as t,
             (select count(*)::int from staff s join tenants t on t.id = s.tenant_id where t.slug in ('musterstadt', 'beispieldorf')) as s`.execute(handle.db)).rows[0]!;
    const before = await counts();
    assert.equal(before.t, 2);
    assert.ok(first.length === 0 || first.length === before.s);
    assert.ok(first.every((c) => c.password.length >= 16));
    const admins = await sql<{ slug: string; email: string }>`
      select t.slug, s.email from staff s join tenants t on t.id = s.tenant_id
      where t.slug in ('musterstadt', 'beispieldorf') and s.town_admin and s.deactivated_at is null order by t.slug`.execute(handle.db);
    assert.deepEqual(admins.rows, [{ slug: 'beispieldorf', email: 'admin@beispieldorf.example' }, { slug: 'musterstadt', email: 'admin@musterstadt.example' }], 'one town admin per town');
    assert.deepEqual(await seedDemoTowns(handle.db), []);
    assert.deepEqual(await counts(), before);
    const categories = await sql<{ code: string; department: string }>`
      select c.code, d.key as department from report_categories c join departments d on d.tenant_id = c.tenant_id and d.id = c.department_id
      join tenants t on t.id = c.tenant_id where t.slug = 'musterstadt' and c.code in ('schlagloch', 'wilder-muell') order by c.code`.execute(handle.db);
    assert.deepEqual(categories.rows, [{ code: 'schlagloch', department: 'bauamt' }, { code: 'wilder-muell', department: 'abfallwirtschaft' }], 'report categories once, routed by department key');
  });
});
