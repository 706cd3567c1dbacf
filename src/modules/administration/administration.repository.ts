import { sql } from 'kysely';
import type { Trx } from '../../platform/db/database.js';
import type { DepartmentContact } from '../../platform/db/schema.js';
import type { Localized } from '../../platform/i18n/i18n.js';
import { finishedCaseStatuses, type DepartmentRecord, type DepartmentRole, type StaffAccount } from './administration.js';

const staffColumns = ['staff.id', 'staff.email', 'staff.name', 'staff.town_admin', 'staff.deactivated_at', 'staff.password_hash'] as const;

type StaffRow = { id: string; email: string; name: string; town_admin: boolean; deactivated_at: Date | null; password_hash: string | null };

async function withRoles(trx: Trx, rows: StaffRow[]): Promise<StaffAccount[]> {
  if (rows.length === 0) return [];
  const roles = await trx
    .selectFrom('staff_departments')
    .innerJoin('departments', (j) => j.onRef('departments.tenant_id', '=', 'staff_departments.tenant_id').onRef('departments.id', '=', 'staff_departments.department_id'))
    .select(['staff_departments.staff_id', 'departments.id', 'departments.key', 'staff_departments.role'])
    .where('staff_departments.staff_id', 'in', rows.map((r) => r.id))
    .orderBy('departments.key')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    email: r.email,
    name: r.name,
    townAdmin: r.town_admin,
    active: r.deactivated_at === null,
    invited: r.password_hash === null,
    roles: roles.filter((x) => x.staff_id === r.id).map((x) => ({ departmentId: x.id, departmentKey: x.key, role: x.role as DepartmentRole })),
  }));
}

/** Every staff account of the town with its roles, by name. */
export async function listStaffAccounts(trx: Trx): Promise<StaffAccount[]> {
  return withRoles(trx, await trx.selectFrom('staff').select(staffColumns).orderBy('staff.name').orderBy('staff.email').execute());
}

/** One staff account with its roles; `forUpdate` locks the row for a change. */
export async function findStaffAccount(trx: Trx, by: { id: string } | { email: string }, options: { forUpdate?: boolean } = {}): Promise<StaffAccount | undefined> {
  let query = trx.selectFrom('staff').select(staffColumns);
  query = 'id' in by ? query.where('staff.id', '=', by.id) : query.where('staff.email', '=', by.email.toLowerCase());
  const row = await (options.forUpdate ? query.forUpdate() : query).executeTakeFirst();
  return row ? (await withRoles(trx, [row]))[0] : undefined;
}

/**
 * The ids of the active town admins, locked in id order: two admins removing each other's right at
 * once are serialised, and the second sees that only one is left.
 */
export async function lockActiveTownAdmins(trx: Trx): Promise<string[]> {
  const rows = await trx.selectFrom('staff').select('id').where('town_admin', '=', true).where('deactivated_at', 'is', null).orderBy('id').forUpdate().execute();
  return rows.map((r) => r.id);
}

/** Changes an account's administration right or activity. */
export async function updateStaff(trx: Trx, staffId: string, changes: { town_admin?: boolean; deactivated_at?: Date | null; password_hash?: string }): Promise<void> {
  await trx.updateTable('staff').set(changes).where('id', '=', staffId).execute();
}

/** Ends every session of an account, signed in or half-way through the sign-in. */
export async function deleteSessionsOf(trx: Trx, staffId: string): Promise<void> {
  await trx.deleteFrom('sessions').where((eb) => eb.or([eb('staff_id', '=', staffId), eb('pending_staff_id', '=', staffId)])).execute();
}

/** Gives a staff member a role in a department, replacing the role they had there. */
export async function upsertRole(trx: Trx, tenantId: string, staffId: string, departmentId: string, role: DepartmentRole): Promise<void> {
  await trx
    .insertInto('staff_departments')
    .values({ tenant_id: tenantId, staff_id: staffId, department_id: departmentId, role })
    .onConflict((oc) => oc.columns(['tenant_id', 'staff_id', 'department_id']).doUpdateSet({ role }))
    .execute();
}

/** Removes a staff member's role in a department; false when they had none. */
export async function deleteRole(trx: Trx, staffId: string, departmentId: string): Promise<boolean> {
  const result = await trx.deleteFrom('staff_departments').where('staff_id', '=', staffId).where('department_id', '=', departmentId).executeTakeFirst();
  return result.numDeletedRows === 1n;
}

function toDepartment(r: { id: string; key: string; name: Localized; contact: DepartmentContact; deactivated_at: Date | null }): DepartmentRecord {
  return { id: r.id, key: r.key, name: r.name, contact: r.contact, active: r.deactivated_at === null };
}

/** All departments of the town, active or not, by key. */
export async function listDepartmentRecords(trx: Trx): Promise<DepartmentRecord[]> {
  const rows = await trx.selectFrom('departments').select(['id', 'key', 'name', 'contact', 'deactivated_at']).orderBy('key').execute();
  return rows.map(toDepartment);
}

/** One department by id or key; `forUpdate` locks it for a change. */
export async function findDepartment(trx: Trx, by: { id: string } | { key: string }, options: { forUpdate?: boolean } = {}): Promise<DepartmentRecord | undefined> {
  let query = trx.selectFrom('departments').select(['id', 'key', 'name', 'contact', 'deactivated_at']);
  query = 'id' in by ? query.where('id', '=', by.id) : query.where('key', '=', by.key);
  const row = await (options.forUpdate ? query.forUpdate() : query).executeTakeFirst();
  return row ? toDepartment(row) : undefined;
}

/** Creates a department; returns its id. */
export async function insertDepartment(trx: Trx, tenantId: string, d: { key: string; name: Localized; contact: DepartmentContact }): Promise<string> {
  const row = await trx
    .insertInto('departments')
    .values({ tenant_id: tenantId, key: d.key, name: JSON.stringify(d.name), contact: JSON.stringify(d.contact) })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** Changes a department's name, contact or activity. */
export async function updateDepartment(trx: Trx, departmentId: string, changes: { name?: Localized; contact?: DepartmentContact; deactivated_at?: Date | null }): Promise<void> {
  await trx
    .updateTable('departments')
    .set({
      ...(changes.name ? { name: JSON.stringify(changes.name) } : {}),
      ...(changes.contact ? { contact: JSON.stringify(changes.contact) } : {}),
      ...(changes.deactivated_at !== undefined ? { deactivated_at: changes.deactivated_at } : {}),
    })
    .where('id', '=', departmentId)
    .execute();
}

/**
 * How many unfinished cases and adopted services a department has. Cases are visible only to their
 * department (row-level security), so the caller's transaction must act for this department.
 */
export async function countDepartmentWork(trx: Trx, departmentId: string): Promise<{ openCases: number; services: number }> {
  const row = await trx
    .selectNoFrom((eb) => [
      eb.selectFrom('cases').select(sql<number>`count(*)::int`.as('n')).where('department_id', '=', departmentId).where('status', 'not in', finishedCaseStatuses).as('openCases'),
      eb.selectFrom('tenant_services').select(sql<number>`count(*)::int`.as('n')).where('department_id', '=', departmentId).as('services'),
    ])
    .executeTakeFirstOrThrow();
  return { openCases: Number(row.openCases), services: Number(row.services) };
}

/** Stores a new invitation (by its token's hash). */
export async function insertInvitation(trx: Trx, row: { tenantId: string; staffId: string; tokenHash: string; expiresAt: Date }): Promise<void> {
  await trx.insertInto('staff_invitations').values({ tenant_id: row.tenantId, staff_id: row.staffId, token_hash: row.tokenHash, expires_at: row.expiresAt, used_at: null }).execute();
}

/** An invitation by its token's hash, locked so that it is accepted at most once. */
export async function findInvitationForUpdate(trx: Trx, tokenHash: string) {
  return trx.selectFrom('staff_invitations').select(['staff_id', 'expires_at', 'used_at']).where('token_hash', '=', tokenHash).forUpdate().executeTakeFirst();
}

/** An invitation by its token's hash, for showing the form. */
export async function findInvitation(trx: Trx, tokenHash: string) {
  return trx.selectFrom('staff_invitations').select(['staff_id', 'expires_at', 'used_at']).where('token_hash', '=', tokenHash).executeTakeFirst();
}

/** Uses up every open invitation of an account: once a password is chosen, no link works any more. */
export async function useInvitations(trx: Trx, staffId: string): Promise<void> {
  await trx.updateTable('staff_invitations').set({ used_at: new Date() }).where('staff_id', '=', staffId).where('used_at', 'is', null).execute();
}
