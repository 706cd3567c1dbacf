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

/** Checks the action and the options every IdP command needs, so a mistyped command fails before the database opens. */
export function checkIdpCommand(command: string, action: string, actions: readonly string[], help: string, values: IdpOptionValues): void {
  if (!actions.includes(action)) throw new Error(`Unknown command "${command} ${action}".\n\n${help}`);
  if (!values.tenant) throw new Error(`${command} ${action} needs --tenant.`);
  if (action === 'set') {
    if (!values.issuer || !values['client-id']) throw new Error(`${command} set needs --issuer and --client-id.`);
    if (values['secret-stdin'] && values['public-client']) throw new Error('Give either --secret-stdin or --public-client.');
  }
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
