import { hashToken, newToken } from '../../platform/crypto/tokens.js';
import { inTransaction, type Db, type Trx } from '../../platform/db/database.js';
import { recordAudit } from '../audit/index.js';
import { countOpen311Requests, findOpen311Client, insertOpen311Client, listOpen311Clients, revokeOpen311Client } from './reports.repository.js';

/** An API client as the Open311 endpoints need it. */
export interface Open311Client { id: string; name: string; requestsPerHour: number; moderated: boolean }

/**
 * Registers a system that may post reports for a town and returns its new api_key, which is
 * stored only as its SHA-256: whoever registers it sees the key once. Runs as the owner (CLI,
 * town administration) in the caller's transaction.
 */
export async function createOpen311Client(trx: Trx, tenantId: string, input: { name: string; requestsPerHour?: number; moderated?: boolean; actor: string }): Promise<{ id: string; apiKey: string }> {
  const apiKey = newToken();
  const id = await insertOpen311Client(trx, tenantId, { name: input.name, keyHash: hashToken(apiKey), requestsPerHour: input.requestsPerHour, moderated: input.moderated });
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

/** Why a client was not registered, by form field. */
export type ClientProblem = { name?: 'nameMissing' | 'nameTooLong' | 'nameTaken'; perHour?: 'perHourInvalid' };

/** Checks the registration form: a name (at most 120 characters) and optionally requests per hour (1 to 99 999, default 100). */
export function checkClientInput(input: { name: string; perHour: string }): { ok: true; name: string; requestsPerHour?: number } | { ok: false; problems: ClientProblem } {
  const name = input.name.trim();
  const problems: ClientProblem = {};
  if (!name) problems.name = 'nameMissing';
  else if (name.length > 120) problems.name = 'nameTooLong';
  const perHour = input.perHour.trim();
  if (perHour && !/^[1-9][0-9]{0,4}$/.test(perHour)) problems.perHour = 'perHourInvalid';
  if (problems.name || problems.perHour) return { ok: false, problems };
  return { ok: true, name, ...(perHour ? { requestsPerHour: Number(perHour) } : {}) };
}

/**
 * Registers a client for a town admin or the command line (the caller checked who may; `actor` as
 * the audit log names it): refused when the town has a client of that name already. Returns the
 * key, shown once.
 */
export async function registerOpen311Client(db: Db, tenantId: string, actor: string, input: { name: string; requestsPerHour?: number; moderated?: boolean }): Promise<{ ok: true; apiKey: string } | { ok: false; problems: ClientProblem }> {
  return inTransaction(db, { tenantId }, async (trx) => {
    const clients = await listOpen311Clients(trx);
    if (clients.some((c) => c.name === input.name)) return { ok: false, problems: { name: 'nameTaken' } };
    const { apiKey } = await createOpen311Client(trx, tenantId, { ...input, actor });
    return { ok: true, apiKey };
  });
}

/** The town's API clients for the admin page. */
export function loadOpen311Clients(db: Db, tenantId: string) {
  return inTransaction(db, { tenantId }, (trx) => listOpen311Clients(trx));
}

/** Revokes a client's key at once (its posts are refused from then on); false for an unknown or revoked client. */
export async function revokeClient(db: Db, tenantId: string, staffId: string, clientId: string): Promise<boolean> {
  return inTransaction(db, { tenantId }, async (trx) => {
    if (!(await revokeOpen311Client(trx, clientId))) return false;
    await recordAudit(trx, { tenantId, actor: `staff:${staffId}`, action: 'open311.client-revoked', subject: `open311-client:${clientId}` });
    return true;
  });
}
