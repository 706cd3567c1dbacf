import type { Config } from '../src/config.js';
import { loadTotpKey } from '../src/platform/crypto/secret-box.js';
import type { Db } from '../src/platform/db/database.js';
import {
  accountIdpInputProblems, accountIdpPaths, defaultAcrLevels, parseAcrLevels, removeAccountIdp, setAccountIdp, showAccountIdp,
} from '../src/modules/accounts/index.js';
import { clientSecretOf, idpSummaryLines, openTown, parseIdpCommand, printRedirectUris } from './idp-cli.js';

/** The `account-idp` commands in `npm run cli -- --help` (ADR 0018). */
export const accountIdpHelp = `  npm run cli -- account-idp set --tenant <slug> --issuer <url> --client-id <id> [--secret-stdin | --public-client]
                                  [--name <label>] [--acr <value>=<low|substantial|high>]... [--acr-defaults]
                                  [--link-by-email | --no-link-by-email]
      Let citizens sign in through the town's identity provider (BundID, Servicekonto NRW ...):
      the sign-in page shows "Anmelden mit <label>", a first sign-in creates an account for the
      e-mail address the IdP asserts as verified, and the IdP's acr claim sets the session's eIDAS
      trust level, which services may require (minimumTrustLevel in service.yaml). --issuer is the
      issuer identifier (https; http only for localhost); the client secret is read from stdin and
      stored encrypted under TOTP_KEY (kept when not given). --acr maps an acr value to a level
      (repeatable; replaces the mapping); without it a new IdP gets the defaults for BundID's
      STORK-QAA-Level-1..4 and the eIDAS http://eidas.europa.eu/LoA/low|substantial|high
      (--acr-defaults restores them); an acr not in the mapping counts as low. Where an account
      with the asserted address exists, the person signs in with its password once to link it;
      --link-by-email links it at once instead (trusts the IdP's e-mail verification; ADR 0018).
  npm run cli -- account-idp show --tenant <slug>
      Show the town's citizen IdP (never the secret), its acr mapping, the redirect URIs to
      register there, and how many accounts are linked.
  npm run cli -- account-idp remove --tenant <slug>
      Remove the town's citizen IdP. Links stay (they count again if the IdP is set again);
      accounts without a password get in by "Passwort vergessen?".`;

type AccountIdpCommand = ReturnType<typeof parseAccountIdpCommand>;

/**
 * Reads `account-idp <action> ...` (argv after the word account-idp) and checks what can be checked
 * without the database, so a mistyped command fails at once.
 */
function parseAccountIdpCommand(argv: string[]) {
  const { action, values } = parseIdpCommand('account-idp', argv, ['set', 'show', 'remove'], accountIdpHelp, {
    acr: { type: 'string', multiple: true },
    'acr-defaults': { type: 'boolean' },
  });
  let acrLevels = values['acr-defaults'] ? { ...defaultAcrLevels } : undefined;
  if (action === 'set' && values.acr) {
    if (acrLevels) throw new Error('Give either --acr or --acr-defaults.');
    const parsed = parseAcrLevels(values.acr);
    if ('problems' in parsed) throw new Error(parsed.problems.join('\n'));
    acrLevels = parsed.acrLevels;
  }
  if (action === 'set') {
    const problems = accountIdpInputProblems({ issuer: values.issuer!, clientId: values['client-id']!, displayName: values.name, acrLevels });
    if (problems.length) throw new Error(problems.join('\n'));
  }
  return { action, values, acrLevels };
}

/** Runs a parsed `account-idp` command on the open database. */
async function runAccountIdpCommand(db: Db, config: Config, { action, values, acrLevels }: AccountIdpCommand): Promise<void> {
  const { town, inTown } = await openTown(db, values.tenant);
  if (action === 'set') {
    const clientSecret = await clientSecretOf(values);
    const key = await loadTotpKey(config);
    await inTown((trx) => setAccountIdp(trx, key, town.id, {
      issuer: values.issuer!,
      clientId: values['client-id']!,
      clientSecret,
      displayName: values.name,
      acrLevels,
      linkByEmail: values['link-by-email'],
    }));
    console.log(`Citizen IdP of ${town.slug} set.`);
    printRedirectUris(town.hosts, config, accountIdpPaths.callback);
  } else if (action === 'show') {
    const idp = await inTown((trx) => showAccountIdp(trx, town.id));
    if (!idp) {
      console.log(`${town.slug} has no citizen IdP; citizens sign in with e-mail address and password.`);
      return;
    }
    console.log([
      ...idpSummaryLines(idp),
      `link by e-mail:  ${idp.linkByEmail ? 'yes' : 'no (password once)'}`,
      `linked accounts: ${idp.linkedAccounts}`,
      'acr → trust level (any other acr: low):',
      ...Object.entries(idp.acrLevels).map(([acr, level]) => `  ${acr} → ${level}`),
    ].join('\n'));
    printRedirectUris(town.hosts, config, accountIdpPaths.callback);
  } else {
    const removed = await inTown((trx) => removeAccountIdp(trx, town.id));
    console.log(removed ? `Citizen IdP of ${town.slug} removed.` : `${town.slug} had no citizen IdP.`);
  }
}

/**
 * A `account-idp` command line (argv after the word account-idp), checked as far as it can be without
 * the database, as the function that runs it on the open database.
 */
export function accountIdpCommand(argv: string[]): (db: Db, config: Config) => Promise<void> {
  const command = parseAccountIdpCommand(argv);
  return (db, config) => runAccountIdpCommand(db, config, command);
}
