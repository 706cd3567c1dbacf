import { sql } from 'kysely';
import type { Trx } from '../../platform/db/database.js';
import type { Localized } from '../../platform/i18n/i18n.js';

/** Adds a landmark to the town's list; its id, or undefined when one of that name exists. */
export async function insertLandmark(trx: Trx, tenantId: string, landmark: { name: string; description: string | null; lat: number; lon: number }): Promise<string | undefined> {
  const row = await trx.insertInto('report_landmarks').values({ tenant_id: tenantId, ...landmark })
    .onConflict((oc) => oc.columns(['tenant_id', 'name']).doNothing()).returning('id').executeTakeFirst();
  return row?.id;
}

/** Removes a landmark; its name, or undefined when there is none with this id. Reports near it keep its name and point. */
export async function deleteLandmark(trx: Trx, id: string): Promise<string | undefined> {
  return (await trx.deleteFrom('report_landmarks').where('id', '=', id).returning('name').executeTakeFirst())?.name;
}

/** Adds streets to the town's list (the caller checked that no name is taken). */
export async function insertStreets(trx: Trx, tenantId: string, streets: ReadonlyArray<{ name: string; lat: number; lon: number }>): Promise<void> {
  await trx.insertInto('report_streets').values(streets.map((s) => ({ tenant_id: tenantId, ...s }))).execute();
}

/** How many alerts are about a street (they refer to it, so it cannot go while they exist). */
export async function countStreetAlerts(trx: Trx, streetId: string): Promise<number> {
  return (await trx.selectFrom('report_alerts').select(sql<number>`count(*)::int`.as('n')).where('street_id', '=', streetId).executeTakeFirstOrThrow()).n;
}

/** Removes a street; its name, or undefined when there is none with this id. Reports on it keep its name and point. */
export async function deleteStreet(trx: Trx, id: string): Promise<string | undefined> {
  return (await trx.deleteFrom('report_streets').where('id', '=', id).returning('name').executeTakeFirst())?.name;
}

/** Replaces the town's blocked words. */
export async function updateBlockedWords(trx: Trx, words: readonly string[]): Promise<void> {
  await trx.updateTable('report_areas').set({ blocked_words: [...words] }).execute();
}

/** A category as the town admin manages it, active or not. */
export interface CategorySetting { id: string; code: string; name: Localized; description: Localized; departmentId: string; active: boolean }

/** All the town's categories, active or not, in their configured order. */
export async function listCategorySettings(trx: Trx): Promise<CategorySetting[]> {
  const rows = await trx.selectFrom('report_categories').select(['id', 'code', 'name', 'description', 'department_id', 'active']).orderBy('position').orderBy('code').execute();
  return rows.map((r) => ({ id: r.id, code: r.code, name: r.name, description: r.description, departmentId: r.department_id, active: r.active }));
}

/** Adds a category after the others; undefined when its code is taken. */
export async function insertCategory(trx: Trx, tenantId: string, category: Omit<CategorySetting, 'id'>): Promise<string | undefined> {
  const row = await trx.insertInto('report_categories').values({
    tenant_id: tenantId, code: category.code, name: JSON.stringify(category.name), description: JSON.stringify(category.description),
    department_id: category.departmentId, active: category.active,
    position: sql<number>`(select coalesce(max(position), -1) + 1 from report_categories where tenant_id = ${tenantId})`,
  }).onConflict((oc) => oc.columns(['tenant_id', 'code']).doNothing()).returning('id').executeTakeFirst();
  return row?.id;
}

/** Changes a category's names, descriptions, routing and whether it is offered; false when there is none with this id. */
export async function updateCategory(trx: Trx, id: string, change: Omit<CategorySetting, 'id' | 'code'>): Promise<boolean> {
  const row = await trx.updateTable('report_categories').set({
    name: JSON.stringify(change.name), description: JSON.stringify(change.description), department_id: change.departmentId, active: change.active,
  }).where('id', '=', id).returning('id').executeTakeFirst();
  return row !== undefined;
}
