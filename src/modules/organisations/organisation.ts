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
