import { hashToken, newToken } from '../../platform/crypto/tokens.js';
import { inTransaction, type Db, type Trx } from '../../platform/db/database.js';
import { recordAudit } from '../audit/index.js';
import { countOpen311Requests, findOpen311Client, insertOpen311Client } from './reports.repository.js';

/** An API client as the Open311 endpoints need it. */
export interface Open311Client { id: string; name: string; requestsPerHour: number }

/**
 * Registers a system that may post reports for a town and returns its new api_key, which is
 * stored only as its SHA-256: whoever registers it sees the key once. Runs as the owner (CLI,
 * town administration) in the caller's transaction.
 */
export async function createOpen311Client(trx: Trx, tenantId: string, input: { name: string; requestsPerHour?: number; actor: string }): Promise<{ id: string; apiKey: string }> {
  const apiKey = newToken();
  const id = await insertOpen311Client(trx, tenantId, { name: input.name, keyHash: hashToken(apiKey), requestsPerHour: input.requestsPerHour });
  await recordAudit(trx, { tenantId, actor: input.actor, action: 'open311.client-created', subject: `open311-client:${id}`, details: { name: input.name } });
  return { id, apiKey };
}

/** The client an api_key belongs to, or undefined for an unknown, malformed or revoked key. */
export async function authenticateOpen311Client(db: Db, tenantId: string, apiKey: string): Promise<Open311Client | undefined> {
  if (!/^[A-Za-z0-9_-]{43}$/.test(apiKey)) return undefined;
  return inTransaction(db, { tenantId }, (trx) => findOpen311Client(trx, hashToken(apiKey)));
}

/** Whether a client has used up its requests of the last hour. */
export async function exceedsOpen311RateLimit(db: Db, tenantId: string, client: Open311Client): Promise<boolean> {
  const since = new Date(Date.now() - 3_600_000);
  return (await inTransaction(db, { tenantId }, (trx) => countOpen311Requests(trx, client.id, since))) >= client.requestsPerHour;
}
