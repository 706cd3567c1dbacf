import { openSecret, sealSecret } from '../crypto/secret-box.js';
import { issuerProblem, type OidcProviderSettings } from './oidc.js';

/**
 * What a town's IdP configuration has in common, whoever signs in through it (staff or citizens):
 * the checks of what the CLI is given, and the client secret sealed under the installation's key.
 */

/** The part of `staff-idp set` / `account-idp set` every IdP has; an omitted field keeps its stored value. */
export interface IdpSettingsInput {
  issuer: string;
  clientId: string;
  /** A new secret; null makes the client public; undefined keeps the stored one. */
  clientSecret?: string | null;
  displayName?: string;
}

/** An IdP configuration as stored (the columns both IdP tables share). */
export interface StoredIdpSettings {
  issuer: string;
  client_id: string;
  client_secret_sealed: string | null;
  display_name: string;
}

/** Whether a value is 1 to 255 visible ASCII characters, as client ids, subjects and acr values are. */
export function isVisibleAscii(value: string): boolean {
  return /^[\x21-\x7e]{1,255}$/.test(value);
}

/** Checks the common part of an IdP configuration; returns what is wrong, one line each, named by CLI option. */
export function idpSettingsProblems(input: IdpSettingsInput): string[] {
  const problems: string[] = [];
  const issuer = issuerProblem(input.issuer);
  if (issuer) problems.push(`--issuer ${issuer}`);
  if (!isVisibleAscii(input.clientId)) problems.push('--client-id must be 1 to 255 visible ASCII characters');
  if (input.clientSecret !== undefined && input.clientSecret !== null && !/^[\x20-\x7e]{1,512}$/.test(input.clientSecret)) problems.push('the client secret must be 1 to 512 printable ASCII characters');
  if (input.displayName !== undefined && !/^[^\s\p{C}]([^\p{C}]{0,58}[^\s\p{C}])?$/u.test(input.displayName)) problems.push('--name must be 1 to 60 characters without leading or trailing spaces');
  return problems;
}

/**
 * Seals and opens a kind of IdP's client secrets. The context binds a sealed secret to its kind,
 * town, issuer and client: copied to another town, IdP or table, it does not open.
 */
export function idpSecretBox(key: Buffer, kind: 'staff_idp' | 'account_idp', tenantId: string) {
  const context = (issuer: string, clientId: string) => `${kind}:${tenantId}:${issuer}:${clientId}`;
  return {
    /** The stored configuration's client secret in clear, or null for a public client. */
    open(row: StoredIdpSettings): string | null {
      return row.client_secret_sealed ? openSecret(key, row.client_secret_sealed, context(row.issuer, row.client_id)) : null;
    },
    /**
     * The sealed secret to store for the new settings: the new secret, or the stored one sealed
     * again for the (possibly changed) issuer and client id, or null for a public client.
     */
    next(old: StoredIdpSettings | undefined, input: IdpSettingsInput): string | null {
      const secret = input.clientSecret !== undefined ? input.clientSecret : old ? this.open(old) : null;
      return secret === null ? null : sealSecret(key, secret, context(input.issuer, input.clientId));
    },
  };
}

/** The label of the sign-in button when none was given: the stored one, or the issuer's host name. */
export function idpDisplayName(old: StoredIdpSettings | undefined, input: IdpSettingsInput): string {
  return input.displayName ?? old?.display_name ?? new URL(input.issuer).hostname;
}

/** A stored IdP configuration as the relying party needs it (client secret opened), with its button label. */
export function openIdpSettings(key: Buffer, kind: 'staff_idp' | 'account_idp', tenantId: string, row: StoredIdpSettings): OidcProviderSettings & { displayName: string } {
  return { issuer: row.issuer, clientId: row.client_id, clientSecret: idpSecretBox(key, kind, tenantId).open(row), displayName: row.display_name };
}
