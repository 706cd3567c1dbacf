import type { Config } from '../src/config.js';
import { loadTotpKey } from '../src/platform/crypto/secret-box.js';
import type { Db } from '../src/platform/db/database.js';
import { linkStaffToIdp, removeStaffIdp, setStaffIdp, showStaffIdp, staffIdpInputProblems, unlinkStaffFromIdp } from '../src/modules/staff/index.js';
import { clientSecretOf, idpSummaryLines, openTown, parseIdpCommand, printRedirectUris } from './idp-cli.js';

// The redirect URI of the staff sign-in (src/modules/staff/views/oidc-pages.tsx).
const callbackPath = '/verwaltung/anmelden/oidc/callback';

/** The `staff-idp` commands in `npm run cli -- --help` (ADR 0014). */
export const staffIdpHelp = `  npm run cli -- staff-idp set --tenant <slug> --issuer <url> --client-id <id> [--secret-stdin] [--name <label>]
                                [--link-by-email | --no-link-by-email] [--mfa-acr <value>]... [--public-client]
      Let the town's staff sign in through its own OpenID Connect IdP (Keycloak, Entra ID, ADFS ...).
      --issuer is the issuer identifier (https; http only for localhost). The client secret is read
      from stdin and stored encrypted under TOTP_KEY; without --secret-stdin the stored one is kept
      (--public-client removes it). --name labels the button "Anmelden mit <label>". Staff accounts
      must be linked (staff-idp link); --link-by-email lets a first sign-in link the account whose
      address the IdP asserts as verified (trusts the IdP's e-mail verification; see ADR 0014).
      An IdP sign-in skips the Rathaus TOTP only when the ID token's amr has mfa, otp or hwk, or
      its acr is one given with --mfa-acr (repeatable; replaces the list, --mfa-acr "" empties it).
      Changing the issuer removes all links.
  npm run cli -- staff-idp show --tenant <slug>
      Show the town's IdP (never the secret), the redirect URIs to register there, and the links.
  npm run cli -- staff-idp remove --tenant <slug>
      Remove the town's IdP and all links; staff sign in with password and TOTP.
  npm run cli -- staff-idp link --tenant <slug> --email <address> --subject <sub>
      Link a staff account to the IdP's subject ("sub" claim) of the person.
  npm run cli -- staff-idp unlink --tenant <slug> --email <address>
      Remove a staff account's link.`;

type StaffIdpCommand = ReturnType<typeof parseStaffIdpCommand>;

/**
 * Reads `staff-idp <action> ...` (argv after the word staff-idp) and checks what can be checked
 * without the database, so a mistyped command fails at once.
 */
function parseStaffIdpCommand(argv: string[]) {
  const { action, values } = parseIdpCommand('staff-idp', argv, ['set', 'show', 'remove', 'link', 'unlink'], staffIdpHelp, {
    'mfa-acr': { type: 'string', multiple: true },
    email: { type: 'string' },
    subject: { type: 'string' },
  });
  if (action === 'set') {
    const problems = staffIdpInputProblems({ issuer: values.issuer!, clientId: values['client-id']!, displayName: values.name, mfaAcrValues: values['mfa-acr']?.filter((v) => v !== '') });
    if (problems.length) throw new Error(problems.join('\n'));
  }
  if (action === 'link' && (!values.email || !values.subject)) throw new Error('staff-idp link needs --email and --subject.');
  if (action === 'unlink' && !values.email) throw new Error('staff-idp unlink needs --email.');
  return { action, values };
}

/** Runs a parsed `staff-idp` command on the open database. */
async function runStaffIdpCommand(db: Db, config: Config, { action, values }: StaffIdpCommand): Promise<void> {
  const { town, inTown } = await openTown(db, values.tenant);

  if (action === 'set') {
    const clientSecret = await clientSecretOf(values);
    const key = await loadTotpKey(config);
    const { removedLinks } = await inTown((trx) => setStaffIdp(trx, key, town.id, {
      issuer: values.issuer!,
      clientId: values['client-id']!,
      clientSecret,
      displayName: values.name,
      linkByEmail: values['link-by-email'],
      mfaAcrValues: values['mfa-acr']?.filter((v) => v !== ''),
    }));
    console.log(`Staff IdP of ${town.slug} set.${removedLinks ? ` ${removedLinks} link(s) to the previous issuer removed.` : ''}`);
    printRedirectUris(town.hosts, config, callbackPath);
  } else if (action === 'show') {
    const idp = await inTown((trx) => showStaffIdp(trx, town.id));
    if (!idp) {
      console.log(`${town.slug} has no staff IdP; staff sign in with password and TOTP.`);
      return;
    }
    console.log([
      ...idpSummaryLines(idp),
      `link by e-mail:  ${idp.linkByEmail ? 'yes' : 'no'}`,
      `MFA acr values:  ${idp.mfaAcrValues.join(', ') || '(none; amr mfa/otp/hwk only)'}`,
      `linked accounts: ${idp.linkedAccounts}`,
    ].join('\n'));
    printRedirectUris(town.hosts, config, callbackPath);
  } else if (action === 'remove') {
    const removed = await inTown((trx) => removeStaffIdp(trx, town.id));
    console.log(removed ? `Staff IdP of ${town.slug} removed.` : `${town.slug} had no staff IdP.`);
  } else if (action === 'link') {
    await inTown((trx) => linkStaffToIdp(trx, town.id, values.email!, values.subject!));
    console.log(`${values.email} is linked to the IdP subject.`);
  } else {
    const removed = await inTown((trx) => unlinkStaffFromIdp(trx, town.id, values.email!));
    console.log(removed ? `${values.email} is no longer linked.` : `${values.email} was not linked.`);
  }
}

/**
 * A `staff-idp` command line (argv after the word staff-idp), checked as far as it can be without
 * the database, as the function that runs it on the open database.
 */
export function staffIdpCommand(argv: string[]): (db: Db, config: Config) => Promise<void> {
  const command = parseStaffIdpCommand(argv);
  return (db, config) => runStaffIdpCommand(db, config, command);
}
