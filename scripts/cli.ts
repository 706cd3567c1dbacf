import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import { loadConfig } from '../src/config.js';
import { openDatabase, type Db, type Trx } from '../src/platform/db/database.js';
import { migrate } from '../src/platform/db/migrate.js';
import { listTenants } from '../src/modules/tenants/tenants.repository.js';
import { createStaff, hashPassword, resetSecondFactor } from '../src/modules/staff/index.js';
import { sealAuditLog, verifyAuditChain } from '../src/modules/audit/index.js';
import { listHandoffTargets, removeHandoffTarget, setHandoffTarget } from '../src/modules/handoff/index.js';
import { loadHandoffKey } from '../src/platform/crypto/secret-box.js';

const help = `Rathaus command line (uses DATABASE_URL or the embedded database in DATA_DIR)

  npm run cli -- migrate
      Apply pending database migrations.
  npm run cli -- tenant list
      List the towns with their host names.
  npm run cli -- staff create --tenant <slug> --email <address> --name <name> --department <key>[:<role>] [--department ...] [--password-stdin]
      Create a staff account. Roles: clerk (default), team_lead, department_admin.
      Without --password-stdin a random password is generated and printed once.
  npm run cli -- staff set-password --tenant <slug> --email <address> [--password-stdin]
      Set a new password (random and printed once unless read from stdin).
  npm run cli -- staff reset-2fa --tenant <slug> --email <address>
      Remove the account's authenticator app (TOTP) and recovery codes and end its sessions;
      the clerk sets up the app again at the next sign-in.

  npm run cli -- audit seal [--tenant <slug>]
      Seal the audit entries not sealed yet into the hash chain (the portal does this every
      15 minutes).
  npm run cli -- audit verify [--tenant <slug>]
      Recompute every town's audit chain; exits with 1 and names the first broken block when an
      entry was changed or removed after sealing.

  npm run cli -- handoff set --tenant <slug> --service <id> --url <https url> [--secret-stdin]
      Forward the service's new cases to a specialist system (signed webhook, docs/adr/0012).
      https is required in production; outside it http is allowed for localhost and 127.0.0.1.
      Private and local addresses are refused in production unless
      HANDOFF_ALLOW_PRIVATE_TARGETS=true. The signing secret (whsec_..., Standard Webhooks) is
      read from stdin, or generated and printed once for a new target; changing the URL of a
      target keeps its secret unless a new one is given. Secrets are sealed with HANDOFF_KEY.
  npm run cli -- handoff list [--tenant <slug>]
      List the configured targets (never the secrets).
  npm run cli -- handoff remove --tenant <slug> --service <id>
      Stop forwarding; deliveries still waiting then fail with that reason.

Stop the portal first when it runs on the embedded database: only one process can open it.`;

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

async function readPassword(fromStdin: boolean | undefined): Promise<{ password: string; generated: boolean }> {
  if (!fromStdin) return { password: randomBytes(15).toString('base64url'), generated: true };
  const password = (await readStdin()).replace(/\r?\n$/, '');
  if (password.length < 12) throw new Error('The password needs at least 12 characters.');
  return { password, generated: false };
}

async function tenantIdOf(db: Db, slug: string | undefined): Promise<string> {
  const tenant = (await listTenants(db)).find((t) => t.slug === slug);
  if (!tenant) throw new Error(`No town with slug "${slug ?? ''}". See: npm run cli -- tenant list`);
  return tenant.id;
}

async function main(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      tenant: { type: 'string' },
      email: { type: 'string' },
      name: { type: 'string' },
      department: { type: 'string', multiple: true },
      'password-stdin': { type: 'boolean' },
      service: { type: 'string' },
      url: { type: 'string' },
      'secret-stdin': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const command = positionals.join(' ');
  if (values.help || !command) {
    console.log(help);
    return;
  }
  if (!['migrate', 'tenant list', 'staff create', 'staff set-password', 'staff reset-2fa', 'audit seal', 'audit verify', 'handoff set', 'handoff list', 'handoff remove'].includes(command)) throw new Error(`Unknown command "${command}".\n\n${help}`);
  const database = await openDatabase(loadConfig());
  try {
    const { db } = database;
    const applied = await migrate(db);
    if (command === 'migrate') {
      console.log(applied.length ? `Applied: ${applied.join(', ')}` : 'Database is up to date.');
    } else if (command === 'audit seal' || command === 'audit verify') {
      const towns = values.tenant ? [{ id: await tenantIdOf(db, values.tenant), slug: values.tenant }] : await listTenants(db);
      let broken = 0;
      for (const town of towns) {
        if (command === 'audit seal') {
          let sealed = 0;
          for (let n = await sealAuditLog(db, town.id); n > 0; n = await sealAuditLog(db, town.id)) sealed += n;
          console.log(`${town.slug}: ${sealed} entries sealed`);
        } else {
          const failure = await verifyAuditChain(db, town.id);
          if (failure) broken++;
          console.log(`${town.slug}: ${failure ? `BROKEN at block ${failure.blockNo} (an entry of it or before it was changed or removed)` : 'intact'}`);
        }
      }
      if (broken > 0) process.exitCode = 1;
    } else if (command.startsWith('handoff ')) {
      await handoffCommand(db, command, values);
    } else if (command === 'tenant list') {
      for (const t of await listTenants(db)) console.log(`${t.slug.padEnd(20)} ${t.name.padEnd(24)} ${t.referencePrefix.padEnd(6)} ${t.hosts.join(', ')}`);
    } else if (command === 'staff create') {
      if (!values.email || !values.name || !values.department?.length) throw new Error('staff create needs --email, --name and at least one --department.');
      const tenantId = await tenantIdOf(db, values.tenant);
      const departments = values.department.map((d) => {
        const [key, role = 'clerk'] = d.split(':');
        if (!['clerk', 'team_lead', 'department_admin'].includes(role)) throw new Error(`Unknown role "${role}".`);
        return { key: key!, role };
      });
      const { password, generated } = await readPassword(values['password-stdin']);
      await db.transaction().execute(async (trx) => {
        await sql`select set_config('app.tenant_id', ${tenantId}, true)`.execute(trx);
        await createStaff(trx, { tenantId, email: values.email!, name: values.name!, password, departments });
      });
      console.log(`Created ${values.email}.${generated ? ` Password (shown once): ${password}` : ''}`);
    } else if (command === 'staff reset-2fa') {
      if (!values.email) throw new Error('staff reset-2fa needs --email.');
      const tenantId = await tenantIdOf(db, values.tenant);
      const found = await db.transaction().execute(async (trx) => {
        await sql`select set_config('app.tenant_id', ${tenantId}, true)`.execute(trx);
        return resetSecondFactor(trx, tenantId, values.email!);
      });
      if (!found) throw new Error(`No staff account ${values.email} in this town.`);
      console.log(`Second factor reset for ${values.email}; it is set up again at the next sign-in.`);
    } else {
      if (!values.email) throw new Error('staff set-password needs --email.');
      const tenantId = await tenantIdOf(db, values.tenant);
      const { password, generated } = await readPassword(values['password-stdin']);
      const passwordHash = await hashPassword(password);
      const updated = await db.transaction().execute(async (trx) => {
        await sql`select set_config('app.tenant_id', ${tenantId}, true)`.execute(trx);
        const result = await trx.updateTable('staff').set({ password_hash: passwordHash }).where('tenant_id', '=', tenantId).where('email', '=', values.email!.toLowerCase()).executeTakeFirst();
        // Existing sessions of the account end with the old password.
        await trx.deleteFrom('sessions').where('tenant_id', '=', tenantId).where('staff_id', 'in', trx.selectFrom('staff').select('id').where('tenant_id', '=', tenantId).where('email', '=', values.email!.toLowerCase())).execute();
        return Number(result.numUpdatedRows);
      });
      if (updated !== 1) throw new Error(`No staff account ${values.email} in this town.`);
      console.log(`Password set for ${values.email}.${generated ? ` New password (shown once): ${password}` : ''}`);
    }
  } finally {
    await database.close();
  }
}

/** Runs fn as the database owner with the town set, as the row-level security policies require. */
async function asTown<T>(db: Db, tenantId: string, fn: (trx: Trx) => Promise<T>): Promise<T> {
  return db.transaction().execute(async (trx) => {
    await sql`select set_config('app.tenant_id', ${tenantId}, true)`.execute(trx);
    return fn(trx);
  });
}

async function handoffCommand(db: Db, command: string, values: { tenant?: string; service?: string; url?: string; 'secret-stdin'?: boolean }): Promise<void> {
  if (command === 'handoff list') {
    const towns = values.tenant ? [{ id: await tenantIdOf(db, values.tenant), slug: values.tenant }] : await listTenants(db);
    for (const town of towns) {
      for (const target of await asTown(db, town.id, (trx) => listHandoffTargets(trx, town.id))) {
        console.log(`${town.slug.padEnd(20)} ${target.service_id.padEnd(24)} ${target.url}`);
      }
    }
    return;
  }
  if (!values.service) throw new Error(`${command} needs --service.`);
  const serviceId = values.service;
  const tenantId = await tenantIdOf(db, values.tenant);
  if (command === 'handoff remove') {
    if (!(await asTown(db, tenantId, (trx) => removeHandoffTarget(trx, tenantId, serviceId)))) throw new Error(`${values.tenant} does not forward ${serviceId}.`);
    console.log(`${values.tenant} no longer forwards ${serviceId}.`);
    return;
  }
  if (!values.url) throw new Error('handoff set needs --url.');
  const secret = values['secret-stdin'] ? (await readStdin()).trim() : undefined;
  const config = loadConfig();
  const key = await loadHandoffKey(config);
  const outcome = await asTown(db, tenantId, async (trx) => {
    const offered = await trx.selectFrom('tenant_services').select('service_id').where('tenant_id', '=', tenantId).where('service_id', '=', serviceId).executeTakeFirst();
    if (!offered) return { ok: false as const, reason: `${values.tenant} does not offer the service "${serviceId}"` };
    return setHandoffTarget(trx, key, config, { tenantId, serviceId, url: values.url!, ...(secret !== undefined ? { secret } : {}) });
  });
  if (!outcome.ok) throw new Error(`Not saved: ${outcome.reason}.`);
  console.log(`${values.tenant} ${outcome.created ? 'now forwards' : 'forwards'} new cases of ${serviceId} to ${values.url}.`);
  if (outcome.generatedSecret) console.log(`Signing secret (shown once; give it to the receiving system): ${outcome.generatedSecret}`);
}

main(process.argv.slice(2)).catch((error: Error) => {
  console.error(error.message);
  process.exit(1);
});
