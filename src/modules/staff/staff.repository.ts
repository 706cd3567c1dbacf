import type { Selectable } from 'kysely';
import type { Trx } from '../../platform/db/database.js';
import type { Database } from '../../platform/db/schema.js';

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

/** A staff member's TOTP enrolment, as stored (the secret still sealed). */
export type TotpRow = Selectable<Database['staff_totp']>;

/** The TOTP enrolment of a staff member; `forUpdate` serialises attempts on it (counters, replay). */
export async function findTotp(trx: Trx, staffId: string, options: { forUpdate?: boolean } = {}): Promise<TotpRow | undefined> {
  const query = trx.selectFrom('staff_totp').selectAll().where('staff_id', '=', staffId);
  return (options.forUpdate ? query.forUpdate() : query).executeTakeFirst();
}

/** Stores an unconfirmed TOTP secret unless the staff member already has one. */
export async function insertTotpIfMissing(trx: Trx, row: { tenantId: string; staffId: string; secretSealed: string }): Promise<void> {
  await trx
        .insertInto('staff_totp')
    .values({ tenant_id: row.tenantId, staff_id: row.staffId, secret_sealed: row.secretSealed, confirmed_at: null, last_time_step: null, locked_until: null })
    .onConflict((oc) => oc.columns(['tenant_id', 'staff_id']).doNothing())
    .execute();
}

/** Updates the enrolment after an attempt: confirmation, last accepted step, failures, lock. */
export async function updateTotp(trx: Trx, staffId: string, changes: Partial<Pick<TotpRow, 'confirmed_at' | 'last_time_step' | 'failed_attempts' | 'locked_until'>>): Promise<void> {
  await trx.updateTable('staff_totp').set(changes).where('staff_id', '=', staffId).execute();
}

/** Replaces a staff member's recovery codes by new ones (given as hashes). */
export async function replaceRecoveryCodes(trx: Trx, tenantId: string, staffId: string, codeHashes: string[]): Promise<void> {
  const db = trx;
  await db.deleteFrom('staff_recovery_codes').where('staff_id', '=', staffId).execute();
  await db.insertInto('staff_recovery_codes').values(codeHashes.map((code_hash) => ({ tenant_id: tenantId, staff_id: staffId, code_hash, used_at: null }))).execute();
}

/** Marks an unused recovery code as used; false when there is no such unused code. */
export async function useRecoveryCode(trx: Trx, staffId: string, codeHash: string): Promise<boolean> {
  const result = await trx
        .updateTable('staff_recovery_codes')
    .set({ used_at: new Date() })
    .where('staff_id', '=', staffId)
    .where('code_hash', '=', codeHash)
    .where('used_at', 'is', null)
    .executeTakeFirst();
  return result.numUpdatedRows === 1n;
}

/** Removes a staff member's TOTP enrolment, recovery codes and sessions (reset by an administrator). */
export async function deleteSecondFactor(trx: Trx, staffId: string): Promise<void> {
  const db = trx;
  await db.deleteFrom('staff_recovery_codes').where('staff_id', '=', staffId).execute();
  await db.deleteFrom('staff_totp').where('staff_id', '=', staffId).execute();
  await db.deleteFrom('sessions').where((eb) => eb.or([eb('staff_id', '=', staffId), eb('pending_staff_id', '=', staffId)])).execute();
}
