import type { Trx } from '../../platform/db/database.js';

/** A staff member with the departments they work in. */
export interface StaffMember {
  id: string;
  email: string;
  name: string;
  departments: Array<{ id: string; key: string; role: string }>;
}

/** Creates a staff account (set-up and CLI; runs as the schema owner with app.tenant_id set). */
export async function insertStaff(trx: Trx, s: { tenantId: string; email: string; name: string; passwordHash: string; departments: Array<{ key: string; role: string }> }): Promise<string> {
  const row = await trx
    .insertInto('staff')
    .values({ tenant_id: s.tenantId, email: s.email.toLowerCase(), name: s.name, password_hash: s.passwordHash })
    .returning('id')
    .executeTakeFirstOrThrow();
  for (const d of s.departments) {
    const dept = await trx.selectFrom('departments').select('id').where('tenant_id', '=', s.tenantId).where('key', '=', d.key).executeTakeFirst();
    if (!dept) throw new Error(`Department ${d.key} does not exist`);
    await trx.insertInto('staff_departments').values({ tenant_id: s.tenantId, staff_id: row.id, department_id: dept.id, role: d.role }).execute();
  }
  return row.id;
}

/** The login record for an e-mail address. */
export async function findStaffCredentials(trx: Trx, email: string) {
  return trx.selectFrom('staff').select(['id', 'password_hash']).where('email', '=', email.toLowerCase()).executeTakeFirst();
}

/** A staff member and their departments. */
export async function findStaffMember(trx: Trx, id: string): Promise<StaffMember | undefined> {
  const staff = await trx.selectFrom('staff').select(['id', 'email', 'name']).where('id', '=', id).executeTakeFirst();
  if (!staff) return undefined;
  const departments = await trx
    .selectFrom('staff_departments')
    .innerJoin('departments', (j) => j.onRef('departments.tenant_id', '=', 'staff_departments.tenant_id').onRef('departments.id', '=', 'staff_departments.department_id'))
    .select(['departments.id', 'departments.key', 'staff_departments.role'])
    .where('staff_departments.staff_id', '=', id)
    .execute();
  return { ...staff, departments };
}
