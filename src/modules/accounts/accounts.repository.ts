import type { Trx } from '../../platform/db/database.js';
import type { Account } from './account.js';

type TokenPurpose = 'verify_email' | 'reset_password';

/** The sign-in record of an e-mail address in a town. */
export function findCredentials(trx: Trx, tenantId: string, email: string) {
  return trx
    .selectFrom('accounts')
    .select(['id', 'password_hash', 'verified_at'])
    .where('tenant_id', '=', tenantId)
    .where('email', '=', email)
    .executeTakeFirst();
}

/** A verified account by id. */
export async function findAccount(trx: Trx, id: string): Promise<Account | undefined> {
  const row = await trx
    .selectFrom('accounts')
    .select(['id', 'email', 'language', 'password_hash'])
    .where('id', '=', id)
    .where('verified_at', 'is not', null)
    .executeTakeFirst();
  return row ? { id: row.id, email: row.email, language: row.language, hasPassword: row.password_hash !== null } : undefined;
}

/** An account by id, confirmed or not: its address and language (for mails) and password hash (to confirm a change with it). */
export function findAccountRecord(trx: Trx, id: string) {
  return trx.selectFrom('accounts').select(['email', 'language', 'verified_at', 'password_hash']).where('id', '=', id).executeTakeFirst();
}

/** Creates an unverified account; undefined when the address is taken (also by a parallel registration). */
export async function insertAccount(trx: Trx, a: { tenantId: string; email: string; passwordHash: string; language: 'de' | 'en' }): Promise<string | undefined> {
  const row = await trx
    .insertInto('accounts')
    .values({ tenant_id: a.tenantId, email: a.email, password_hash: a.passwordHash, language: a.language })
    .onConflict((oc) => oc.columns(['tenant_id', 'email']).doNothing())
    .returning('id')
    .executeTakeFirst();
  return row?.id;
}

/** Sets the account's password hash. */
export async function updatePasswordHash(trx: Trx, id: string, passwordHash: string): Promise<void> {
  await trx.updateTable('accounts').set({ password_hash: passwordHash }).where('id', '=', id).execute();
}

/** Sets the language the account's mails are written in. */
export async function updateAccountLanguage(trx: Trx, id: string, language: 'de' | 'en'): Promise<void> {
  await trx.updateTable('accounts').set({ language }).where('id', '=', id).execute();
}

/** Marks the account's e-mail address as confirmed (the first confirmation counts). */
export async function markVerified(trx: Trx, id: string): Promise<void> {
  await trx.updateTable('accounts').set({ verified_at: new Date() }).where('id', '=', id).where('verified_at', 'is', null).execute();
}

/** Stores a mailed link's token (as its hash). */
export async function insertToken(trx: Trx, t: { tenantId: string; tokenHash: string; accountId: string; purpose: TokenPurpose; expiresAt: Date }): Promise<void> {
  await trx
    .insertInto('account_tokens')
    .values({ tenant_id: t.tenantId, token_hash: t.tokenHash, account_id: t.accountId, purpose: t.purpose, expires_at: t.expiresAt })
    .execute();
}

/** Uses up a valid token of the purpose and returns its account; undefined when unknown, used or expired. */
export async function consumeToken(trx: Trx, tokenHash: string, purpose: TokenPurpose): Promise<string | undefined> {
  const row = await trx
    .updateTable('account_tokens')
    .set({ used_at: new Date() })
    .where('token_hash', '=', tokenHash)
    .where('purpose', '=', purpose)
    .where('used_at', 'is', null)
    .where('expires_at', '>', new Date())
    .returning('account_id')
    .executeTakeFirst();
  return row?.account_id;
}

/** The account of a token of the purpose that is still usable, without using it up. */
export async function findUsableToken(trx: Trx, tokenHash: string, purpose: TokenPurpose): Promise<string | undefined> {
  const row = await trx
    .selectFrom('account_tokens')
    .select('account_id')
    .where('token_hash', '=', tokenHash)
    .where('purpose', '=', purpose)
    .where('used_at', 'is', null)
    .where('expires_at', '>', new Date())
    .executeTakeFirst();
  return row?.account_id;
}

/** Makes the account's other unused links of the purpose worthless (a new one was used). */
export async function expireTokens(trx: Trx, accountId: string, purpose: TokenPurpose): Promise<void> {
  await trx.updateTable('account_tokens').set({ used_at: new Date() }).where('account_id', '=', accountId).where('purpose', '=', purpose).where('used_at', 'is', null).execute();
}
