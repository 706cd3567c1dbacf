import { parseArgs, type ParseArgsConfig } from 'node:util';
import { sql } from 'kysely';
import type { Config } from '../src/config.js';
import { isLoopbackUrl } from '../src/platform/auth/oidc.js';
import type { Db, Trx } from '../src/platform/db/database.js';
import { listTenants } from '../src/modules/tenants/tenants.repository.js';

/** What the `staff-idp` and `account-idp` commands share: options, their checks, the town, the redirect URIs. */

/** The options (node:util parseArgs) every IdP command understands. */
export const idpOptions = {
  tenant: { type: 'string' },
  issuer: { type: 'string' },
  'client-id': { type: 'string' },
  'secret-stdin': { type: 'boolean' },
  'public-client': { type: 'boolean' },
  name: { type: 'string' },
  'link-by-email': { type: 'boolean' },
} as const;

/** The parsed values of idpOptions. */
export interface IdpOptionValues {
  tenant?: string;
  issuer?: string;
  'client-id'?: string;
  'secret-stdin'?: boolean;
  'public-client'?: boolean;
}

/**
 * Reads `<command> <action> ...` (argv after the command word) with idpOptions and the command's
 * own options, and checks the action and the options every IdP command needs, so a mistyped
 * command fails before the database opens.
 */
export function parseIdpCommand<O extends NonNullable<ParseArgsConfig['options']>>(command: string, argv: string[], actions: readonly string[], help: string, ownOptions: O) {
  const config = { args: argv, allowPositionals: true, allowNegative: true, options: { ...idpOptions, ...ownOptions } };
  const { values, positionals } = parseArgs(config as typeof config & { allowPositionals: true; options: typeof idpOptions & O });
  const action = positionals.join(' ');
  const common = values as IdpOptionValues;
  if (!actions.includes(action)) throw new Error(`Unknown command "${command} ${action}".\n\n${help}`);
  if (!common.tenant) throw new Error(`${command} ${action} needs --tenant.`);
  if (action === 'set') {
    if (!common.issuer || !common['client-id']) throw new Error(`${command} set needs --issuer and --client-id.`);
    if (common['secret-stdin'] && common['public-client']) throw new Error('Give either --secret-stdin or --public-client.');
  }
  return { action, values };
}

/** The client secret `set` was given: read from stdin, null for a public client, undefined to keep the stored one. */
export async function clientSecretOf(values: IdpOptionValues): Promise<string | null | undefined> {
  if (values['public-client']) return null;
  if (!values['secret-stdin']) return undefined;
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  const secret = Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
  if (!secret) throw new Error('No client secret on stdin.');
  return secret;
}

/** The town named by --tenant, and a way to run a transaction in it as the schema owner (like the other CLI commands). */
export async function openTown(db: Db, slug: string | undefined) {
  const town = (await listTenants(db)).find((t) => t.slug === slug);
  if (!town) throw new Error(`No town with slug "${slug ?? ''}". See: npm run cli -- tenant list`);
  const inTown = <T>(fn: (trx: Trx) => Promise<T>) =>
    db.transaction().execute(async (trx) => {
      await sql`select set_config('app.tenant_id', ${town.id}, true)`.execute(trx);
      return fn(trx);
    });
  return { town, inTown };
}

/** Prints the redirect URIs to register at the IdP: https on every host of the town (http with port on localhost). */
export function printRedirectUris(hosts: string[], config: Pick<Config, 'port'>, path: string): void {
  console.log('Redirect URI(s) to register at the IdP:');
  for (const host of hosts) {
    const base = isLoopbackUrl(new URL(`http://${host}`)) ? `http://${host}:${config.port}` : `https://${host}`;
    console.log(`  ${base}${path}`);
  }
}

/** The first lines of `show`, the same for every IdP (never the secret itself). */
export function idpSummaryLines(idp: { issuer: string; clientId: string; hasSecret: boolean; displayName: string }): string[] {
  return [
    `issuer:          ${idp.issuer}`,
    `client id:       ${idp.clientId}`,
    `client secret:   ${idp.hasSecret ? 'stored (encrypted)' : 'none (public client)'}`,
    `button:          Anmelden mit ${idp.displayName}`,
  ];
}
