import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { sql } from 'kysely';
import { parseYaml } from '../src/platform/yaml.js';
import { z } from 'zod';
import type { Db } from '../src/platform/db/database.js';
import { adoptService, insertTenant } from '../src/modules/tenants/tenants.repository.js';
import { createStaff } from '../src/modules/staff/index.js';
import { holidayRegions, seedAppointmentLocation } from '../src/modules/appointments/index.js';
import { attributeDatatypes, configureReports } from '../src/modules/reports/index.js';
import { projectRoot } from '../src/platform/project-root.js';

const text = z.strictObject({ de: z.string().min(1), en: z.string().min(1).optional() });
const townsFile = z.array(z.strictObject({
  slug: z.string(),
  name: z.string(),
  hosts: z.array(z.string()).min(1),
  referencePrefix: z.string(),
  profile: z.strictObject({
    shortName: z.string().optional(),
    address: z.strictObject({ street: z.string(), postcode: z.string(), city: z.string() }),
    phone: z.string(),
    email: z.string(),
    website: z.string(),
    administrativeCourt: z.string().optional(),
    legal: z.strictObject({ impressum: text, privacy: text, accessibility: text }),
    taxes: z.strictObject({ dog: z.strictObject({ firstDog: z.number().int().min(0), furtherDog: z.number().int().min(0), dangerousDog: z.number().int().min(0) }).optional() }).optional(),
  }),
  departments: z.array(z.strictObject({
    key: z.string(),
    name: text,
    contact: z.strictObject({ email: z.string(), phone: z.string(), room: z.string().optional(), hours: text.optional() }),
  })),
  services: z.array(z.strictObject({ service: z.string(), department: z.string() })),
  appointments: z.array(z.strictObject({
    name: z.string(),
    department: z.string(),
    address: z.string(),
    accessibility: z.string().optional(),
    holidayRegion: z.enum(holidayRegions).optional(),
    horizonDays: z.number().int().optional(),
    leadHours: z.number().int().optional(),
    slotMinutes: z.number().int().optional(),
    counters: z.array(z.string()),
    services: z.array(z.strictObject({ service: z.string(), minutes: z.number().int(), minutesPerExtraPerson: z.number().int().optional(), maxPersons: z.number().int().optional() })),
    openingHours: z.record(z.coerce.number().int().min(1).max(7), z.string()),
  })).optional(),
  staff: z.array(z.strictObject({ email: z.string(), name: z.string(), townAdmin: z.boolean().optional(), departments: z.array(z.strictObject({ key: z.string(), role: z.enum(['clerk', 'team_lead', 'department_admin']) })) })),
  reports: z.strictObject({
    boundary: z.strictObject({ type: z.literal('Polygon'), coordinates: z.array(z.array(z.tuple([z.number(), z.number()])).min(4)).min(1) }),
    outsideNotice: text.optional(),
    streets: z.array(z.strictObject({ name: z.string(), lat: z.number(), lon: z.number() })),
    landmarks: z.array(z.strictObject({ name: z.string(), description: z.string().optional(), lat: z.number(), lon: z.number() })).optional(),
    categories: z.array(z.strictObject({
      code: z.string(), name: text, description: text, department: z.string(),
      attributes: z.array(z.strictObject({
        code: z.string(), datatype: z.enum(attributeDatatypes), required: z.boolean(), description: text,
        values: z.array(z.strictObject({ key: z.string(), name: text })).optional(),
      })).optional(),
    })),
    blockedWords: z.array(z.string()).optional(),
  }).optional(),
}));

const seedFile = path.join(projectRoot, 'seeds', 'towns.yaml');

/**
 * Creates the demo towns that do not exist yet, with staff accounts (one town admin each) whose
 * random passwords are returned once (the caller prints them; they are stored only as argon2id
 * hashes). The accounts have no second factor yet: each sets up its authenticator app at the first
 * sign-in.
 */
export async function seedDemoTowns(db: Db): Promise<Array<{ town: string; email: string; password: string }>> {
  const towns = townsFile.parse(parseYaml(await readFile(seedFile, 'utf8')));
  const existing = new Set((await db.selectFrom('tenants').select('slug').execute()).map((r) => r.slug));
  const credentials: Array<{ town: string; email: string; password: string }> = [];
  for (const town of towns.filter((t) => !existing.has(t.slug))) {
    const staff = await Promise.all(town.staff.map(async (s) => ({ ...s, password: randomBytes(12).toString('base64url') })));
    await db.transaction().execute(async (trx) => {
      // Two processes starting on one empty database must not both seed.
      await sql`select pg_advisory_xact_lock(4711)`.execute(trx);
      if (await trx.selectFrom('tenants').select('id').where('slug', '=', town.slug).executeTakeFirst()) return;
      const tenant = await insertTenant(trx, town);
      for (const s of town.services) await adoptService(trx, tenant.id, s.service, s.department);
      for (const location of town.appointments ?? []) await seedAppointmentLocation(trx, tenant.id, location);
      await Promise.all(staff.map((s) => createStaff(trx, { tenantId: tenant.id, email: s.email, name: s.name, password: s.password, townAdmin: s.townAdmin, departments: s.departments })));
      credentials.push(...staff.map((s) => ({ town: town.name, email: s.email, password: s.password })));
    });
  }
  for (const town of towns) if (town.reports) await seedReportSetup(db, town.slug, town.reports);
  return credentials;
}

/**
 * Gives a demo town its defect report set-up (ADR 0026) unless it has one: also for towns seeded
 * before the Mängelmelder existed, so an existing demo database gets it on the next start.
 */
async function seedReportSetup(db: Db, slug: string, setup: Parameters<typeof configureReports>[2]): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await sql`select pg_advisory_xact_lock(4711)`.execute(trx);
    const tenant = await trx.selectFrom('tenants').select('id').where('slug', '=', slug).executeTakeFirstOrThrow();
    await sql`select set_config('app.tenant_id', ${tenant.id}, true)`.execute(trx);
    if (await trx.selectFrom('report_areas').select('tenant_id').where('tenant_id', '=', tenant.id).executeTakeFirst()) return;
    await configureReports(trx, tenant.id, setup);
  });
}
