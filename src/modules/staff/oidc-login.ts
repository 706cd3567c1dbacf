import { idpDisplayName, idpSecretBox, idpSettingsProblems, isVisibleAscii, openIdpSettings, type IdpSettingsInput } from '../../platform/auth/idp-settings.js';
import type { OidcIdentity, OidcProviderSettings } from '../../platform/auth/oidc.js';
import { inTransaction, type Db, type Trx } from '../../platform/db/database.js';
import { recordAudit } from '../audit/index.js';
import {
  countLinks, deleteLinks, deleteStaffIdpRow, findLinkedStaffId, findStaffIdByEmail, findStaffIdpRow, insertLink, upsertStaffIdpRow,
} from './oidc-login.repository.js';

/**
 * Staff sign-in through the town's own OpenID Connect IdP (ADR 0014): the town's configuration,
 * the link between an IdP subject and a Rathaus staff account, and whether the IdP's sign-in
 * counts as two factors. Roles always come from Rathaus; the IdP only says who signed in.
 */

/** A town's staff IdP, ready for the relying party (secret opened). */
export interface StaffIdp extends OidcProviderSettings {
  displayName: string;
  linkByEmail: boolean;
  mfaAcrValues: string[];
}

/** What the CLI shows of a town's configuration (never the secret). */
export interface StaffIdpSummary {
  issuer: string;
  clientId: string;
  hasSecret: boolean;
  displayName: string;
  linkByEmail: boolean;
  mfaAcrValues: string[];
  linkedAccounts: number;
}

/** amr values (RFC 8176) that by themselves say more than a password was used. */
export const mfaAmrValues = ['mfa', 'otp', 'hwk'] as const;

/** The town's staff IdP with its client secret opened, or null when the town has none. */
export async function findStaffIdp(db: Db, key: Buffer, tenantId: string): Promise<StaffIdp | null> {
  const row = await inTransaction(db, { tenantId }, (trx) => findStaffIdpRow(trx, tenantId));
  if (!row) return null;
  return { ...openIdpSettings(key, 'staff_idp', tenantId, row), linkByEmail: row.link_by_email, mfaAcrValues: row.mfa_acr_values };
}

/** The label of the town's IdP for the sign-in button, or null when the town has none. */
export async function findStaffIdpName(db: Db, tenantId: string): Promise<string | null> {
  const row = await inTransaction(db, { tenantId }, (trx) => findStaffIdpRow(trx, tenantId));
  return row?.display_name ?? null;
}

/** Whether the IdP says the person used more than a password (amr), or reached a trust level the town counts as such (acr). */
export function idpAssertsMfa(identity: Pick<OidcIdentity, 'amr' | 'acr'>, mfaAcrValues: readonly string[]): boolean {
  return identity.amr.some((m) => (mfaAmrValues as readonly string[]).includes(m)) || (identity.acr !== null && mfaAcrValues.includes(identity.acr));
}

/**
 * The staff account an IdP identity signs in as: the one linked to its subject, or, when the town
 * allows it, the not yet linked account whose e-mail address the IdP asserts as verified (which
 * links them). Null for everyone else: accounts are never created from an IdP sign-in.
 */
export async function findStaffForIdentity(db: Db, tenantId: string, idp: Pick<StaffIdp, 'issuer' | 'linkByEmail'>, identity: OidcIdentity): Promise<string | null> {
  // Links are keyed by the issuer as configured (the relying party checked that the ID token is
  // this issuer's); the token's spelling may differ by a trailing slash, which discovery accepts.
  const issuer = idp.issuer;
  return inTransaction(db, { tenantId }, async (trx) => {
    const linked = await findLinkedStaffId(trx, tenantId, issuer, identity.subject);
    if (linked) return linked;
    if (!idp.linkByEmail || !identity.emailVerified || !identity.email) return null;
    const staffId = await findStaffIdByEmail(trx, tenantId, identity.email);
    // An account linked to another subject already stays with it.
    if (!staffId || !(await insertLink(trx, { tenantId, staffId, issuer, subject: identity.subject }))) return null;
    await recordAudit(trx, { tenantId, actor: `staff:${staffId}`, action: 'staff.idp_linked', subject: `staff:${staffId}`, details: { by: 'verified_email' } });
    return staffId;
  });
}

/** What `staff-idp set` changes; an omitted field keeps its stored value (the secret too). */
export interface StaffIdpInput extends IdpSettingsInput {
  linkByEmail?: boolean;
  mfaAcrValues?: string[];
}

/** Checks the input of `staff-idp set`; returns what is wrong, one line each. */
export function staffIdpInputProblems(input: StaffIdpInput): string[] {
  const problems = idpSettingsProblems(input);
  for (const acr of input.mfaAcrValues ?? []) if (!isVisibleAscii(acr)) problems.push(`--mfa-acr "${acr}" must be 1 to 255 visible ASCII characters`);
  return problems;
}

/**
 * Sets the town's staff IdP (CLI; runs as the schema owner with app.tenant_id set). When the
 * issuer changes, the links to the old issuer's subjects are removed: they name other people's
 * accounts there. Returns how many links were removed.
 */
export async function setStaffIdp(trx: Trx, key: Buffer, tenantId: string, input: StaffIdpInput): Promise<{ removedLinks: number }> {
  const problems = staffIdpInputProblems(input);
  if (problems.length) throw new Error(problems.join('\n'));
  const old = await findStaffIdpRow(trx, tenantId);
  const removedLinks = old && old.issuer !== input.issuer ? await deleteLinks(trx, tenantId) : 0;
  await upsertStaffIdpRow(trx, {
    tenant_id: tenantId,
    issuer: input.issuer,
    client_id: input.clientId,
    client_secret_sealed: idpSecretBox(key, 'staff_idp', tenantId).next(old, input),
    display_name: idpDisplayName(old, input),
    link_by_email: input.linkByEmail ?? old?.link_by_email ?? false,
    mfa_acr_values: input.mfaAcrValues ?? old?.mfa_acr_values ?? [],
  });
  await recordAudit(trx, { tenantId, actor: 'cli', action: 'staff.idp_set', subject: `tenant:${tenantId}`, details: { issuer: input.issuer, clientId: input.clientId, removedLinks } });
  return { removedLinks };
}

/** The town's staff IdP as the CLI shows it, or null. */
export async function showStaffIdp(trx: Trx, tenantId: string): Promise<StaffIdpSummary | null> {
  const row = await findStaffIdpRow(trx, tenantId);
  if (!row) return null;
  return {
    issuer: row.issuer,
    clientId: row.client_id,
    hasSecret: row.client_secret_sealed !== null,
    displayName: row.display_name,
    linkByEmail: row.link_by_email,
    mfaAcrValues: row.mfa_acr_values,
    linkedAccounts: await countLinks(trx, tenantId, row.issuer),
  };
}

/** Removes the town's staff IdP and every link to it (CLI); false when there was none. */
export async function removeStaffIdp(trx: Trx, tenantId: string): Promise<boolean> {
  await deleteLinks(trx, tenantId);
  const removed = await deleteStaffIdpRow(trx, tenantId);
  if (removed) await recordAudit(trx, { tenantId, actor: 'cli', action: 'staff.idp_removed', subject: `tenant:${tenantId}` });
  return removed;
}

/**
 * Links a staff account to a subject of the town's IdP (CLI), replacing an earlier link of the
 * account. Throws with a readable message when there is no IdP, no such account, or the subject
 * belongs to another account.
 */
export async function linkStaffToIdp(trx: Trx, tenantId: string, email: string, subject: string): Promise<void> {
  const idp = await findStaffIdpRow(trx, tenantId);
  if (!idp) throw new Error('The town has no staff IdP. Set one first: staff-idp set');
  if (!isVisibleAscii(subject)) throw new Error('--subject must be 1 to 255 visible ASCII characters (the IdP\'s "sub" claim)');
  const staffId = await findStaffIdByEmail(trx, tenantId, email);
  if (!staffId) throw new Error(`No staff account ${email} in this town.`);
  await deleteLinks(trx, tenantId, staffId);
  if (!(await insertLink(trx, { tenantId, staffId, issuer: idp.issuer, subject }))) throw new Error('That subject is linked to another staff account already.');
  await recordAudit(trx, { tenantId, actor: 'cli', action: 'staff.idp_linked', subject: `staff:${staffId}`, details: { by: 'cli' } });
}

/** Removes a staff account's link to the IdP (CLI); false when the account had none. */
export async function unlinkStaffFromIdp(trx: Trx, tenantId: string, email: string): Promise<boolean> {
  const staffId = await findStaffIdByEmail(trx, tenantId, email);
  if (!staffId) throw new Error(`No staff account ${email} in this town.`);
  const removed = (await deleteLinks(trx, tenantId, staffId)) > 0;
  if (removed) await recordAudit(trx, { tenantId, actor: 'cli', action: 'staff.idp_unlinked', subject: `staff:${staffId}` });
  return removed;
}
