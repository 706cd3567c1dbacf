import { sql } from 'kysely';
import type { Db, Trx } from '../../platform/db/database.js';
import type { Department, NewTenant, Tenant } from './tenant.js';

/** All towns; small and read on every request, so callers cache it. */
export async function listTenants(db: Db): Promise<Tenant[]> {
  const rows = await db.selectFrom('tenants').selectAll().orderBy('created_at').orderBy('slug').execute();
  return rows.map((r) => ({ id: r.id, slug: r.slug, name: r.name, hosts: r.hosts, referencePrefix: r.reference_prefix, profile: r.profile }));
}

/** The town's departments (runs inside the tenant's transaction). */
export async function listDepartments(trx: Trx): Promise<Department[]> {
  const rows = await trx.selectFrom('departments').selectAll().orderBy('key').execute();
  return rows.map((r) => ({ id: r.id, key: r.key, name: r.name, contact: r.contact }));
}

/**
 * Creates a town with its departments and its own sequences for reference and document numbers.
 * Runs as the schema owner (set-up, seeds, CLI), not as the application role. A sequence rather
 * than a counter row: nextval never waits for another transaction, so concurrent submissions do
 * not queue on it.
 */
export async function insertTenant(trx: Trx, input: NewTenant): Promise<Tenant> {
  const row = await trx
    .insertInto('tenants')
    .values({ slug: input.slug, name: input.name, hosts: input.hosts, reference_prefix: input.referencePrefix, profile: JSON.stringify(input.profile) })
    .returningAll()
    .executeTakeFirstOrThrow();
  // Tables force row-level security even for their owner, so the owner also names the tenant.
  await sql`select set_config('app.tenant_id', ${row.id}, true)`.execute(trx);
  for (const d of input.departments) {
    await trx.insertInto('departments').values({ tenant_id: row.id, key: d.key, name: JSON.stringify(d.name), contact: JSON.stringify(d.contact) }).execute();
  }
  for (const sequence of [referenceSequenceName(row.id), documentSequenceName(row.id)]) {
    await sql`create sequence ${sql.id(sequence)}`.execute(trx);
    await sql`grant usage on sequence ${sql.id(sequence)} to rathaus_app`.execute(trx);
  }
  return { id: row.id, slug: row.slug, name: row.name, hosts: row.hosts, referencePrefix: row.reference_prefix, profile: row.profile };
}

/** Name of the sequence that numbers a town's submissions. */
export function referenceSequenceName(tenantId: string): string {
  return `reference_seq_${tenantId.replaceAll('-', '')}`;
}

/** Name of the sequence that numbers a town's documents (decision letters). */
export function documentSequenceName(tenantId: string): string {
  return `document_seq_${tenantId.replaceAll('-', '')}`;
}

/** Lets a town offer a service, handled by the department with the given key. */
export async function adoptService(trx: Trx, tenantId: string, serviceId: string, departmentKey: string): Promise<void> {
  const department = await trx.selectFrom('departments').select('id').where('tenant_id', '=', tenantId).where('key', '=', departmentKey).executeTakeFirst();
  if (!department) throw new Error(`Department ${departmentKey} does not exist in this town`);
  await trx
    .insertInto('tenant_services')
    .values({ tenant_id: tenantId, service_id: serviceId, department_id: department.id })
    .onConflict((oc) => oc.columns(['tenant_id', 'service_id']).doUpdateSet({ department_id: department.id }))
    .execute();
}
