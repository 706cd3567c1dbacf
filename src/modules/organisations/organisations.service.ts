import { hashToken, newToken } from '../../platform/crypto/tokens.js';
import { inTransaction, type Actor, type Db, type Trx } from '../../platform/db/database.js';
import { enqueueJob } from '../../platform/jobs/jobs.js';
import { recordAudit } from '../audit/index.js';
import type { AccountDataSection } from '../accounts/index.js';
import { t } from './organisations.i18n.js';
import { invitationDays, succession, type OrganisationDetail, type OrganisationRole, type OrganisationSummary, type Succession } from './organisation.js';
import {
  deleteMember, deleteOrganisation, findMemberships, findOpenInvitation, findOrganisation, insertInvitation, lockMembership, insertMember, insertOrganisation, listMembers,
  listOpenInvitations, listOrganisations, markAccepted, markRevoked, updateRole,
} from './organisations.repository.js';

/** Job kind of the invitation mail. */
export const organisationInvitationJob = 'organisation.invitation';

/** Why a change of an organisation was refused. */
export type OrganisationRefusal = 'notFound' | 'notOwner' | 'lastOwner' | 'alreadyMember' | 'alreadyInvited';

/** The actor of an account with its memberships, so row-level security shows its organisations. */
export async function accountActor(db: Db, tenantId: string, accountId: string): Promise<Actor> {
  const memberships = await inTransaction(db, { tenantId, accountId }, (trx) => findMemberships(trx, accountId));
  return { tenantId, accountId, ...memberships };
}

/** Runs fn as the account with its memberships, in one transaction. */
async function asAccount<T>(db: Db, tenantId: string, accountId: string, fn: (trx: Trx, actor: Actor) => Promise<T>): Promise<T> {
  const actor = await accountActor(db, tenantId, accountId);
  return inTransaction(db, actor, (trx) => fn(trx, actor));
}

/** The organisations the account belongs to. */
export function listMyOrganisations(db: Db, tenantId: string, accountId: string): Promise<OrganisationSummary[]> {
  return asAccount(db, tenantId, accountId, (trx) => listOrganisations(trx, accountId));
}

/** Founds an organisation with the account as its first owner. */
export async function foundOrganisation(db: Db, tenantId: string, accountId: string, name: string): Promise<string> {
  return inTransaction(db, { tenantId, accountId }, async (trx) => {
    const id = await insertOrganisation(trx, { tenantId, name, accountId });
    await insertMember(trx, { tenantId, organisationId: id, accountId, role: 'owner' });
    await recordAudit(trx, { tenantId, actor: `account:${accountId}`, action: 'organisation.founded', subject: `organisation:${id}` });
    return id;
  });
}

/** An organisation the account belongs to, with members (and, for owners, open invitations); null otherwise. */
export function findOrganisationForMember(db: Db, tenantId: string, accountId: string, organisationId: string): Promise<OrganisationDetail | null> {
  return asAccount(db, tenantId, accountId, async (trx, actor) => {
    const organisation = await findOrganisation(trx, organisationId);
    if (!organisation) return null;
    const members = await listMembers(trx, organisationId);
    const role = members.find((m) => m.account_id === accountId)?.role;
    if (!role) return null;
    const owner = actor.ownedOrganisationIds!.includes(organisationId);
    return {
      id: organisation.id, name: organisation.name, role,
      members: members.map((m) => ({ accountId: m.account_id, email: m.email, role: m.role, joinedAt: m.joined_at, isMe: m.account_id === accountId })),
      invitations: owner ? (await listOpenInvitations(trx, organisationId)).map((i) => ({ id: i.id, email: i.email, role: i.role, expiresAt: i.expires_at })) : [],
    };
  });
}

/**
 * Runs an owner's change with the organisation locked, so two owners demoting each other at the
 * same time cannot leave it without an owner.
 */
function asOwner<T>(db: Db, tenantId: string, accountId: string, organisationId: string, fn: (trx: Trx, members: Awaited<ReturnType<typeof listMembers>>) => Promise<T | OrganisationRefusal>): Promise<T | OrganisationRefusal> {
  return asAccount(db, tenantId, accountId, async (trx) => {
    await lockMembership(trx, organisationId);
    if (!(await findOrganisation(trx, organisationId))) return 'notFound';
    // The role as of now, after the lock: the actor's memberships were read before it.
    const members = await listMembers(trx, organisationId);
    if (members.find((m) => m.account_id === accountId)?.role !== 'owner') return 'notOwner';
    return fn(trx, members);
  });
}

/** Invites an address into the organisation (owners only); the mail goes out after commit. */
export function inviteMember(db: Db, tenantId: string, accountId: string, organisationId: string, input: { email: string; role: OrganisationRole }): Promise<'invited' | OrganisationRefusal> {
  return asOwner(db, tenantId, accountId, organisationId, async (trx, members) => {
    if (members.some((m) => m.email === input.email)) return 'alreadyMember';
    if ((await listOpenInvitations(trx, organisationId)).some((i) => i.email === input.email)) return 'alreadyInvited';
    const organisation = (await findOrganisation(trx, organisationId))!;
    const token = newToken();
    const expiresAt = new Date(Date.now() + invitationDays * 86_400_000);
    await insertInvitation(trx, { tenantId, tokenHash: hashToken(token), organisationId, organisationName: organisation.name, email: input.email, role: input.role, invitedBy: accountId, expiresAt });
    await enqueueJob(trx, { tenantId, kind: organisationInvitationJob, payload: { to: input.email, token, organisation: organisation.name, expiresAt: expiresAt.toISOString() } });
    await recordAudit(trx, { tenantId, actor: `account:${accountId}`, action: 'organisation.member_invited', subject: `organisation:${organisationId}`, details: { role: input.role } });
    return 'invited' as const;
  });
}

/** Revokes an open invitation (owners only). */
export function revokeInvitation(db: Db, tenantId: string, accountId: string, organisationId: string, invitationId: string): Promise<'revoked' | OrganisationRefusal> {
  return asOwner(db, tenantId, accountId, organisationId, async (trx) => ((await markRevoked(trx, organisationId, invitationId)) ? 'revoked' as const : 'notFound'));
}

/** Changes a member's role (owners only); the last owner stays an owner. */
export function changeMemberRole(db: Db, tenantId: string, accountId: string, organisationId: string, memberId: string, role: OrganisationRole): Promise<'changed' | OrganisationRefusal> {
  return asOwner(db, tenantId, accountId, organisationId, async (trx, members) => {
    const member = members.find((m) => m.account_id === memberId);
    if (!member) return 'notFound';
    if (member.role === 'owner' && role !== 'owner' && members.filter((m) => m.role === 'owner').length === 1) return 'lastOwner';
    await updateRole(trx, organisationId, memberId, role);
    await recordAudit(trx, { tenantId, actor: `account:${accountId}`, action: 'organisation.role_changed', subject: `organisation:${organisationId}`, details: { member: memberId, role } });
    return 'changed' as const;
  });
}

/** Removes a member (owners), or the account itself leaves; the last owner cannot go. */
export function removeMember(db: Db, tenantId: string, accountId: string, organisationId: string, memberId: string): Promise<'removed' | OrganisationRefusal> {
  return asAccount(db, tenantId, accountId, async (trx) => {
    await lockMembership(trx, organisationId);
    if (!(await findOrganisation(trx, organisationId))) return 'notFound';
    const members = await listMembers(trx, organisationId);
    if (memberId !== accountId && members.find((m) => m.account_id === accountId)?.role !== 'owner') return 'notOwner';
    const member = members.find((m) => m.account_id === memberId);
    if (!member) return 'notFound';
    if (member.role === 'owner' && members.filter((m) => m.role === 'owner').length === 1) return 'lastOwner';
    await deleteMember(trx, organisationId, memberId);
    await recordAudit(trx, { tenantId, actor: `account:${accountId}`, action: memberId === accountId ? 'organisation.member_left' : 'organisation.member_removed', subject: `organisation:${organisationId}`, details: { member: memberId } });
    return 'removed' as const;
  });
}

/** An open invitation as its recipient sees it before accepting. */
export function findInvitation(db: Db, tenantId: string, token: string) {
  return inTransaction(db, { tenantId }, (trx) => findOpenInvitation(trx, hashToken(token)));
}

/**
 * Accepts an invitation for the signed-in account: only the account with the address it was sent
 * to may, and only once. Returns the organisation's id when accepted.
 */
export async function acceptInvitation(db: Db, tenantId: string, account: { id: string; email: string }, token: string): Promise<{ organisationId: string } | 'invalid' | 'otherAddress' | 'alreadyMember'> {
  return inTransaction(db, { tenantId, accountId: account.id }, async (trx) => {
    const invitation = await findOpenInvitation(trx, hashToken(token));
    if (!invitation) return 'invalid';
    if (invitation.email !== account.email) return 'otherAddress';
    const memberships = await findMemberships(trx, account.id);
    if (memberships.organisationIds.includes(invitation.organisation_id)) return 'alreadyMember';
    if (!(await markAccepted(trx, invitation.id, account.id))) return 'invalid';
    await insertMember(trx, { tenantId, organisationId: invitation.organisation_id, accountId: account.id, role: invitation.role });
    await recordAudit(trx, { tenantId, actor: `account:${account.id}`, action: 'organisation.member_joined', subject: `organisation:${invitation.organisation_id}`, details: { role: invitation.role } });
    return { organisationId: invitation.organisation_id };
  });
}

/** What deleting the account would mean for each of its organisations, as of now. */
function planSuccessions(trx: Trx, accountId: string): Promise<Succession[]> {
  return listOrganisations(trx, accountId).then((organisations) =>
    Promise.all(organisations.map(async (o) => succession(o, accountId, await listMembers(trx, o.id)))));
}

/**
 * Before an account is deleted: no organisation it alone owns is left without an owner. The
 * longest-standing member inherits the ownership; an organisation with nobody else in it is
 * dissolved (its applications stay with the town, naming it). Each organisation is locked as for
 * any change of members, and its members are read after the lock.
 */
async function settleOrganisations(db: Db, tenantId: string, accountId: string): Promise<void> {
  await asAccount(db, tenantId, accountId, async (trx, actor) => {
    for (const organisationId of actor.ownedOrganisationIds!) await lockMembership(trx, organisationId);
    for (const s of await planSuccessions(trx, accountId)) {
      if (s.outcome === 'leaves') continue;
      if (s.outcome === 'dissolved') await deleteOrganisation(trx, s.organisationId);
      else await updateRole(trx, s.organisationId, s.heir.accountId, 'owner');
      await recordAudit(trx, {
        tenantId, actor: `account:${accountId}`, subject: `organisation:${s.organisationId}`,
        action: s.outcome === 'dissolved' ? 'organisation.dissolved' : 'organisation.ownership_inherited',
        details: s.outcome === 'handedOver' ? { heir: s.heir.accountId } : undefined,
      });
    }
  });
}

/** The account's memberships for its data export, and what its deletion means for them. */
export const organisationsDataSection: AccountDataSection = {
  name: 'organisations',
  async collect(trx, accountId) {
    const rows = await trx
      .selectFrom('organisation_members as m')
      .innerJoin('organisations as o', (join) => join.onRef('o.id', '=', 'm.organisation_id').onRef('o.tenant_id', '=', 'm.tenant_id'))
      .select(['o.name', 'm.role', 'm.joined_at'])
      .where('m.account_id', '=', accountId)
      .execute();
    return { data: rows.map((r) => ({ name: r.name, role: r.role, joinedAt: r.joined_at })), files: [] };
  },
  deletion: {
    async describe(db, tenantId, accountId, lang) {
      const plans = await asAccount(db, tenantId, accountId, (trx) => planSuccessions(trx, accountId));
      return plans.map((s) => (s.outcome === 'handedOver' ? t(lang, 'successionHandedOver', { name: s.name, email: s.heir.email }) : t(lang, s.outcome === 'leaves' ? 'successionLeaves' : 'successionDissolved', { name: s.name })));
    },
    run: settleOrganisations,
  },
};
