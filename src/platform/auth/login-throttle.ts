import { sql } from 'kysely';
import { hashToken } from '../crypto/tokens.js';
import type { Trx } from '../db/database.js';

/**
 * Exponential back-off for sign-in: after `freeFailures` failed attempts for a key, each further
 * failure blocks it for twice as long as the one before (2 s, 4 s, 8 s, … up to 15 minutes).
 * A key is an e-mail address as typed (known or not) or a client address; an address gets more
 * free failures, as several people may share it. Failures are forgotten after a quiet day.
 */
const policies = {
  email: { freeFailures: 5 },
  client: { freeFailures: 20 },
} as const;
const maxBlockSeconds = 15 * 60;
const forgetAfterMs = 24 * 3_600_000;

/** What a sign-in attempt is throttled by. */
export interface ThrottleKeys {
  email: string;
  clientAddress: string;
}

function keyHashes(keys: ThrottleKeys): Array<{ hash: string; kind: keyof typeof policies }> {
  return [
    { hash: hashToken(`email:${keys.email.trim().toLowerCase()}`), kind: 'email' },
    { hash: hashToken(`client:${keys.clientAddress}`), kind: 'client' },
  ];
}

/** Until when sign-in is blocked for these keys, or null when an attempt may be made now. */
export async function loginBlockedUntil(trx: Trx, tenantId: string, keys: ThrottleKeys, now = new Date()): Promise<Date | null> {
  const rows = await trx
    .selectFrom('login_throttle')
    .select('blocked_until')
    .where('tenant_id', '=', tenantId)
    .where('key_hash', 'in', keyHashes(keys).map((k) => k.hash))
    .where('blocked_until', '>', now)
    .execute();
  const until = rows.map((r) => r.blocked_until!.getTime());
  return until.length ? new Date(Math.max(...until)) : null;
}

/** Counts a failed attempt against both keys, blocking those past their free failures. */
export async function recordLoginFailure(trx: Trx, tenantId: string, keys: ThrottleKeys, now = new Date()): Promise<void> {
  const forgotten = new Date(now.getTime() - forgetAfterMs);
  for (const key of keyHashes(keys)) {
    const free = policies[key.kind].freeFailures;
    // One statement, so parallel failures each count (the row is locked by the upsert).
    await sql`
      insert into login_throttle (tenant_id, key_hash, failures, blocked_until, last_failure_at)
      values (${tenantId}, ${key.hash}, 1, null, ${now})
      on conflict (tenant_id, key_hash) do update set
        failures = case when login_throttle.last_failure_at < ${forgotten} then 1 else login_throttle.failures + 1 end,
        last_failure_at = excluded.last_failure_at,
        blocked_until = case
          when login_throttle.last_failure_at < ${forgotten} or login_throttle.failures + 1 <= ${free} then null
          else ${now}::timestamptz + least(${maxBlockSeconds}, power(2, least(login_throttle.failures + 1 - ${free}, 20))) * interval '1 second'
        end`.execute(trx);
  }
}

/** A successful sign-in clears the address's count (the client's stays: it may be guessing many). */
export async function clearLoginFailures(trx: Trx, tenantId: string, keys: ThrottleKeys): Promise<void> {
  await trx.deleteFrom('login_throttle').where('tenant_id', '=', tenantId).where('key_hash', '=', keyHashes(keys)[0]!.hash).execute();
}
