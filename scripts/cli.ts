import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import { loadConfig } from '../src/config.js';
import { openDatabase, type Db } from '../src/platform/db/database.js';
import { migrate } from '../src/platform/db/migrate.js';
import { listTenants } from '../src/modules/tenants/tenants.repository.js';
import { createStaff, hashPassword, resetSecondFactor } from '../src/modules/staff/index.js';
import { sealAuditLog, verifyAuditChain } from '../src/modules/audit/index.js';
import { parseStaffIdpCommand, runStaffIdpCommand, staffIdpHelp } from './staff-idp-cli.js';

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

${staffIdpHelp}

  npm run cli -- audit seal [--tenant <slug>]
      Seal the audit entries not sealed yet into the hash chain (the portal does this every
      15 minutes).
  npm run cli -- audit verify [--tenant <slug>]
      Recompute every town's audit chain; exits with 1 and names the first broken block when an
      entry was changed or removed after sealing.

Stop the portal first when it runs on the embedded database: only one process can open it.`;

async function readPassword(fromStdin: boolean | undefined): Promise<{ password: string; generated: boolean }> {
  if (!fromStdin) return { password: randomBytes(15).toString('base64url'), generated: true };
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  const password = Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
  if (password.length < 12) throw new Error('The password needs at least 12 characters.');
  return { password, generated: false };
}

async function tenantIdOf(db: Db, slug: string | undefined): Promise<string> {
  const tenant = (await listTenants(db)).find((t) => t.slug === slug);
  if (!tenant) throw new Error(`No town with slug "${slug ?? ''}". See: npm run cli -- tenant list`);
  return tenant.id;
}

async function main(argv: string[]): Promise<void> {
  // Its own options and block (scripts/staff-idp-cli.ts), apart from the staff commands.
  if (argv[0] === 'staff-idp' && !argv.includes('--help') && !argv.includes('-h')) {
    const command = parseStaffIdpCommand(argv.slice(1));
    const config = loadConfig();
    const database = await openDatabase(config);
    try {
      await migrate(database.db);
      await runStaffIdpCommand(database.db, config, command);
    } finally {
      await database.close();
    }
    return;
  }
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      tenant: { type: 'string' },
      email: { type: 'string' },
      name: { type: 'string' },
      department: { type: 'string', multiple: true },
      'password-stdin': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const command = positionals.join(' ');
  if (values.help || !command) {
    console.log(help);
    return;
  }
  if (!['migrate', 'tenant list', 'staff create', 'staff set-password', 'staff reset-2fa', 'audit seal', 'audit verify'].includes(command)) throw new Error(`Unknown command "${command}".\n\n${help}`);
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

main(process.argv.slice(2)).catch((error: Error) => {
  console.error(error.message);
  process.exit(1);
});
