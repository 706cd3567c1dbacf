import type { AuthenticationResponseJSON, PublicKeyCredentialCreationOptionsJSON, RegistrationResponseJSON } from '@simplewebauthn/server';
import { isUuid } from '../../platform/crypto/tokens.js';
import { inTransaction, type Db } from '../../platform/db/database.js';
import {
  assertionUserHandle, beginRegistration, finishRegistration, takeChallenge, verifyAssertion, type ChallengeOwner, type RelyingParty,
} from '../../platform/auth/webauthn.js';
import { recordAudit } from '../audit/index.js';
import type { Account } from './account.js';
import { findAccount } from './accounts.repository.js';
import { deletePasskey, findCredentialForUpdate, insertPasskey, listPasskeys, recordPasskeyUse, updatePasskeyName } from './passkeys.repository.js';
import type { Passkey } from './sign-in-methods.js';

/** The account's passkeys, the oldest first. */
export function listAccountPasskeys(db: Db, tenantId: string, accountId: string): Promise<Passkey[]> {
  return inTransaction(db, { tenantId, accountId }, (trx) => listPasskeys(trx, accountId));
}

/** Options to create a passkey for the signed-in account; the challenge is bound to the session. */
export async function startPasskeyRegistration(db: Db, rp: RelyingParty, session: ChallengeOwner, account: Account): Promise<PublicKeyCredentialCreationOptionsJSON> {
  const existing = await listAccountPasskeys(db, session.tenantId, account.id);
  return beginRegistration(db, rp, session, { id: account.id, name: account.email }, existing.map((p) => p.credentialId));
}

/** Verifies the browser's new credential against the session's challenge and stores it under the name given; false when refused. */
export async function addPasskey(db: Db, rp: RelyingParty, session: ChallengeOwner, accountId: string, input: { name: string; response: RegistrationResponseJSON }): Promise<boolean> {
  const credential = await finishRegistration(db, rp, session, input.response);
  if (!credential) return false;
  const { tenantId } = session;
  return inTransaction(db, { tenantId, accountId }, async (trx) => {
    const stored = await insertPasskey(trx, { tenantId, accountId, credentialId: credential.id, publicKey: credential.publicKey, counter: credential.counter, transports: credential.transports, name: input.name });
    if (stored) await recordAudit(trx, { tenantId, actor: `account:${accountId}`, action: 'account.passkey_added', subject: `account:${accountId}` });
    return stored;
  });
}

/** Outcome of a passkey sign-in; a failure says no more than that (the log and audit say why). */
export type PasskeySignInResult = { kind: 'signedIn'; accountId: string } | { kind: 'failed' };

/**
 * Signs in with a passkey: the session's challenge is used up, the user handle names the account,
 * whose rows alone are visible in the transaction (another account's credential is not found), and
 * the credential is locked while its signature and counter are checked and the counter advanced.
 */
export async function signInWithPasskey(db: Db, rp: RelyingParty, session: ChallengeOwner, response: AuthenticationResponseJSON): Promise<PasskeySignInResult> {
  const failed = { kind: 'failed' } as const;
  const challenge = await takeChallenge(db, session, 'sign_in');
  const accountId = assertionUserHandle(response);
  if (!challenge || !accountId || !isUuid(accountId)) return failed;
  const { tenantId } = session;
  return inTransaction(db, { tenantId, accountId }, async (trx) => {
    const credential = await findCredentialForUpdate(trx, response.id);
    if (!credential || !(await findAccount(trx, accountId))) return failed;
    const result = await verifyAssertion(rp, challenge, response, credential);
    if (!result.ok) {
      // A valid signature with a counter that went back: the key was copied. Worth an entry.
      if (result.reason === 'counter_regressed') await recordAudit(trx, { tenantId, actor: 'anonymous', action: 'account.passkey_counter_regressed', subject: `account:${accountId}` });
      return failed;
    }
    await recordPasskeyUse(trx, credential.id, result.counter);
    await recordAudit(trx, { tenantId, actor: `account:${accountId}`, action: 'account.login', subject: `account:${accountId}`, details: { method: 'passkey' } });
    return { kind: 'signedIn', accountId } as const;
  });
}

/** Renames a passkey of the account; false when the account has none with this id. */
export function renamePasskey(db: Db, tenantId: string, accountId: string, id: string, name: string): Promise<boolean> {
  return inTransaction(db, { tenantId, accountId }, (trx) => updatePasskeyName(trx, accountId, id, name));
}

/** Removes a passkey of the account; false when the account has none with this id. */
export function removePasskey(db: Db, tenantId: string, accountId: string, id: string): Promise<boolean> {
  return inTransaction(db, { tenantId, accountId }, async (trx) => {
    const removed = await deletePasskey(trx, accountId, id);
    if (removed) await recordAudit(trx, { tenantId, actor: `account:${accountId}`, action: 'account.passkey_removed', subject: `account:${accountId}` });
    return removed;
  });
}
