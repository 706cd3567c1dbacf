import type { Selectable } from 'kysely';
import type { Trx } from '../../platform/db/database.js';
import type { Database } from '../../platform/db/schema.js';

/** A town's staff IdP configuration as stored (the client secret still sealed). */
export type StaffIdpRow = Selectable<Database['staff_idps']>;

/** The town's staff IdP configuration, if it has one (the town comes from app.tenant_id). */
export async function findStaffIdpRow(trx: Trx, tenantId: string): Promise<StaffIdpRow | undefined> {
  return trx.selectFrom('staff_idps').selectAll().where('tenant_id', '=', tenantId).executeTakeFirst();
}

/** Stores the town's staff IdP configuration, replacing what was there. */
export async function upsertStaffIdpRow(trx: Trx, row: Omit<StaffIdpRow, 'updated_at'>): Promise<void> {
  const values = { ...row, updated_at: new Date() };
  await trx.insertInto('staff_idps').values(values).onConflict((oc) => oc.column('tenant_id').doUpdateSet(values)).execute();
}

/** Removes the town's staff IdP configuration; false when it had none. */
export async function deleteStaffIdpRow(trx: Trx, tenantId: string): Promise<boolean> {
  const result = await trx.deleteFrom('staff_idps').where('tenant_id', '=', tenantId).executeTakeFirst();
  return result.numDeletedRows === 1n;
}

/** The staff member linked to a subject of an issuer in the town. */
export async function findLinkedStaffId(trx: Trx, tenantId: string, issuer: string, subject: string): Promise<string | undefined> {
  const row = await trx
    .selectFrom('staff_oidc_links')
    .select('staff_id')
    .where('issuer', '=', issuer)
    .where('subject', '=', subject)
    .where('tenant_id', '=', tenantId)
    .executeTakeFirst();
  return row?.staff_id;
}

/** Links a staff member to a subject; false when the account or the subject is linked already. */
export async function insertLink(trx: Trx, link: { tenantId: string; staffId: string; issuer: string; subject: string }): Promise<boolean> {
  const row = await trx
    .insertInto('staff_oidc_links')
    .values({ tenant_id: link.tenantId, staff_id: link.staffId, issuer: link.issuer, subject: link.subject })
    .onConflict((oc) => oc.doNothing())
    .returning('staff_id')
    .executeTakeFirst();
  return row !== undefined;
}

/** Removes links: of one staff member, or (without staffId) all of the town's. Returns how many. */
export async function deleteLinks(trx: Trx, tenantId: string, staffId?: string): Promise<number> {
  let query = trx.deleteFrom('staff_oidc_links').where('tenant_id', '=', tenantId);
  if (staffId) query = query.where('staff_id', '=', staffId);
  return Number((await query.executeTakeFirst()).numDeletedRows);
}

/** How many staff accounts of the town are linked to the issuer. */
export async function countLinks(trx: Trx, tenantId: string, issuer: string): Promise<number> {
  const row = await trx.selectFrom('staff_oidc_links').select((eb) => eb.fn.countAll<number>().as('n')).where('tenant_id', '=', tenantId).where('issuer', '=', issuer).executeTakeFirstOrThrow();
  return Number(row.n);
}

/** The id of the town's staff account with this e-mail address (compared in lower case). */
export async function findStaffIdByEmail(trx: Trx, tenantId: string, email: string): Promise<string | undefined> {
  const row = await trx.selectFrom('staff').select('id').where('tenant_id', '=', tenantId).where('email', '=', email.toLowerCase()).executeTakeFirst();
  return row?.id;
}
