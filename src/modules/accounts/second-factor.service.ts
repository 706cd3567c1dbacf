import { deleteSecondFactor, verifyTotpCode, type TotpOwner } from '../../platform/auth/second-factor.js';
import type { SecondFactorResult } from '../../platform/auth/totp.js';
import { inTransaction, type Db } from '../../platform/db/database.js';
import { recordAudit } from '../audit/index.js';
import type { Account } from './account.js';
import { signInWithPassword, type SignInResult } from './accounts.service.js';

/**
 * TOTP as an optional second factor of a citizen account, on the rules staff have (ADR 0008,
 * src/platform/auth/second-factor.ts), and the password asked again before sign-in methods change.
 */

/** The account as the owner of a second factor (for src/platform/auth/second-factor.ts); its rows are visible under its own id only. */
export function accountTotpOwner(tenantId: string, accountId: string): TotpOwner {
  return {
    kind: 'account',
    id: accountId,
    actor: { tenantId, accountId },
    record: (trx, event) => recordAudit(trx, { tenantId, actor: `account:${accountId}`, action: `account.${event}`, subject: `account:${accountId}` }),
  };
}

/**
 * The account's password asked again (before sign-in methods change, or to turn TOTP off): checked
 * like a sign-in, under the same back-off, so a session left open cannot be used to guess it.
 */
export async function confirmPassword(db: Db, tenantId: string, account: Account, password: string, clientAddress: string): Promise<SignInResult> {
  const result = await signInWithPassword(db, tenantId, { email: account.email, password, clientAddress });
  // The address is the account's own, so "signed in" can only mean this account.
  return result.kind === 'signedIn' && result.accountId !== account.id ? { kind: 'failed' } : result;
}

/** Why turning TOTP off was refused. */
export type TurnOffRefusal = { proof: 'code'; result: Exclude<SecondFactorResult, 'accepted'> } | { proof: 'password'; result: Exclude<SignInResult, { kind: 'signedIn' }> };

/**
 * Turns TOTP off, which takes a current code from the app (refused as a replay like at sign-in) or
 * the password; the recovery codes go with it.
 */
export async function turnOffTotp(db: Db, key: Buffer, tenantId: string, account: Account, proof: { code: string } | { password: string; clientAddress: string }): Promise<TurnOffRefusal | null> {
  if ('code' in proof) {
    const result = await verifyTotpCode(db, key, accountTotpOwner(tenantId, account.id), proof.code);
    if (result !== 'accepted') return { proof: 'code', result };
  } else {
    const result = await confirmPassword(db, tenantId, account, proof.password, proof.clientAddress);
    if (result.kind !== 'signedIn') return { proof: 'password', result };
  }
  await inTransaction(db, { tenantId, accountId: account.id }, async (trx) => {
    await deleteSecondFactor(trx, accountTotpOwner(tenantId, account.id));
    await recordAudit(trx, { tenantId, actor: `account:${account.id}`, action: 'account.second_factor_turned_off', subject: `account:${account.id}` });
  });
  return null;
}
