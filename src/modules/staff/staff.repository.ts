import type { Trx } from '../../platform/db/database.js';

/** A staff member with the departments they work in. */
export interface StaffMember {
  id: string;
  email: string;
  name: string;
  /** Manages the town's departments, staff accounts and role assignments (ADR 0013). */
  townAdmin: boolean;
  departments: Array<{ id: string; key: string; role: string }>;
}

/** Creates a staff account (set-up and CLI; runs as the schema owner with app.tenant_id set). */
export async function insertStaff(trx: Trx, s: { tenantId: string; email: string; name: string; passwordHash: string | null; townAdmin?: boolean; departments: Array<{ key: string; role: string }> }): Promise<string> {
  const row = await trx
    .insertInto('staff')
    .values({ tenant_id: s.tenantId, email: s.email.toLowerCase(), name: s.name, password_hash: s.passwordHash, town_admin: s.townAdmin ?? false })
    .returning('id')
    .executeTakeFirstOrThrow();
  for (const d of s.departments) {
    const dept = await trx.selectFrom('departments').select('id').where('tenant_id', '=', s.tenantId).where('key', '=', d.key).executeTakeFirst();
    if (!dept) throw new Error(`Department ${d.key} does not exist`);
    await trx.insertInto('staff_departments').values({ tenant_id: s.tenantId, staff_id: row.id, department_id: dept.id, role: d.role }).execute();
  }
  return row.id;
}

/**
 * The login record for an e-mail address in a town; none for a deactivated account. The town is
 * named, not left to row-level security: the CLI runs as the schema owner, which a superuser owner
 * bypasses it as.
 */
export async function findStaffCredentials(trx: Trx, tenantId: string, email: string) {
  return trx
    .selectFrom('staff')
    .select(['id', 'password_hash'])
    .where('tenant_id', '=', tenantId)
    .where('email', '=', email.toLowerCase())
    .where('deactivated_at', 'is', null)
    .executeTakeFirst();
}

/** An active staff member and their departments (a deactivated account is nobody). */
export async function findStaffMember(trx: Trx, id: string): Promise<StaffMember | undefined> {
  const row = await trx.selectFrom('staff').select(['id', 'email', 'name', 'town_admin']).where('id', '=', id).where('deactivated_at', 'is', null).executeTakeFirst();
  if (!row) return undefined;
  const staff = { id: row.id, email: row.email, name: row.name, townAdmin: row.town_admin };
  const departments = await trx
    .selectFrom('staff_departments')
    .innerJoin('departments', (j) => j.onRef('departments.tenant_id', '=', 'staff_departments.tenant_id').onRef('departments.id', '=', 'staff_departments.department_id'))
    .select(['departments.id', 'departments.key', 'staff_departments.role'])
    .where('staff_departments.staff_id', '=', id)
    .execute();
  return { ...staff, departments };
}

/** Ends every session of a staff member, signed in or half-way (second factor reset by an administrator). */
export async function deleteStaffSessions(trx: Trx, staffId: string): Promise<void> {
  await trx.deleteFrom('sessions').where((eb) => eb.or([eb('staff_id', '=', staffId), eb('pending_staff_id', '=', staffId)])).execute();
}
