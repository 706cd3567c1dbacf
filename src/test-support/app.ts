import { createHash } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { buildApp, type Runtime } from '../app.js';
import { loadConfig } from '../config.js';
import { confirmTotpEnrolment, createStaff, startTotpEnrolment } from '../modules/staff/index.js';
import { loadTotpKey } from '../platform/crypto/secret-box.js';
import { adoptService } from '../modules/tenants/tenants.repository.js';
import type { Tenant } from '../modules/tenants/tenant.js';
import { buildTenant, openTestDatabase } from './database.js';
import { sql } from 'kysely';
import { currentTimeStep, rememberUsedStep, totpCode, type Clerk } from './staff.js';

/** A running portal for integration tests, with everything it logged. */
export interface TestApp extends Runtime {
  logs: string[];
  /** A new town offering every service with its default department; served on its own host. */
  createTown(): Promise<{ tenant: Tenant; host: string }>;
  /**
   * A staff account with a role (clerk unless given) in one department, a town admin if asked;
   * returns the credentials. Its authenticator app is set up
   * (through the staff service, as the enrolment page does) unless `enrolled` is false.
   */
  createClerk(tenant: Tenant, departmentKey: string, options?: { enrolled?: boolean; role?: 'clerk' | 'team_lead' | 'department_admin'; townAdmin?: boolean }): Promise<Clerk>;
}

/**
 * The master key of sensitive answers in every test app: on PostgreSQL the test files share a
 * database, and each app's start opens the data keys of every town there (Keyring.verify), the
 * other files' towns too. A test that wraps keys must use this one.
 */
export const testAnswersKey = createHash('sha256').update('rathaus test answers key').digest('base64');

/** Builds the whole portal on the test database (PGlite, or PostgreSQL with DATABASE_URL), job worker not polling. */
export async function buildTestApp(env: Record<string, string> = {}): Promise<TestApp> {
  const database = await openTestDatabase();
  const dataDir = await mkdtemp(path.join(tmpdir(), 'rathaus-test-'));
  // No friction on the booking step unless a test asks for it (booking-friction.test.ts): the
  // booking tests post forms the way a person without JavaScript would, without waiting.
  const config = loadConfig({ NODE_ENV: 'test', DATA_DIR: dataDir, SUBMISSION_RATE_LIMIT: '1000', LOG_LEVEL: 'info', ANSWERS_KEY: testAnswersKey, APPOINTMENT_FRICTION_BITS: '0', ...env });
  const logs: string[] = [];
  const stream = new Writable({ write(chunk, _enc, done) { logs.push(String(chunk)); done(); } });
  const runtime = await buildApp(config, { database, logStream: stream, startWorker: false });
  let clerks = 0;
  return {
    ...runtime,
    logs,
    async createTown() {
      const host = `t${Math.random().toString(36).slice(2, 10)}.localhost`;
      const tenant = await buildTenant(database.db, { hosts: [host] });
      await database.db.transaction().execute(async (trx) => {
        await sql`select set_config('app.tenant_id', ${tenant.id}, true)`.execute(trx);
        for (const service of runtime.services.values()) await adoptService(trx, tenant.id, service.definition.id, service.definition.department);
      });
      await runtime.tenants.reload();
      return { tenant, host };
    },
    async createClerk(tenant, departmentKey, options = {}) {
      const email = `clerk${++clerks}-${departmentKey}@example.org`;
      const password = `correct horse ${Math.random().toString(36).slice(2)}`;
      const id = await database.db.transaction().execute(async (trx) => {
        await sql`select set_config('app.tenant_id', ${tenant.id}, true)`.execute(trx);
        return createStaff(trx, { tenantId: tenant.id, email, name: `Clerk ${departmentKey}`, password, townAdmin: options.townAdmin, departments: [{ key: departmentKey, role: options.role ?? 'clerk' }] });
      });
      if (options.enrolled === false) return { id, email, password, totpSecret: '', recoveryCodes: [] };
      const key = await loadTotpKey(config);
      const { secret } = (await startTotpEnrolment(database.db, key, tenant.id, id))!;
      const step = currentTimeStep();
      const { result, recoveryCodes } = await confirmTotpEnrolment(database.db, key, tenant.id, id, await totpCode(secret, step));
      if (result !== 'accepted') throw new Error(`enrolling the test clerk failed: ${result}`);
      rememberUsedStep({ id }, step);
      return { id, email, password, totpSecret: secret, recoveryCodes };
    },
  };
}
