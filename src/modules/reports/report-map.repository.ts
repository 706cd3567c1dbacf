import { sql } from 'kysely';
import type { Trx } from '../../platform/db/database.js';

/** The town's own tile server and attribution, if it named one. */
export async function findTileLayer(trx: Trx): Promise<{ urlTemplate: string; attribution: string } | undefined> {
  const row = await trx.selectFrom('report_map_settings').select(['tile_url', 'attribution']).executeTakeFirst();
  return row && { urlTemplate: row.tile_url, attribution: row.attribution };
}

/** Stores the town's tile server and attribution (one row per town). */
export async function upsertTileLayer(trx: Trx, tenantId: string, layer: { urlTemplate: string; attribution: string }): Promise<void> {
  await trx.insertInto('report_map_settings').values({ tenant_id: tenantId, tile_url: layer.urlTemplate, attribution: layer.attribution })
    .onConflict((oc) => oc.column('tenant_id').doUpdateSet({ tile_url: layer.urlTemplate, attribution: layer.attribution, updated_at: sql<Date>`now()` }))
    .execute();
}
