import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import { loadConfig } from '../src/config.js';
import { inTransaction, openDatabase, type Db, type Trx } from '../src/platform/db/database.js';
import { migrate } from '../src/platform/db/migrate.js';
import { listDepartments as listTownDepartments, listTenants } from '../src/modules/tenants/tenants.repository.js';
import { hashPassword } from '../src/modules/staff/index.js';
import {
  administrationText, createDepartment, createStaffAccount, grantRole, listDepartments, listStaff, resetStaffSecondFactor, revokeRole, setDepartmentActive,
  setStaffActive, setTownAdmin, type AdminActor, type Outcome,
} from '../src/modules/administration/index.js';
import { sealAuditLog, verifyAuditChain } from '../src/modules/audit/index.js';
import { loadServices } from '../src/modules/catalog/index.js';
import { createFileStore } from '../src/platform/files/file-store.js';
import { retentionReport, runRetention } from '../src/modules/retention/index.js';
import { staffIdpCommand, staffIdpHelp } from './staff-idp-cli.js';
import { accountIdpCommand, accountIdpHelp } from './account-idp-cli.js';
import { listHandoffTargets, removeHandoffTarget, setHandoffTarget } from '../src/modules/handoff/index.js';
import { clientSecretVariable, createPayment, createPaymentProviders, exportSettledPayments, saveXBezahldiensteSettings } from '../src/modules/payments/index.js';
import { checkClientInput, registerOpen311Client } from '../src/modules/reports/index.js';
import { loadAnswersKey, loadHandoffKey } from '../src/platform/crypto/secret-box.js';
import { Keyring } from '../src/platform/crypto/keyring.js';
import type { Config } from '../src/config.js';
import { writeFile } from 'node:fs/promises';

const help = `Rathaus command line (uses DATABASE_URL or the embedded database in DATA_DIR)

  npm run cli -- migrate
      Apply pending database migrations.
  npm run cli -- tenant list
      List the towns with their host names.
  npm run cli -- staff list --tenant <slug>
      List the town's staff accounts with their roles and status.
  npm run cli -- staff create --tenant <slug> --email <address> --name <name> [--department <key>[:<role>] ...] [--town-admin] [--invite | --password-stdin]
      Create a staff account. Roles: clerk (default), team_lead, department_admin. --town-admin
      lets it manage departments, accounts and roles. With --invite it gets an e-mail with a link
      (valid 72 hours, usable once) to choose its password; the portal sends it (on the embedded
      database: at its next start). Otherwise a random password is generated and printed once,
      unless one is read from stdin.
  npm run cli -- staff grant --tenant <slug> --email <address> (--department <key>:<role> ... | --town-admin)
      Give the account a role in a department (replacing its role there), or the town admin right.
  npm run cli -- staff revoke --tenant <slug> --email <address> (--department <key> ... | --town-admin)
      Take away the account's role in a department, or the town admin right (never the last
      active town admin's).
  npm run cli -- staff deactivate|activate --tenant <slug> --email <address>
      Deactivate an account (its sessions end at once, it cannot sign in) or reactivate it.
  npm run cli -- staff set-password --tenant <slug> --email <address> [--password-stdin]
      Set a new password (random and printed once unless read from stdin).
  npm run cli -- staff reset-2fa --tenant <slug> --email <address>
      Remove the account's authenticator app (TOTP) and recovery codes and end its sessions;
      the clerk sets up the app again at the next sign-in.

  npm run cli -- department list --tenant <slug>
      List the town's departments.
  npm run cli -- department create --tenant <slug> --key <key> --name <German name> [--name-en <English name>] --email <address> --phone <number> [--room <room>]
      Create a department (key: 2 to 40 of a-z, 0-9 and -; it cannot be changed later).
  npm run cli -- department deactivate|activate --tenant <slug> --key <key>
      Deactivate a department without open cases and services, or reactivate it.
${staffIdpHelp}

${accountIdpHelp}

  npm run cli -- audit seal [--tenant <slug>]
      Seal the audit entries not sealed yet into the hash chain (the portal does this every
      15 minutes).
  npm run cli -- audit verify [--tenant <slug>]
      Recompute every town's audit chain; exits with 1 and names the first broken block when an
      entry was changed or removed after sealing.

  npm run cli -- retention report [--tenant <slug>]
      Per town and service: closed cases overdue for deletion and those due within 30 days.
  npm run cli -- retention run [--tenant <slug>] [--dry-run]
      Delete the closed cases whose retention period has passed (what the nightly job does):
      data, files, letters, history; a stub without personal data and an audit entry remain.
      --dry-run lists the references that would be deleted and deletes nothing.
  npm run cli -- handoff set --tenant <slug> --service <id> --url <https url> [--secret-stdin]
      Forward the service's new cases to a specialist system (signed webhook, docs/adr/0012).
      https is required in production; outside it http is allowed for localhost and 127.0.0.1.
      Private and local addresses are refused in production unless
      HANDOFF_ALLOW_PRIVATE_TARGETS=true. The signing secret (whsec_..., Standard Webhooks) is
      read from stdin, or generated and printed once for a new target; changing the URL of a
      target keeps its secret unless a new one is given. Secrets are sealed with HANDOFF_KEY.
  npm run cli -- answers-key rotate
      Re-wrap every town's data keys for sensitive answers (ADR 0025) with a new master key read
      from stdin (32 bytes, base64: openssl rand -base64 32); the old one is ANSWERS_KEY (or, on a
      laptop, DATA_DIR/keys/answers.key, which then holds the new key). All towns in one
      transaction. Stop the portal first and start it with ANSWERS_KEY set to the new key.
  npm run cli -- handoff list [--tenant <slug>]
      List the configured targets (never the secrets).
  npm run cli -- handoff remove --tenant <slug> --service <id>
      Stop forwarding; deliveries still waiting then fail with that reason.
  npm run cli -- payment create --tenant <slug> --purpose <text> --description <text> --amount-cents <n> [--continue <path>]
      Create a payment request for the sandbox provider (docs/adr/0027) and print the address of
      its payment page, where the payer pays. The purpose is the Verwendungszweck (at most 27
      letters A-Z, digits, spaces, dashes); the amount is in euro cents. After paying, the page
      leads on to --continue, a path on the town's host (default /).
  npm run cli -- payment export --tenant <slug> --day YYYY-MM-DD
      Print the finance export of one day (Europe/Berlin) as CSV: the payments paid that day with
      Kassenzeichen and the account assignment of their service (docs/adr/0027). Semicolons,
      every cell quoted, decimal comma, UTF-8 with byte order mark.
  npm run cli -- payment xbezahldienste set --tenant <slug> --url <base url> --originator <id> --endpoint <id> --pay-page-origin <url> [--token-url <url> --client-id <id>]
      Connect the town to its payment service (ePayBL, pmPayment, ...) by the XBezahldienste
      interface 1.0.0 (docs/adr/0027): the base URL, the originatorId and endPointId the operator
      assigned, and the origin of its pay pages (the only place citizens are sent to). With OAuth2
      client credentials (pmPayment) the secret is read from the environment of the portal,
      XBEZAHLDIENSTE_CLIENT_SECRET_<SLUG> (upper case, - as _); it is never stored.
  npm run cli -- payment xbezahldienste check --tenant <slug>
      Ask the town's payment service whether the connection works (GET /status, with the token).
  npm run cli -- open311 client create --tenant <slug> --name <name> [--requests-per-hour <n>] [--moderated]
      Register a system that may post defect reports through Open311 GeoReport v2
      (/open311/v2/requests.json|xml) and print its api_key once (only its hash is stored). It may
      post --requests-per-hour reports per hour (default 100). With --moderated, each of its
      reports waits for a clerk before it is public.

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

/** Re-wraps all data keys of sensitive answers with the master key from stdin (ADR 0025). */
async function rotateAnswersKey(db: Db, config: Config): Promise<void> {
  const typed = (await readStdin()).trim();
  if (!/^[A-Za-z0-9+/]{43}=$/.test(typed)) throw new Error('The new key must be 32 bytes, base64-encoded (openssl rand -base64 32), on stdin.');
  const newKey = Buffer.from(typed, 'base64');
  const keyring = new Keyring(await loadAnswersKey(config));
  const towns = await listTenants(db);
  const counts = await db.transaction().execute(async (trx) => {
    const rewrapped: number[] = [];
    for (const town of towns) {
      await sql`select set_config('app.tenant_id', ${town.id}, true)`.execute(trx);
      rewrapped.push(await keyring.rewrap(trx, town.id, newKey));
    }
    return rewrapped;
  });
  towns.forEach((town, i) => console.log(`${town.slug}: ${counts[i]} data keys re-wrapped`));
  if (!config.answersKey) {
    await writeFile(path.resolve(config.dataDir, 'keys', 'answers.key'), typed, { mode: 0o600 });
    console.log('DATA_DIR/keys/answers.key now holds the new key.');
  } else {
    console.log('Start the portal with ANSWERS_KEY set to the new key.');
  }
}

async function tenantIdOf(db: Db, slug: string | undefined): Promise<string> {
  const tenant = (await listTenants(db)).find((t) => t.slug === slug);
  if (!tenant) throw new Error(`No town with slug "${slug ?? ''}". See: npm run cli -- tenant list`);
  return tenant.id;
}

const commands = [
  'migrate', 'tenant list', 'staff list', 'staff create', 'staff grant', 'staff revoke', 'staff deactivate', 'staff activate', 'staff set-password',
  'staff reset-2fa', 'department list', 'department create', 'department deactivate', 'department activate', 'audit seal', 'audit verify', 'retention report', 'retention run',
  'handoff set', 'handoff list', 'handoff remove', 'payment create', 'payment export', 'payment xbezahldienste set', 'payment xbezahldienste check', 'answers-key rotate', 'open311 client create',
];
// The command line is the operator of the installation: it may do what a town admin may, and the
// audit log names it "cli".
const operator: AdminActor = { kind: 'cli' };

/** The value of a use case, or an error naming each refused field in English. */
function valueOf<T>(outcome: Outcome<T>, what: string): T {
  if (outcome.ok) return outcome.value;
  if (outcome.kind === 'forbidden') throw new Error(`Not permitted: ${what}.`);
  if (outcome.kind === 'notFound') throw new Error(`Not found: ${what}.`);
  const lines = Object.entries(outcome.errors).map(([field, text]) => `  ${field}: ${typeof text === 'string' ? administrationText('en', text) : administrationText('en', text!.key, text!.params)}`);
  throw new Error(`Refused: ${what}\n${lines.join('\n')}`);
}

/** --department key:role, the role defaulting to clerk. */
function roleArguments(values: string[] | undefined): Array<{ department: string; role: string }> {
  return (values ?? []).map((d) => {
    const [department = '', role = 'clerk'] = d.split(':');
    return { department, role };
  });
}

async function main(argv: string[]): Promise<void> {
  // Their own options and blocks (scripts/staff-idp-cli.ts, scripts/account-idp-cli.ts), apart from the other commands.
  if ((argv[0] === 'staff-idp' || argv[0] === 'account-idp') && !argv.includes('--help') && !argv.includes('-h')) {
    const run = argv[0] === 'staff-idp' ? staffIdpCommand(argv.slice(1)) : accountIdpCommand(argv.slice(1));
    const config = loadConfig();
    const database = await openDatabase(config);
    try {
      await migrate(database.db);
      await run(database.db, config);
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
      'name-en': { type: 'string' },
      key: { type: 'string' },
      phone: { type: 'string' },
      room: { type: 'string' },
      department: { type: 'string', multiple: true },
      'town-admin': { type: 'boolean' },
      invite: { type: 'boolean' },
      'password-stdin': { type: 'boolean' },
      'dry-run': { type: 'boolean' },
      service: { type: 'string' },
      url: { type: 'string' },
      'secret-stdin': { type: 'boolean' },
      purpose: { type: 'string' },
      description: { type: 'string' },
      'amount-cents': { type: 'string' },
      continue: { type: 'string' },
      originator: { type: 'string' },
      endpoint: { type: 'string' },
      'pay-page-origin': { type: 'string' },
      'token-url': { type: 'string' },
      'client-id': { type: 'string' },
      day: { type: 'string' },
      'requests-per-hour': { type: 'string' },
      moderated: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const command = positionals.join(' ');
  if (values.help || !command) {
    console.log(help);
    return;
  }
  if (!commands.includes(command)) throw new Error(`Unknown command "${command}".\n\n${help}`);
  const config = loadConfig();
  const database = await openDatabase(config);
  try {
    const { db } = database;
    const applied = await migrate(db);
    const email = () => {
      if (!values.email) throw new Error(`${command} needs --email.`);
      return { email: values.email };
    };
    const departmentKey = () => {
      if (!values.key) throw new Error(`${command} needs --key.`);
      return { key: values.key };
    };
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
    } else if (command === 'retention report' || command === 'retention run') {
      const towns = values.tenant ? [{ id: await tenantIdOf(db, values.tenant), slug: values.tenant }] : await listTenants(db);
      const services = await loadServices();
      const files = await createFileStore(path.resolve(config.dataDir, 'files'));
      for (const town of towns) {
        if (command === 'retention report') {
          const departmentIds = (await inTransaction(db, { tenantId: town.id }, (trx) => listTownDepartments(trx))).map((d) => d.id);
          if (departmentIds.length === 0) continue;
          const report = await retentionReport(db, town.id, services, departmentIds);
          const lines = [...report.counts].filter(([, c]) => c.overdue + c.dueSoon > 0).sort(([a], [b]) => a.localeCompare(b));
          console.log(`${town.slug}: ${lines.length === 0 ? 'nothing due within 30 days' : ''}`);
          for (const [serviceId, c] of lines) console.log(`  ${serviceId.padEnd(24)} overdue ${String(c.overdue).padStart(6)}   due within 30 days ${String(c.dueSoon).padStart(6)}`);
        } else {
          const outcome = await runRetention({ db, files, services }, town.id, { actor: 'cli', dryRun: values['dry-run'] });
          if (values['dry-run']) {
            console.log(`${town.slug}: ${outcome.due.length}${outcome.more ? '+' : ''} cases would be deleted (dry run, nothing deleted)`);
            for (const c of outcome.due) console.log(`  ${c.reference}  ${c.serviceId}  closed ${c.closedAt.toISOString().slice(0, 10)}  ${c.years} years`);
          } else {
            console.log(`${town.slug}: ${outcome.deleted.length} cases deleted (with linked cases), ${outcome.filesRemoved} stored files removed${outcome.more ? '; more are due, run again' : ''}`);
          }
        }
      }
    } else if (command === 'answers-key rotate') {
      await rotateAnswersKey(db, config);
    } else if (command.startsWith('handoff ')) {
      await handoffCommand(db, command, values);
    } else if (command === 'payment create') {
      const tenantId = await tenantIdOf(db, values.tenant);
      const amount = values['amount-cents'] ?? '';
      if (!/^[1-9][0-9]{0,7}$/.test(amount)) throw new Error('payment create needs --amount-cents, a whole number of euro cents.');
      if (!values.purpose || !values.description) throw new Error('payment create needs --purpose and --description.');
      const payment = await createPayment(db, tenantId, {
        purpose: values.purpose, description: values.description, amountCents: Number(amount), provider: 'sandbox', continuePath: values.continue ?? '/',
      }).catch((error: Error) => {
        throw new Error(`Refused: ${error.message}`);
      });
      console.log(`Payment page: /zahlung/${payment.id}`);
    } else if (command === 'payment xbezahldienste set') {
      const problems = await saveXBezahldiensteSettings(db, await tenantIdOf(db, values.tenant), {
        baseUrl: values.url ?? '', originatorId: values.originator ?? '', endpointId: values.endpoint ?? '', payPageOrigin: values['pay-page-origin'] ?? '',
        tokenUrl: values['token-url'] ?? null, clientId: values['client-id'] ?? null,
      });
      if (problems.length > 0) throw new Error(`Refused, nothing stored:\n  ${problems.join('\n  ')}`);
      console.log(`Stored. ${values['client-id'] ? `Set ${clientSecretVariable(values.tenant!)} for the portal, then check` : 'Check'} with: npm run cli -- payment xbezahldienste check --tenant ${values.tenant}`);
    } else if (command === 'payment xbezahldienste check') {
      const tenantId = await tenantIdOf(db, values.tenant);
      await (await createPaymentProviders(config, db)).xbezahldienste!.checkConnection(tenantId);
      console.log('The payment service answered: the connection works.');
    } else if (command === 'payment export') {
      const tenantId = await tenantIdOf(db, values.tenant);
      const services = await loadServices();
      const exported = await exportSettledPayments(db, tenantId, values.day ?? '', (serviceId) => services.get(serviceId)?.definition.payment?.accounting);
      if (!exported) throw new Error('payment export needs --day, a real day as YYYY-MM-DD.');
      process.stdout.write(exported.csv);
    } else if (command === 'open311 client create') {
      const checked = checkClientInput({ name: values.name ?? '', perHour: values['requests-per-hour'] ?? '' });
      if (!checked.ok) throw new Error(checked.problems.name ? 'open311 client create needs --name (at most 120 characters).' : '--requests-per-hour must be a whole number from 1 to 99999.');
      const tenantId = await tenantIdOf(db, values.tenant);
      const created = await registerOpen311Client(db, tenantId, 'cli', { ...checked, moderated: values.moderated === true });
      if (!created.ok) throw new Error(`${values.tenant} already has an Open311 client named "${checked.name}".`);
      console.log(`Open311 client "${checked.name}" registered for ${values.tenant}.`);
      console.log(`api_key (shown once; give it to the client): ${created.apiKey}`);
    } else if (command === 'tenant list') {
      for (const t of await listTenants(db)) console.log(`${t.slug.padEnd(20)} ${t.name.padEnd(24)} ${t.referencePrefix.padEnd(6)} ${t.hosts.join(', ')}`);
    } else if (command === 'staff list') {
      const tenantId = await tenantIdOf(db, values.tenant);
      const departments = valueOf(await listDepartments(db, tenantId, operator), 'list departments');
      const keyOf = (id: string) => departments.find((d) => d.id === id)?.key ?? '?';
      for (const a of valueOf(await listStaff(db, tenantId, operator), 'list staff')) {
        const status = !a.active ? 'deactivated' : a.invited ? 'invited' : 'active';
        const roles = [...(a.townAdmin ? ['town-admin'] : []), ...a.roles.map((r) => `${keyOf(r.departmentId)}:${r.role}`)].join(' ');
        console.log(`${a.email.padEnd(36)} ${a.name.padEnd(28)} ${status.padEnd(11)} ${roles}`);
      }
    } else if (command === 'staff create') {
      if (!values.email || !values.name) throw new Error('staff create needs --email and --name.');
      if (values.invite && values['password-stdin']) throw new Error('Use either --invite or --password-stdin.');
      const tenantId = await tenantIdOf(db, values.tenant);
      const [first, ...more] = roleArguments(values.department);
      // Every department is checked before the account exists, so a typo leaves nothing half made.
      const known = valueOf(await listDepartments(db, tenantId, operator), 'list departments').map((d) => d.key);
      const unknown = [first, ...more].filter((r) => r && !known.includes(r.department));
      if (unknown.length) throw new Error(`Unknown department ${unknown.map((r) => `"${r!.department}"`).join(', ')}. Known: ${known.join(', ')}`);
      const { password, generated } = values.invite ? { password: undefined, generated: false } : await readPassword(values['password-stdin']);
      const created = valueOf(await createStaffAccount(db, tenantId, operator, {
        name: values.name, email: values.email, townAdmin: values['town-admin'] ?? false, department: first?.department ?? '', role: first?.role ?? '', password,
      }), `create ${values.email}`);
      for (const role of more) valueOf(await grantRole(db, tenantId, operator, { id: created.id }, role), `give ${values.email} the role ${role.role} in ${role.department}`);
      console.log(`Created ${values.email}.${values.invite ? ' The invitation is sent by the portal.' : generated ? ` Password (shown once): ${password}` : ''}`);
    } else if (command === 'staff grant' || command === 'staff revoke') {
      const tenantId = await tenantIdOf(db, values.tenant);
      const who = email();
      if (!values['town-admin'] && !values.department?.length) throw new Error(`${command} needs --department or --town-admin.`);
      const grant = command === 'staff grant';
      if (values['town-admin']) valueOf(await setTownAdmin(db, tenantId, operator, who, grant), `${grant ? 'give' : 'take'} the town admin right of ${who.email}`);
      for (const role of roleArguments(values.department)) {
        valueOf(grant ? await grantRole(db, tenantId, operator, who, role) : await revokeRole(db, tenantId, operator, who, role.department), `${command} ${role.department} for ${who.email}`);
      }
      console.log(`${grant ? 'Granted' : 'Revoked'} for ${who.email}.`);
    } else if (command === 'staff deactivate' || command === 'staff activate') {
      const tenantId = await tenantIdOf(db, values.tenant);
      const active = command === 'staff activate';
      valueOf(await setStaffActive(db, tenantId, operator, email(), active), `${active ? 'activate' : 'deactivate'} ${values.email}`);
      console.log(`${values.email} is ${active ? 'active' : 'deactivated; its sessions have ended'}.`);
    } else if (command === 'staff reset-2fa') {
      const tenantId = await tenantIdOf(db, values.tenant);
      valueOf(await resetStaffSecondFactor(db, tenantId, operator, email()), `reset the second factor of ${values.email}`);
      console.log(`Second factor reset for ${values.email}; it is set up again at the next sign-in.`);
    } else if (command === 'department list') {
      const tenantId = await tenantIdOf(db, values.tenant);
      for (const d of valueOf(await listDepartments(db, tenantId, operator), 'list departments')) {
        console.log(`${d.key.padEnd(20)} ${d.name.de.padEnd(36)} ${(d.active ? 'active' : 'deactivated').padEnd(11)} ${d.contact.email}`);
      }
    } else if (command === 'department create') {
      const tenantId = await tenantIdOf(db, values.tenant);
      valueOf(await createDepartment(db, tenantId, operator, {
        key: values.key ?? '', nameDe: values.name ?? '', nameEn: values['name-en'] ?? '', contactEmail: values.email ?? '', phone: values.phone ?? '',
        room: values.room ?? '', hoursDe: '', hoursEn: '',
      }), `create department ${values.key ?? ''}`);
      console.log(`Created department ${values.key}.`);
    } else if (command === 'department deactivate' || command === 'department activate') {
      const tenantId = await tenantIdOf(db, values.tenant);
      const active = command === 'department activate';
      valueOf(await setDepartmentActive(db, tenantId, operator, departmentKey(), active), `${active ? 'activate' : 'deactivate'} department ${values.key}`);
      console.log(`Department ${values.key} is ${active ? 'active' : 'deactivated'}.`);
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
