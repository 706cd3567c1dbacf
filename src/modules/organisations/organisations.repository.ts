import { sql } from 'kysely';
import type { Trx } from '../../platform/db/database.js';
import type { Memberships, OrganisationRole, OrganisationSummary } from './organisation.js';

/** The account's own memberships (always visible to it). */
export async function findMemberships(trx: Trx, accountId: string): Promise<Memberships> {
  const rows = await trx.selectFrom('organisation_members').select(['organisation_id', 'role']).where('account_id', '=', accountId).execute();
  return { organisationIds: rows.map((r) => r.organisation_id), ownedOrganisationIds: rows.filter((r) => r.role === 'owner').map((r) => r.organisation_id) };
}

/** The organisations of the account with its role, by name. */
export function listOrganisations(trx: Trx, accountId: string): Promise<OrganisationSummary[]> {
  return trx
    .selectFrom('organisations as o')
    .innerJoin('organisation_members as m', (join) => join.onRef('m.organisation_id', '=', 'o.id').onRef('m.tenant_id', '=', 'o.tenant_id'))
    .select(['o.id', 'o.name', 'm.role'])
    .where('m.account_id', '=', accountId)
    .orderBy('o.name')
    .execute();
}

/** Creates an organisation founded by the account. */
export async function insertOrganisation(trx: Trx, o: { tenantId: string; name: string; accountId: string }): Promise<string> {
  const row = await trx.insertInto('organisations').values({ tenant_id: o.tenantId, name: o.name, created_by: o.accountId }).returning('id').executeTakeFirstOrThrow();
  return row.id;
}

/** Adds a member (founder or invitee: the insert policy checks which). */
export async function insertMember(trx: Trx, m: { tenantId: string; organisationId: string; accountId: string; role: OrganisationRole }): Promise<void> {
  await trx.insertInto('organisation_members').values({ tenant_id: m.tenantId, organisation_id: m.organisationId, account_id: m.accountId, role: m.role }).execute();
}

/** An organisation the actor belongs to. */
export function findOrganisation(trx: Trx, id: string) {
  return trx.selectFrom('organisations').select(['id', 'name']).where('id', '=', id).executeTakeFirst();
}

/**
 * Serialises changes of an organisation's members until the transaction ends. An advisory lock, not
 * FOR UPDATE: row-level security lets only owners lock the row, and members leave too.
 */
export async function lockMembership(trx: Trx, organisationId: string): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtextextended(${`organisation:${organisationId}`}, 0))`.execute(trx);
}

/** The members of an organisation with their addresses, owners first. */
export function listMembers(trx: Trx, organisationId: string) {
  return trx
    .selectFrom('organisation_members as m')
    .innerJoin('accounts as a', (join) => join.onRef('a.id', '=', 'm.account_id').onRef('a.tenant_id', '=', 'm.tenant_id'))
    .select(['m.account_id', 'a.email', 'm.role', 'm.joined_at'])
    .where('m.organisation_id', '=', organisationId)
    .orderBy('m.role', 'desc')
    .orderBy('a.email')
    .execute();
}

/** The open invitations of an organisation. */
export function listOpenInvitations(trx: Trx, organisationId: string) {
  return trx
    .selectFrom('organisation_invitations')
    .select(['id', 'email', 'role', 'expires_at'])
    .where('organisation_id', '=', organisationId)
    .where('accepted_at', 'is', null)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', new Date())
    .orderBy('created_at')
    .execute();
}

/** Stores an invitation (its token only as hash). */
export async function insertInvitation(trx: Trx, i: { tenantId: string; tokenHash: string; organisationId: string; organisationName: string; email: string; role: OrganisationRole; invitedBy: string; expiresAt: Date }): Promise<void> {
  await trx
    .insertInto('organisation_invitations')
    .values({
      tenant_id: i.tenantId, token_hash: i.tokenHash, organisation_id: i.organisationId, organisation_name: i.organisationName,
      email: i.email, role: i.role, invited_by: i.invitedBy, expires_at: i.expiresAt,
    })
    .execute();
}

/** An open, unexpired invitation by its token's hash. */
export function findOpenInvitation(trx: Trx, tokenHash: string) {
  return trx
    .selectFrom('organisation_invitations')
    .select(['id', 'organisation_id', 'organisation_name', 'email', 'role'])
    .where('token_hash', '=', tokenHash)
    .where('accepted_at', 'is', null)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', new Date())
    .executeTakeFirst();
}

/** Marks an invitation accepted by the account; false when it was closed meanwhile. */
export async function markAccepted(trx: Trx, id: string, accountId: string): Promise<boolean> {
  const result = await trx
    .updateTable('organisation_invitations')
    .set({ accepted_by: accountId, accepted_at: new Date() })
    .where('id', '=', id)
    .where('accepted_at', 'is', null)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Revokes an open invitation of the organisation; false when there is none. */
export async function markRevoked(trx: Trx, organisationId: string, id: string): Promise<boolean> {
  const result = await trx
    .updateTable('organisation_invitations')
    .set({ revoked_at: new Date() })
    .where('id', '=', id)
    .where('organisation_id', '=', organisationId)
    .where('accepted_at', 'is', null)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Changes a member's role; false when the account is no member. */
export async function updateRole(trx: Trx, organisationId: string, accountId: string, role: OrganisationRole): Promise<boolean> {
  const result = await trx.updateTable('organisation_members').set({ role }).where('organisation_id', '=', organisationId).where('account_id', '=', accountId).executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Removes a member; false when the account is no member. */
export async function deleteMember(trx: Trx, organisationId: string, accountId: string): Promise<boolean> {
  const result = await trx.deleteFrom('organisation_members').where('organisation_id', '=', organisationId).where('account_id', '=', accountId).executeTakeFirst();
  return Number(result.numDeletedRows) === 1;
}

/** Dissolves an organisation (its memberships and invitations go with it; its applications stay, without it). */
export async function deleteOrganisation(trx: Trx, organisationId: string): Promise<void> {
  await trx.deleteFrom('organisations').where('id', '=', organisationId).execute();
}
