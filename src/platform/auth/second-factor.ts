import { sql } from 'kysely';
import { hashToken } from '../crypto/tokens.js';
import { openSecret, sealSecret } from '../crypto/secret-box.js';
import { inTransaction, type Actor, type Db, type Trx } from '../db/database.js';
import { lockMinutes, matchTotpStep, maxFailedAttempts, newRecoveryCodes, newTotpSecret, normalizeRecoveryCode, type SecondFactorResult } from './totp.js';

/**
 * TOTP as a second factor with recovery codes (ADR 0008), the same rules for every kind of owner:
 * staff members (required) and citizen accounts (optional, ADR 0017). Each kind keeps its rows in
 * its own tables, so that foreign keys and row-level security stay those of its owner.
 */

/** Whose second factor it is; each kind has its own two tables. */
export type TotpOwnerKind = 'staff' | 'account';

// The tables of each kind: the enrolment (one row per owner) and the recovery codes.
const tables = {
  staff: { enrolment: 'staff_totp', recoveryCodes: 'staff_recovery_codes', owner: 'staff_id' },
  account: { enrolment: 'account_totp', recoveryCodes: 'account_recovery_codes', owner: 'account_id' },
} as const;

/** An event the owner's module records in the audit log. */
export type SecondFactorEvent = 'second_factor_enrolled' | 'second_factor_locked';

/** One owner of a second factor, as the shared rules need to know them. */
export interface TotpOwner {
  kind: TotpOwnerKind;
  id: string;
  /** The transaction settings under which the owner's rows are visible (row-level security). */
  actor: Actor;
  /** Records an event in the audit log, in the transaction of the attempt. */
  record(trx: Trx, event: SecondFactorEvent): Promise<void>;
}

/** Where an owner stands with the second factor. */
export interface SecondFactorState {
  enrolled: boolean;
  lockedUntil: Date | null;
}

/** An enrolment as stored (the secret still sealed). */
interface Enrolment {
  secret_sealed: string;
  confirmed_at: Date | null;
  last_time_step: number | null;
  failed_attempts: number;
  locked_until: Date | null;
}

// The secret is bound to its owner: a sealed value copied to another row does not open. (Staff
// secrets were sealed under this context before accounts had one, so it must stay as it is.)
const sealingContext = (owner: TotpOwner) => `${tables[owner.kind].enrolment}:${owner.actor.tenantId}:${owner.id}`;

function findEnrolment(trx: Trx, owner: TotpOwner, options: { forUpdate?: boolean } = {}): Promise<Enrolment | undefined> {
  const t = tables[owner.kind];
  const lock = options.forUpdate ? sql`for update` : sql``;
  return sql<Enrolment>`
    select secret_sealed, confirmed_at, last_time_step, failed_attempts, locked_until from ${sql.table(t.enrolment)}
    where tenant_id = ${owner.actor.tenantId} and ${sql.ref(t.owner)} = ${owner.id} ${lock}`.execute(trx).then((r) => r.rows[0]);
}

/** Writes the enrolment's state after an attempt (the row is locked, so the whole state is written). */
async function saveEnrolment(trx: Trx, owner: TotpOwner, e: Omit<Enrolment, 'secret_sealed'>): Promise<void> {
  const t = tables[owner.kind];
  await sql`
    update ${sql.table(t.enrolment)} set confirmed_at = ${e.confirmed_at}, last_time_step = ${e.last_time_step},
      failed_attempts = ${e.failed_attempts}, locked_until = ${e.locked_until}
    where tenant_id = ${owner.actor.tenantId} and ${sql.ref(t.owner)} = ${owner.id}`.execute(trx);
}

/** The second-factor state of an owner (not enrolled when nothing is stored or not confirmed). */
export async function findSecondFactorState(db: Db, owner: TotpOwner): Promise<SecondFactorState> {
  const row = await inTransaction(db, owner.actor, (trx) => findEnrolment(trx, owner));
  return { enrolled: Boolean(row?.confirmed_at), lockedUntil: row?.locked_until && row.locked_until > new Date() ? row.locked_until : null };
}

/**
 * The secret to show for enrolment: a new one, or the one shown before if the enrolment was not
 * confirmed yet (the app may hold it already). Null once enrolment is confirmed.
 */
export function startTotpEnrolment(db: Db, key: Buffer, owner: TotpOwner): Promise<string | null> {
  const t = tables[owner.kind];
  return inTransaction(db, owner.actor, async (trx) => {
    await sql`
      insert into ${sql.table(t.enrolment)} (tenant_id, ${sql.ref(t.owner)}, secret_sealed)
      values (${owner.actor.tenantId}, ${owner.id}, ${sealSecret(key, newTotpSecret(), sealingContext(owner))})
      on conflict do nothing`.execute(trx);
    const row = (await findEnrolment(trx, owner))!;
    return row.confirmed_at ? null : openSecret(key, row.secret_sealed, sealingContext(owner));
  });
}

/**
 * Runs one second-factor attempt with the enrolment row locked, so parallel attempts neither
 * reuse a code nor escape the failure count. While the lock lasts nothing is checked at all.
 * `check` may change the enrolment it is given (confirmation, last time step); it is saved after.
 */
function attemptSecondFactor(db: Db, owner: TotpOwner, check: (trx: Trx, row: Enrolment) => Promise<Exclude<SecondFactorResult, 'locked'>>): Promise<SecondFactorResult> {
  return inTransaction(db, owner.actor, async (trx) => {
    const row = await findEnrolment(trx, owner, { forUpdate: true });
    if (!row) return 'wrong';
    if (row.locked_until && row.locked_until > new Date()) return 'locked';
    const result = await check(trx, row);
    if (result === 'accepted') {
      await saveEnrolment(trx, owner, { ...row, failed_attempts: 0, locked_until: null });
      return result;
    }
    const failed = row.failed_attempts + 1;
    if (failed < maxFailedAttempts) {
      await saveEnrolment(trx, owner, { ...row, failed_attempts: failed });
      return result;
    }
    await saveEnrolment(trx, owner, { ...row, failed_attempts: 0, locked_until: new Date(Date.now() + lockMinutes * 60_000) });
    await owner.record(trx, 'second_factor_locked');
    return 'locked';
  });
}

/** Checks a TOTP code against the secret; a code of the last accepted time step or an earlier one is a replay. */
async function checkTotp(key: Buffer, owner: TotpOwner, row: Enrolment, code: string): Promise<'accepted' | 'wrong' | 'replayed'> {
  const step = await matchTotpStep(openSecret(key, row.secret_sealed, sealingContext(owner)), code);
  if (step === null) return 'wrong';
  if (row.last_time_step !== null && step <= row.last_time_step) return 'replayed';
  row.last_time_step = step;
  return 'accepted';
}

/**
 * Confirms enrolment with the first code from the app; on success returns the ten recovery codes,
 * the only time they exist in plain text.
 */
export async function confirmTotpEnrolment(db: Db, key: Buffer, owner: TotpOwner, code: string): Promise<{ result: SecondFactorResult; recoveryCodes: string[] }> {
  const recoveryCodes = newRecoveryCodes();
  const t = tables[owner.kind];
  const result = await attemptSecondFactor(db, owner, async (trx, row) => {
    if (row.confirmed_at) return 'wrong';
    const checked = await checkTotp(key, owner, row, code);
    if (checked !== 'accepted') return checked;
    row.confirmed_at = new Date();
    await sql`delete from ${sql.table(t.recoveryCodes)} where tenant_id = ${owner.actor.tenantId} and ${sql.ref(t.owner)} = ${owner.id}`.execute(trx);
    for (const recoveryCode of recoveryCodes) {
      await sql`insert into ${sql.table(t.recoveryCodes)} (tenant_id, ${sql.ref(t.owner)}, code_hash)
        values (${owner.actor.tenantId}, ${owner.id}, ${hashToken(normalizeRecoveryCode(recoveryCode)!)})`.execute(trx);
    }
    await owner.record(trx, 'second_factor_enrolled');
    return 'accepted';
  });
  return { result, recoveryCodes: result === 'accepted' ? recoveryCodes : [] };
}

/** Checks a code from the app of an enrolled owner. */
export function verifyTotpCode(db: Db, key: Buffer, owner: TotpOwner, code: string): Promise<SecondFactorResult> {
  return attemptSecondFactor(db, owner, (_trx, row) => (row.confirmed_at ? checkTotp(key, owner, row, code) : Promise.resolve('wrong')));
}

/** Accepts an unused recovery code, once; a wrong one counts towards the lock like a wrong code from the app. */
export function redeemRecoveryCode(db: Db, owner: TotpOwner, input: string): Promise<SecondFactorResult> {
  const code = normalizeRecoveryCode(input);
  const t = tables[owner.kind];
  return attemptSecondFactor(db, owner, async (trx, row) => {
    if (!row.confirmed_at || !code) return 'wrong';
    const used = await sql`
      update ${sql.table(t.recoveryCodes)} set used_at = now()
      where tenant_id = ${owner.actor.tenantId} and ${sql.ref(t.owner)} = ${owner.id} and code_hash = ${hashToken(code)} and used_at is null`.execute(trx);
    return used.numAffectedRows === 1n ? 'accepted' : 'wrong';
  });
}

/** Removes an owner's enrolment and recovery codes (turned off, or reset by an administrator). */
export async function deleteSecondFactor(trx: Trx, owner: Pick<TotpOwner, 'kind' | 'id' | 'actor'>): Promise<void> {
  const t = tables[owner.kind];
  await sql`delete from ${sql.table(t.recoveryCodes)} where tenant_id = ${owner.actor.tenantId} and ${sql.ref(t.owner)} = ${owner.id}`.execute(trx);
  await sql`delete from ${sql.table(t.enrolment)} where tenant_id = ${owner.actor.tenantId} and ${sql.ref(t.owner)} = ${owner.id}`.execute(trx);
}
