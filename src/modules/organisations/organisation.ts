/** The roles in an organisation (closed set, as in SQL): owners manage members, members apply. */
export const organisationRoles = ['owner', 'member'] as const;
/** A role in an organisation. */
export type OrganisationRole = (typeof organisationRoles)[number];

/** Whether a string is an organisation role. */
export function isOrganisationRole(value: unknown): value is OrganisationRole {
  return (organisationRoles as readonly unknown[]).includes(value);
}

/** How long an invitation link works. */
export const invitationDays = 7;

/** An organisation as one of its members sees it in the list. */
export interface OrganisationSummary {
  id: string;
  name: string;
  role: OrganisationRole;
}

/** An organisation with its members and open invitations, as its page shows it. */
export interface OrganisationDetail extends OrganisationSummary {
  members: Array<{ accountId: string; email: string; role: OrganisationRole; joinedAt: Date; isMe: boolean }>;
  /** Open invitations (only owners see them). */
  invitations: Array<{ id: string; email: string; role: OrganisationRole; expiresAt: Date }>;
}

/** Which organisations an account belongs to and owns: the actor settings row-level security reads. */
export interface Memberships {
  organisationIds: string[];
  ownedOrganisationIds: string[];
}

/**
 * What deleting an account means for one of its organisations: it leaves (others own it), hands
 * the ownership to the longest-standing member (it is the only owner), or the organisation is
 * dissolved (nobody else is in it).
 */
export type Succession =
  | { organisationId: string; name: string; outcome: 'leaves' }
  | { organisationId: string; name: string; outcome: 'dissolved' }
  | { organisationId: string; name: string; outcome: 'handedOver'; heir: { accountId: string; email: string } };

/** The succession in one organisation, from its members as of now. */
export function succession(organisation: { id: string; name: string }, accountId: string, members: ReadonlyArray<{ account_id: string; email: string; role: OrganisationRole; joined_at: Date }>): Succession {
  const base = { organisationId: organisation.id, name: organisation.name };
  const others = members.filter((m) => m.account_id !== accountId);
  const leaving = members.find((m) => m.account_id === accountId);
  if (leaving?.role !== 'owner' || others.some((m) => m.role === 'owner')) return { ...base, outcome: 'leaves' as const };
  const heir = [...others].sort((a, b) => a.joined_at.getTime() - b.joined_at.getTime() || a.email.localeCompare(b.email))[0];
  return heir ? { ...base, outcome: 'handedOver' as const, heir: { accountId: heir.account_id, email: heir.email } } : { ...base, outcome: 'dissolved' as const };
}
