import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import type { DatabaseHandle } from '../../platform/db/database.js';
import { buildTenant, openTestDatabase } from '../../test-support/database.js';
import { createStaff } from '../staff/index.js';
import type { Tenant } from '../tenants/tenant.js';
import type { AdminActor } from './administration.js';
import {
  createDepartment, createStaffAccount, getStaffAccount, grantRole, listStaff, revokeRole, setDepartmentActive, setStaffActive, setTownAdmin,
  updateDepartmentDetails,
} from './administration.service.js';

const cli: AdminActor = { kind: 'cli' };
const department = { nameDe: 'Standesamt', nameEn: '', contactEmail: 'standesamt@example.org', phone: '+49 2361 50-100', room: '', hoursDe: '', hoursEn: '' };

describe('town administration (service)', () => {
  let handle: DatabaseHandle;
  let town: Tenant;
  let otherTown: Tenant;
  let n = 0;
  before(async () => {
    handle = await openTestDatabase();
    town = await buildTenant(handle.db);
    otherTown = await buildTenant(handle.db);
  });
  after(() => handle.close());

  /** An account made as the set-up does it (owner, app.tenant_id set). */
  async function staff(tenant: Tenant, options: { townAdmin?: boolean; departments?: Array<{ key: string; role: string }> } = {}): Promise<string> {
    return handle.db.transaction().execute(async (trx) => {
      await sql`select set_config('app.tenant_id', ${tenant.id}, true)`.execute(trx);
      return createStaff(trx, { tenantId: tenant.id, email: `person${++n}@example.org`, name: `Person ${n}`, password: 'a long enough password', townAdmin: options.townAdmin, departments: options.departments ?? [] });
    });
  }

  async function departmentId(tenant: Tenant, key: string): Promise<string> {
    return (await sql<{ id: string }>`select id from departments where tenant_id = ${tenant.id} and key = ${key}`.execute(handle.db)).rows[0]!.id;
  }

  const asStaff = (id: string, rights: { townAdmin?: boolean; departmentAdminOf?: string[] }): AdminActor =>
    ({ kind: 'staff', staffId: id, townAdmin: rights.townAdmin ?? false, departmentAdminOf: rights.departmentAdminOf ?? [] });

  it('creates accounts with a first role and refuses a duplicate address, a bad address, an unknown department and a bad role', async () => {
    const created = await createStaffAccount(handle.db, town.id, cli, { name: ' Jana Beispiel ', email: 'Jana.Beispiel@Example.org', townAdmin: false, department: 'ordnungsamt', role: 'team_lead' });
    assert.ok(created.ok);
    const account = await getStaffAccount(handle.db, town.id, cli, { email: 'jana.beispiel@example.org' });
    assert.ok(account.ok);
    assert.equal(account.value.name, 'Jana Beispiel');
    assert.deepEqual(account.value.roles.map((r) => [r.departmentKey, r.role]), [['ordnungsamt', 'team_lead']]);
    assert.equal(account.value.invited, true, 'no password: invited');
    const job = await sql<{ payload: { staffId: string } }>`select payload from jobs where kind = 'staff.invitation' and tenant_id = ${town.id}`.execute(handle.db);
    assert.deepEqual(job.rows.map((r) => r.payload.staffId), [created.value.id], 'the invitation mail is a job of the same transaction');

    const refusals = [
      [{ email: 'JANA.beispiel@example.org' }, 'email', 'emailTaken'],
      [{ email: 'jana@' }, 'email', 'emailInvalid'],
      [{ email: '' }, 'email', 'emailRequired'],
      [{ name: '   ' }, 'name', 'nameRequired'],
      [{ department: 'gibt-es-nicht' }, 'department', 'departmentUnknown'],
      [{ role: 'chef' }, 'role', 'roleInvalid'],
    ] as const;
    for (const [change, field, message] of refusals) {
      const result = await createStaffAccount(handle.db, town.id, cli, { name: 'Neu', email: `neu${++n}@example.org`, townAdmin: false, department: 'ordnungsamt', role: 'clerk', ...change });
      assert.ok(!result.ok && result.kind === 'invalid', JSON.stringify(change));
      assert.equal(result.errors[field], message, JSON.stringify(change));
    }
    // The same address in another town is another person's account.
    assert.ok((await createStaffAccount(handle.db, otherTown.id, cli, { name: 'Jana', email: 'jana.beispiel@example.org', townAdmin: false, department: '', role: '' })).ok);
  });

  it('lets only town admins create accounts, and department admins assign roles only in their own departments', async () => {
    const ordnung = await departmentId(town, 'ordnungsamt');
    const steuer = await departmentId(town, 'steueramt');
    const deptAdminId = await staff(town, { departments: [{ key: 'ordnungsamt', role: 'department_admin' }] });
    const deptAdmin = asStaff(deptAdminId, { departmentAdminOf: [ordnung] });
    const clerkId = await staff(town, { departments: [{ key: 'ordnungsamt', role: 'clerk' }] });
    const clerk = asStaff(clerkId, {});
    const target = await staff(town);

    assert.deepEqual(await createStaffAccount(handle.db, town.id, deptAdmin, { name: 'X', email: 'x@example.org', townAdmin: false, department: '', role: '' }), { ok: false, kind: 'forbidden' });
    assert.deepEqual(await listStaff(handle.db, town.id, clerk), { ok: false, kind: 'forbidden' });
    assert.deepEqual(await grantRole(handle.db, town.id, clerk, { id: target }, { department: 'ordnungsamt', role: 'clerk' }), { ok: false, kind: 'forbidden' });
    assert.deepEqual(await setStaffActive(handle.db, town.id, deptAdmin, { id: target }, false), { ok: false, kind: 'forbidden' });
    assert.deepEqual(await setTownAdmin(handle.db, town.id, deptAdmin, { id: deptAdminId }, true), { ok: false, kind: 'forbidden' });

    assert.ok((await grantRole(handle.db, town.id, deptAdmin, { id: target }, { department: 'ordnungsamt', role: 'team_lead' })).ok);
    assert.deepEqual(await grantRole(handle.db, town.id, deptAdmin, { id: target }, { department: 'steueramt', role: 'clerk' }), { ok: false, kind: 'forbidden' });
    const granted = await getStaffAccount(handle.db, town.id, deptAdmin, { id: target });
    assert.ok(granted.ok);
    assert.deepEqual(granted.value.roles.map((r) => [r.departmentId, r.role]), [[ordnung, 'team_lead']]);
    // A town admin may; then the department admin may not take that role away again.
    assert.ok((await grantRole(handle.db, town.id, cli, { id: target }, { department: 'steueramt', role: 'clerk' })).ok);
    assert.deepEqual(await revokeRole(handle.db, town.id, deptAdmin, { id: target }, 'steueramt'), { ok: false, kind: 'forbidden' });
    assert.ok((await revokeRole(handle.db, town.id, deptAdmin, { id: target }, 'ordnungsamt')).ok);
    assert.deepEqual(await revokeRole(handle.db, town.id, deptAdmin, { id: target }, 'ordnungsamt'), { ok: false, kind: 'invalid', errors: { department: 'roleMissing' } });
    const after = await getStaffAccount(handle.db, town.id, cli, { id: target });
    assert.ok(after.ok);
    assert.deepEqual(after.value.roles.map((r) => r.departmentId), [steuer]);

    const audit = await sql<{ action: string; actor: string }>`select action, actor from audit_log where tenant_id = ${town.id} and subject = ${`staff:${target}`} order by id`.execute(handle.db);
    assert.deepEqual(audit.rows, [
      { action: 'staff.role_granted', actor: `staff:${deptAdminId}` },
      { action: 'staff.role_granted', actor: 'cli' },
      { action: 'staff.role_revoked', actor: `staff:${deptAdminId}` },
    ]);
  });

  it('finds nothing of another town', async () => {
    const stranger = await staff(otherTown);
    const admin = asStaff(await staff(town, { townAdmin: true }), { townAdmin: true });
    assert.deepEqual(await getStaffAccount(handle.db, town.id, admin, { id: stranger }), { ok: false, kind: 'notFound' });
    assert.deepEqual(await grantRole(handle.db, town.id, admin, { id: stranger }, { department: 'ordnungsamt', role: 'clerk' }), { ok: false, kind: 'notFound' });
    assert.deepEqual(await setStaffActive(handle.db, town.id, admin, { id: stranger }, false), { ok: false, kind: 'notFound' });
    assert.ok(!(await listStaff(handle.db, town.id, admin) as { value: Array<{ id: string }> }).value.some((a) => a.id === stranger));
  });

  it('never leaves a town without an active town admin, even when two remove each other at once', async () => {
    const lonely = await buildTenant(handle.db);
    const first = await staff(lonely, { townAdmin: true });
    const me = asStaff(first, { townAdmin: true });
    assert.deepEqual(await setTownAdmin(handle.db, lonely.id, me, { id: first }, false), { ok: false, kind: 'invalid', errors: { townAdmin: 'lastTownAdmin' } });
    assert.deepEqual(await setStaffActive(handle.db, lonely.id, me, { id: first }, false), { ok: false, kind: 'invalid', errors: { status: 'lastTownAdmin' } });
    assert.deepEqual(await setStaffActive(handle.db, lonely.id, cli, { id: first }, false), { ok: false, kind: 'invalid', errors: { status: 'lastTownAdmin' } });

    assert.ok((await setTownAdmin(handle.db, lonely.id, me, { id: await staff(lonely) }, true)).ok);
    assert.ok((await setTownAdmin(handle.db, lonely.id, me, { id: first }, false)).ok, 'with a second admin the first may go');

    // On PostgreSQL these run side by side (on PGlite one after the other); several rounds, as a race may not show at once.
    for (let round = 0; round < 4; round++) {
      const pair = await buildTenant(handle.db);
      const [a, b] = [await staff(pair, { townAdmin: true }), await staff(pair, { townAdmin: true })];
      const results = await Promise.all([
        round % 2 ? setStaffActive(handle.db, pair.id, asStaff(a, { townAdmin: true }), { id: b }, false) : setTownAdmin(handle.db, pair.id, asStaff(a, { townAdmin: true }), { id: b }, false),
        setTownAdmin(handle.db, pair.id, asStaff(b, { townAdmin: true }), { id: a }, false),
      ]);
      assert.equal(results.filter((r) => r.ok).length, 1, JSON.stringify(results));
      const admins = await sql<{ n: number }>`select count(*)::int as n from staff where tenant_id = ${pair.id} and town_admin and deactivated_at is null`.execute(handle.db);
      assert.equal(admins.rows[0]!.n, 1);
    }
  });

  it('creates and renames departments, and deactivates one only without open cases and services', async () => {
    assert.deepEqual(await createDepartment(handle.db, town.id, cli, { key: 'Standes Amt', ...department }), { ok: false, kind: 'invalid', errors: { key: 'keyInvalid' } });
    assert.deepEqual(await createDepartment(handle.db, town.id, cli, { key: 'ordnungsamt', ...department }), { ok: false, kind: 'invalid', errors: { key: 'keyTaken' } });
    assert.deepEqual(await createDepartment(handle.db, town.id, cli, { key: 'standesamt', ...department, contactEmail: 'kein', phone: 'ruf an' }),
      { ok: false, kind: 'invalid', errors: { contactEmail: 'emailInvalid', phone: 'phoneInvalid' } });
    const created = await createDepartment(handle.db, town.id, cli, { key: 'standesamt', ...department, hoursDe: 'Mo–Fr 8–12 Uhr' });
    assert.ok(created.ok);
    assert.ok((await updateDepartmentDetails(handle.db, town.id, cli, { key: 'standesamt' }, { ...department, nameDe: 'Standesamt und Friedhof', nameEn: 'Registry office' })).ok);
    const row = (await sql<{ name: unknown; contact: unknown }>`select name, contact from departments where id = ${created.value.id}`.execute(handle.db)).rows[0]!;
    assert.deepEqual(row.name, { de: 'Standesamt und Friedhof', en: 'Registry office' });
    assert.deepEqual(row.contact, { email: 'standesamt@example.org', phone: '+49 2361 50-100' });

    // Services route to the Ordnungsamt of the test town? Not in buildTenant: route one there.
    const ordnung = await departmentId(town, 'ordnungsamt');
    await handle.db.transaction().execute(async (trx) => {
      await sql`select set_config('app.tenant_id', ${town.id}, true)`.execute(trx);
      await sql`insert into tenant_services (tenant_id, service_id, department_id) values (${town.id}, 'fundsache-melden', ${ordnung})`.execute(trx);
    });
    assert.deepEqual(await setDepartmentActive(handle.db, town.id, cli, { key: 'ordnungsamt' }, false),
      { ok: false, kind: 'invalid', errors: { status: { key: 'servicesRouted', params: { count: 1 } } } });

    assert.ok((await setDepartmentActive(handle.db, town.id, cli, { key: 'standesamt' }, false)).ok);
    const target = await staff(town);
    assert.deepEqual(await grantRole(handle.db, town.id, cli, { id: target }, { department: 'standesamt', role: 'clerk' }), { ok: false, kind: 'invalid', errors: { department: 'departmentInactive' } });
    assert.ok((await setDepartmentActive(handle.db, town.id, cli, { key: 'standesamt' }, true)).ok);
    assert.ok((await grantRole(handle.db, town.id, cli, { id: target }, { department: 'standesamt', role: 'clerk' })).ok);
    assert.deepEqual(await setDepartmentActive(handle.db, town.id, cli, { key: 'nirgendwo' }, false), { ok: false, kind: 'notFound' });
  });
});
