import { sql } from 'kysely';
import type { Trx } from '../../platform/db/database.js';

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
