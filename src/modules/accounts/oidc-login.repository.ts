import type { Selectable } from 'kysely';
import type { Trx } from '../../platform/db/database.js';
import type { Database } from '../../platform/db/schema.js';

/** A town's citizen IdP configuration as stored (the client secret still sealed). */
export type AccountIdpRow = Selectable<Database['account_idps']>;

/** The town's citizen IdP configuration, if it has one. */
export async function findAccountIdpRow(trx: Trx, tenantId: string): Promise<AccountIdpRow | undefined> {
  return trx.selectFrom('account_idps').selectAll().where('tenant_id', '=', tenantId).executeTakeFirst();
}

/** Stores the town's citizen IdP configuration, replacing what was there. */
export async function upsertAccountIdpRow(trx: Trx, row: Omit<AccountIdpRow, 'updated_at'>): Promise<void> {
  const values = { ...row, acr_levels: JSON.stringify(row.acr_levels), updated_at: new Date() };
  await trx.insertInto('account_idps').values(values).onConflict((oc) => oc.column('tenant_id').doUpdateSet(values)).execute();
}

/** Removes the town's citizen IdP configuration; false when it had none. */
export async function deleteAccountIdpRow(trx: Trx, tenantId: string): Promise<boolean> {
  const result = await trx.deleteFrom('account_idps').where('tenant_id', '=', tenantId).executeTakeFirst();
  return result.numDeletedRows === 1n;
}

/** The account a subject of an issuer is linked to in the town. */
export async function findLinkedAccountId(trx: Trx, tenantId: string, issuer: string, subject: string): Promise<string | undefined> {
  const row = await trx
    .selectFrom('account_oidc_links')
    .select('account_id')
    .where('issuer', '=', issuer)
    .where('subject', '=', subject)
    .where('tenant_id', '=', tenantId)
    .executeTakeFirst();
  return row?.account_id;
}

/** The account's link to an issuer, if it has one. */
export async function findLinkOfAccount(trx: Trx, tenantId: string, accountId: string, issuer: string): Promise<{ subject: string; linkedAt: Date } | undefined> {
  const row = await trx
    .selectFrom('account_oidc_links')
    .select(['subject', 'linked_at'])
    .where('tenant_id', '=', tenantId)
    .where('account_id', '=', accountId)
    .where('issuer', '=', issuer)
    .executeTakeFirst();
  return row && { subject: row.subject, linkedAt: row.linked_at };
}

/** Every link of an account, to whichever issuer (the town may have changed its IdP). */
export async function listLinksOfAccount(trx: Trx, accountId: string): Promise<Array<{ issuer: string; subject: string; linkedAt: Date }>> {
  const rows = await trx.selectFrom('account_oidc_links').select(['issuer', 'subject', 'linked_at']).where('account_id', '=', accountId).orderBy('linked_at').execute();
  return rows.map((r) => ({ issuer: r.issuer, subject: r.subject, linkedAt: r.linked_at }));
}

/** Links an account to a subject; false when the account or the subject is linked to the issuer already. */
export async function insertAccountLink(trx: Trx, link: { tenantId: string; accountId: string; issuer: string; subject: string }): Promise<boolean> {
  const row = await trx
    .insertInto('account_oidc_links')
    .values({ tenant_id: link.tenantId, account_id: link.accountId, issuer: link.issuer, subject: link.subject })
    .onConflict((oc) => oc.doNothing())
    .returning('account_id')
    .executeTakeFirst();
  return row !== undefined;
}

/** Removes the account's link to an issuer (row-level security lets only the account itself); false when there was none. */
export async function deleteAccountLink(trx: Trx, tenantId: string, accountId: string, issuer: string): Promise<boolean> {
  const result = await trx.deleteFrom('account_oidc_links').where('tenant_id', '=', tenantId).where('account_id', '=', accountId).where('issuer', '=', issuer).executeTakeFirst();
  return result.numDeletedRows === 1n;
}

/** How many accounts of the town are linked to the issuer. */
export async function countAccountLinks(trx: Trx, tenantId: string, issuer: string): Promise<number> {
  const row = await trx.selectFrom('account_oidc_links').select((eb) => eb.fn.countAll<number>().as('n')).where('tenant_id', '=', tenantId).where('issuer', '=', issuer).executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Creates a confirmed account without a password for an address the IdP verified; undefined when the address is taken. */
export async function insertIdpAccount(trx: Trx, a: { tenantId: string; email: string; language: 'de' | 'en' }): Promise<string | undefined> {
  const row = await trx
    .insertInto('accounts')
    .values({ tenant_id: a.tenantId, email: a.email, password_hash: null, verified_at: new Date(), language: a.language })
    .onConflict((oc) => oc.columns(['tenant_id', 'email']).doNothing())
    .returning('id')
    .executeTakeFirst();
  return row?.id;
}

/**
 * Confirms a not yet confirmed account for the person the IdP vouches for, and removes its
 * password: whoever registered it never proved the address, so their password must not open it.
 * False when the account was confirmed meanwhile.
 */
export async function claimUnverifiedAccount(trx: Trx, accountId: string): Promise<boolean> {
  const result = await trx.updateTable('accounts').set({ verified_at: new Date(), password_hash: null }).where('id', '=', accountId).where('verified_at', 'is', null).executeTakeFirst();
  return result.numUpdatedRows === 1n;
}
