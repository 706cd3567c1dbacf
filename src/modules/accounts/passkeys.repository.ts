import type { Trx } from '../../platform/db/database.js';
import type { Passkey } from './sign-in-methods.js';

// Every query runs with app.account_id set: row-level security shows an account its own passkeys only.

/** The account's passkeys, the oldest first. */
export async function listPasskeys(trx: Trx, accountId: string): Promise<Passkey[]> {
  const rows = await trx
    .selectFrom('account_passkeys')
    .select(['id', 'name', 'credential_id', 'created_at', 'last_used_at'])
    .where('account_id', '=', accountId)
    .orderBy('created_at')
    .execute();
  return rows.map((r) => ({ id: r.id, name: r.name, credentialId: r.credential_id, createdAt: r.created_at, lastUsedAt: r.last_used_at }));
}

/** One passkey of the account by its id; undefined for another account's or an unknown one. */
export async function findPasskey(trx: Trx, accountId: string, id: string): Promise<Passkey | undefined> {
  return (await listPasskeys(trx, accountId)).find((p) => p.id === id);
}

/** The credential with this id, locked for the sign-in that checks and advances its counter. */
export async function findCredentialForUpdate(trx: Trx, credentialId: string) {
  const row = await trx
    .selectFrom('account_passkeys')
    .select(['id', 'account_id', 'public_key', 'sign_count'])
    .where('credential_id', '=', credentialId)
    .forUpdate()
    .executeTakeFirst();
  return row ? { id: row.id, accountId: row.account_id, publicKey: new Uint8Array(row.public_key), counter: Number(row.sign_count) } : undefined;
}

/** Stores a verified new credential; false when the credential id is taken already. */
export async function insertPasskey(trx: Trx, p: { tenantId: string; accountId: string; credentialId: string; publicKey: Uint8Array; counter: number; transports: string[]; name: string }): Promise<boolean> {
  const row = await trx
    .insertInto('account_passkeys')
    .values({
      tenant_id: p.tenantId, account_id: p.accountId, credential_id: p.credentialId, public_key: Buffer.from(p.publicKey),
      sign_count: p.counter, transports: p.transports, name: p.name,
    })
    .onConflict((oc) => oc.columns(['tenant_id', 'credential_id']).doNothing())
    .returning('id')
    .executeTakeFirst();
  return row !== undefined;
}

/** Notes a sign-in with the passkey: its new counter and when. */
export async function recordPasskeyUse(trx: Trx, id: string, counter: number): Promise<void> {
  await trx.updateTable('account_passkeys').set({ sign_count: counter, last_used_at: new Date() }).where('id', '=', id).execute();
}

/** Renames a passkey of the account; false when the account has none with this id. */
export async function updatePasskeyName(trx: Trx, accountId: string, id: string, name: string): Promise<boolean> {
  const result = await trx.updateTable('account_passkeys').set({ name }).where('account_id', '=', accountId).where('id', '=', id).executeTakeFirst();
  return result.numUpdatedRows === 1n;
}

/** Deletes a passkey of the account; false when the account has none with this id. */
export async function deletePasskey(trx: Trx, accountId: string, id: string): Promise<boolean> {
  const result = await trx.deleteFrom('account_passkeys').where('account_id', '=', accountId).where('id', '=', id).executeTakeFirst();
  return result.numDeletedRows === 1n;
}
