import { idpDisplayName, idpSecretBox, idpSettingsProblems, isVisibleAscii, openIdpSettings, type IdpSettingsInput } from '../../platform/auth/idp-settings.js';
import type { OidcIdentity, OidcProviderSettings } from '../../platform/auth/oidc.js';
import { inTransaction, type Db, type Trx } from '../../platform/db/database.js';
import { trustLevels, type TrustLevel } from '../../platform/db/schema.js';
import { recordAudit } from '../audit/index.js';
import { normalizeEmail } from './account.js';
import type { AccountDataSection } from './account-data.js';
import { expireTokens, findCredentials } from './accounts.repository.js';
import {
  claimUnverifiedAccount, countAccountLinks, deleteAccountIdpRow, deleteAccountLink, findAccountIdpRow, findLinkedAccountId, findLinkOfAccount,
  insertAccountLink, insertIdpAccount, listLinksOfAccount, upsertAccountIdpRow,
} from './oidc-login.repository.js';

/**
 * Citizen sign-in through the town's identity provider (BundID, Servicekonto NRW ...; ADR 0018):
 * the town's configuration, which acr value is which eIDAS trust level, and which account an
 * IdP identity signs in as (found by its link, created, or linked to the signed-in account).
 */

/** A town's citizen IdP, ready for the relying party (secret opened). */
export interface AccountIdp extends OidcProviderSettings {
  displayName: string;
  acrLevels: Record<string, TrustLevel>;
  linkByEmail: boolean;
}

/**
 * The acr values of the two families German citizen IdPs send, when the town names none: BundID's
 * STORK QAA levels (1 and 2 user name and password, 3 ELSTER certificate, 4 eID card) and the
 * eIDAS level URIs of the EU implementing regulation 2015/1502.
 */
export const defaultAcrLevels: Readonly<Record<string, TrustLevel>> = {
  'STORK-QAA-Level-1': 'low',
  'STORK-QAA-Level-2': 'low',
  'STORK-QAA-Level-3': 'substantial',
  'STORK-QAA-Level-4': 'high',
  'http://eidas.europa.eu/LoA/low': 'low',
  'http://eidas.europa.eu/LoA/substantial': 'substantial',
  'http://eidas.europa.eu/LoA/high': 'high',
};

/** The higher of two trust levels. */
export function higherTrustLevel(a: TrustLevel, b: TrustLevel): TrustLevel {
  return trustLevels.indexOf(a) >= trustLevels.indexOf(b) ? a : b;
}

/**
 * The trust level an IdP sign-in proves. An acr the town did not map, or none, counts as low: the
 * IdP vouches for the person, but not for how strongly (like a password of the portal).
 */
export function trustLevelOf(acr: string | null, acrLevels: Record<string, TrustLevel>): TrustLevel {
  return (acr !== null && Object.hasOwn(acrLevels, acr) ? acrLevels[acr] : undefined) ?? 'low';
}

/** The acr values to ask the IdP for when a level is required: those that reach it, the weakest (easiest for the person) first. */
export function acrValuesFor(required: TrustLevel, acrLevels: Record<string, TrustLevel>): string[] {
  return Object.entries(acrLevels)
    .filter(([, level]) => trustLevels.indexOf(level) >= trustLevels.indexOf(required))
    .sort(([, a], [, b]) => trustLevels.indexOf(a) - trustLevels.indexOf(b))
    .map(([acr]) => acr);
}

/** The town's citizen IdP with its client secret opened, or null when the town has none. */
export async function findAccountIdp(db: Db, key: Buffer, tenantId: string): Promise<AccountIdp | null> {
  const row = await inTransaction(db, { tenantId }, (trx) => findAccountIdpRow(trx, tenantId));
  if (!row) return null;
  return { ...openIdpSettings(key, 'account_idp', tenantId, row), acrLevels: row.acr_levels, linkByEmail: row.link_by_email };
}

/** The label of the town's citizen IdP for buttons and explanations, or null when the town has none. */
export async function findAccountIdpName(db: Db, tenantId: string): Promise<string | null> {
  const row = await inTransaction(db, { tenantId }, (trx) => findAccountIdpRow(trx, tenantId));
  return row?.display_name ?? null;
}

/** Which account an IdP sign-in led to, or why it led to none. */
export type IdpSignInOutcome =
  /** The trust level is the IdP's, or the session's where that is higher (a step-up never lowers it). */
  | { kind: 'signedIn'; accountId: string; trustLevel: TrustLevel }
  /** The IdP identity belongs to another account than the one signed in. */
  | { kind: 'linkedElsewhere' }
  /** The signed-in account is linked to another identity at this IdP. */
  | { kind: 'otherLink' }
  /** An account with the address exists; it is not linked without its password (or the town's opt-in). */
  | { kind: 'existingAccount' }
  /** Nobody is linked and the IdP vouches for no e-mail address, which a new account needs. */
  | { kind: 'noVerifiedEmail' };

/**
 * The account an IdP identity signs in as, and the session's trust level. Signed in already
 * (step-up, or linking on the security page): the signed-in account, linked to the identity if
 * neither has a link yet. Otherwise: the linked account; else a new confirmed account for an
 * address the IdP asserts as verified; an existing account of that address only where the town
 * opted in (or when it was never confirmed, so nobody proved the address before). Never a silent
 * switch to another account. A sign-in is recorded in the audit log with its acr and level.
 */
export async function resolveIdpIdentity(
  db: Db,
  tenantId: string,
  idp: Pick<AccountIdp, 'issuer' | 'linkByEmail' | 'acrLevels'>,
  identity: OidcIdentity,
  context: { signedIn: { accountId: string; trustLevel: TrustLevel | null } | null; language: 'de' | 'en' },
): Promise<IdpSignInOutcome> {
  // Links are keyed by the issuer as configured (the relying party checked the token is its).
  const issuer = idp.issuer;
  const asserted = trustLevelOf(identity.acr, idp.acrLevels);
  const link = (trx: Trx, accountId: string, by: string) => linkAccount(trx, tenantId, { accountId, issuer, subject: identity.subject }, by);
  const signedInAs = async (trx: Trx, accountId: string): Promise<IdpSignInOutcome> => {
    const current = context.signedIn?.accountId === accountId ? context.signedIn.trustLevel : null;
    const trustLevel = current ? higherTrustLevel(current, asserted) : asserted;
    await recordAudit(trx, { tenantId, actor: `account:${accountId}`, action: 'account.login', subject: `account:${accountId}`, details: { method: 'idp', acr: identity.acr ?? '', trustLevel } });
    return { kind: 'signedIn', accountId, trustLevel };
  };
  return inTransaction(db, { tenantId, accountId: context.signedIn?.accountId }, async (trx) => {
    const linked = await findLinkedAccountId(trx, tenantId, issuer, identity.subject);
    const signedIn = context.signedIn?.accountId;
    if (signedIn) {
      if (linked) return linked === signedIn ? signedInAs(trx, signedIn) : { kind: 'linkedElsewhere' };
      return (await link(trx, signedIn, 'signed_in')) ? signedInAs(trx, signedIn) : { kind: 'otherLink' };
    }
    if (linked) return signedInAs(trx, linked);

    const email = identity.emailVerified && identity.email ? normalizeEmail(identity.email) : null;
    if (!email) return { kind: 'noVerifiedEmail' };
    const created = await insertIdpAccount(trx, { tenantId, email, language: context.language });
    if (created) {
      await recordAudit(trx, { tenantId, actor: `account:${created}`, action: 'account.registered', subject: `account:${created}`, details: { by: 'idp' } });
      await link(trx, created, 'new_account');
      return signedInAs(trx, created);
    }
    const existing = (await findCredentials(trx, tenantId, email))!;
    if (!existing.verified_at) {
      // Registered but never confirmed: the IdP's verified address is the first proof of it.
      if (!(await claimUnverifiedAccount(trx, existing.id))) return { kind: 'existingAccount' };
      await expireTokens(trx, existing.id, 'verify_email');
      await recordAudit(trx, { tenantId, actor: `account:${existing.id}`, action: 'account.email_verified', subject: `account:${existing.id}`, details: { by: 'idp', passwordRemoved: true } });
      await link(trx, existing.id, 'unconfirmed_account');
      return signedInAs(trx, existing.id);
    }
    if (idp.linkByEmail && (await link(trx, existing.id, 'verified_email'))) return signedInAs(trx, existing.id);
    return { kind: 'existingAccount' };
  });
}

/** Links an account to an IdP subject and records it; false when either is linked already. */
async function linkAccount(trx: Trx, tenantId: string, link: { accountId: string; issuer: string; subject: string }, by: string): Promise<boolean> {
  if (!(await insertAccountLink(trx, { tenantId, ...link }))) return false;
  await recordAudit(trx, { tenantId, actor: `account:${link.accountId}`, action: 'account.idp_linked', subject: `account:${link.accountId}`, details: { by } });
  return true;
}

/** The town's IdP as the security page shows it: its name and since when the account is linked to it (null: not linked). */
export async function findIdpLinkState(db: Db, tenantId: string, accountId: string): Promise<{ idpName: string; linkedAt: Date | null } | null> {
  return inTransaction(db, { tenantId, accountId }, async (trx) => {
    const idp = await findAccountIdpRow(trx, tenantId);
    if (!idp) return null;
    const link = await findLinkOfAccount(trx, tenantId, accountId, idp.issuer);
    return { idpName: idp.display_name, linkedAt: link?.linkedAt ?? null };
  });
}

/**
 * Removes the account's link to the town's IdP. Refused for an account without a password: the
 * link is then its only way in (a password comes by the "forgotten password" mail).
 */
export async function unlinkIdp(db: Db, tenantId: string, account: { id: string; hasPassword: boolean }): Promise<'unlinked' | 'notLinked' | 'onlyWayIn'> {
  if (!account.hasPassword) return 'onlyWayIn';
  return inTransaction(db, { tenantId, accountId: account.id }, async (trx) => {
    const idp = await findAccountIdpRow(trx, tenantId);
    if (!idp || !(await deleteAccountLink(trx, tenantId, account.id, idp.issuer))) return 'notLinked';
    await recordAudit(trx, { tenantId, actor: `account:${account.id}`, action: 'account.idp_unlinked', subject: `account:${account.id}` });
    return 'unlinked';
  });
}

/** The account's links to identity providers, for its data export (GDPR Art. 15): issuer, subject, since when. */
export const idpLinksDataSection: AccountDataSection = {
  name: 'identityProviderLinks',
  async collect(trx, accountId) {
    const links = await listLinksOfAccount(trx, accountId);
    return { data: links.map((l) => ({ issuer: l.issuer, subject: l.subject, linkedAt: l.linkedAt })), files: [] };
  },
};

/** What `account-idp set` changes; an omitted field keeps its stored value (the secret too). */
export interface AccountIdpInput extends IdpSettingsInput {
  acrLevels?: Record<string, TrustLevel>;
  linkByEmail?: boolean;
}

/** What the CLI shows of a town's citizen IdP (never the secret). */
export interface AccountIdpSummary {
  issuer: string;
  clientId: string;
  hasSecret: boolean;
  displayName: string;
  acrLevels: Record<string, TrustLevel>;
  linkByEmail: boolean;
  linkedAccounts: number;
}

/**
 * Reads `--acr <value>=<level>` options into a mapping; returns the problems instead when one is
 * not of that form. The level is the part after the last "=" (acr values may contain "=").
 */
export function parseAcrLevels(options: string[]): { acrLevels: Record<string, TrustLevel> } | { problems: string[] } {
  const acrLevels: Record<string, TrustLevel> = {};
  const problems: string[] = [];
  for (const option of options) {
    const at = option.lastIndexOf('=');
    const acr = option.slice(0, at);
    const level = option.slice(at + 1);
    if (at < 1 || !isVisibleAscii(acr) || !(trustLevels as readonly string[]).includes(level)) {
      problems.push(`--acr "${option}" must be <acr value>=<low|substantial|high>, the acr value 1 to 255 visible ASCII characters`);
    } else {
      acrLevels[acr] = level as TrustLevel;
    }
  }
  return problems.length ? { problems } : { acrLevels };
}

/** Checks the input of `account-idp set`; returns what is wrong, one line each. */
export function accountIdpInputProblems(input: AccountIdpInput): string[] {
  const problems = idpSettingsProblems(input);
  if (input.acrLevels && Object.keys(input.acrLevels).length === 0) problems.push('give at least one --acr, or none to keep the mapping');
  return problems;
}

/**
 * Sets the town's citizen IdP (CLI; runs as the schema owner with app.tenant_id set). Links stay
 * when the issuer changes: they are keyed by issuer, so they simply stop matching, and accounts
 * that sign in only through the IdP come back if the town returns to it.
 */
export async function setAccountIdp(trx: Trx, key: Buffer, tenantId: string, input: AccountIdpInput): Promise<void> {
  const problems = accountIdpInputProblems(input);
  if (problems.length) throw new Error(problems.join('\n'));
  const old = await findAccountIdpRow(trx, tenantId);
  await upsertAccountIdpRow(trx, {
    tenant_id: tenantId,
    issuer: input.issuer,
    client_id: input.clientId,
    client_secret_sealed: idpSecretBox(key, 'account_idp', tenantId).next(old, input),
    display_name: idpDisplayName(old, input),
    acr_levels: input.acrLevels ?? old?.acr_levels ?? { ...defaultAcrLevels },
    link_by_email: input.linkByEmail ?? old?.link_by_email ?? false,
  });
  await recordAudit(trx, { tenantId, actor: 'cli', action: 'account.idp_set', subject: `tenant:${tenantId}`, details: { issuer: input.issuer, clientId: input.clientId } });
}

/** The town's citizen IdP as the CLI shows it, or null. */
export async function showAccountIdp(trx: Trx, tenantId: string): Promise<AccountIdpSummary | null> {
  const row = await findAccountIdpRow(trx, tenantId);
  if (!row) return null;
  return {
    issuer: row.issuer,
    clientId: row.client_id,
    hasSecret: row.client_secret_sealed !== null,
    displayName: row.display_name,
    acrLevels: row.acr_levels,
    linkByEmail: row.link_by_email,
    linkedAccounts: await countAccountLinks(trx, tenantId, row.issuer),
  };
}

/**
 * Removes the town's citizen IdP (CLI); false when there was none. The links stay (see
 * setAccountIdp); accounts without a password then get in by the "forgotten password" mail.
 */
export async function removeAccountIdp(trx: Trx, tenantId: string): Promise<boolean> {
  const removed = await deleteAccountIdpRow(trx, tenantId);
  if (removed) await recordAudit(trx, { tenantId, actor: 'cli', action: 'account.idp_removed', subject: `tenant:${tenantId}` });
  return removed;
}
