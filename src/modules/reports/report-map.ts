import type { FastifyReply } from 'fastify';
import { inTransaction, type Db } from '../../platform/db/database.js';
import type { GeoJsonArea } from '../../platform/db/schema.js';
import { allowImageOrigins } from '../../platform/http/security-headers.js';
import { recordAudit } from '../audit/index.js';
import { findTileLayer, upsertTileLayer } from './report-map.repository.js';

/** Where a town's maps load their tiles from, and the credit the tiles' licence asks for. */
export interface TileLayer { urlTemplate: string; attribution: string }

/**
 * Used until a town names its own tile server. OpenStreetMap's tile usage policy allows light use
 * with this attribution; a town with much traffic should run or buy its own (ADR 0026).
 */
export const defaultTileLayer: TileLayer = { urlTemplate: 'https://tile.openstreetmap.org/{z}/{x}/{y}.png', attribution: '© OpenStreetMap-Mitwirkende' };

/** Why a tile layer is refused, by form field. */
export type TileLayerProblems = Partial<Record<'tileUrl', 'missing' | 'tooLong' | 'notHttps' | 'placeholders' | 'hostPlaceholder' | 'invalid'> & Record<'attribution', 'missing' | 'tooLong' | 'markup'>>;

const maxUrlLength = 500;
const maxAttributionLength = 200;

/**
 * Checks a tile URL template and attribution as a town admin typed them. The template must be
 * https, hold {z}, {x} and {y} (and at most {r} besides: Leaflet's retina suffix) and name one
 * fixed host: the page's Content-Security-Policy admits images from exactly that origin, so
 * Leaflet's {s} subdomains are not offered. The attribution is plain text (Leaflet would insert
 * markup as HTML).
 */
export function checkTileLayer(input: { tileUrl: string; attribution: string }): { ok: true; layer: TileLayer } | { ok: false; problems: TileLayerProblems } {
  const problems: TileLayerProblems = {};
  const url = input.tileUrl.trim();
  const attribution = input.attribution.trim().replace(/\s+/g, ' ');
  if (!url) problems.tileUrl = 'missing';
  else if (url.length > maxUrlLength) problems.tileUrl = 'tooLong';
  else if (!/^https:\/\//i.test(url)) problems.tileUrl = 'notHttps';
  else if (/[{}]/.test(url.slice('https://'.length).split(/[/?#]/)[0]!)) problems.tileUrl = 'hostPlaceholder';
  else if (!['{z}', '{x}', '{y}'].every((p) => url.includes(p)) || /\{(?![zxyr]\})[^}]*\}/.test(url)) problems.tileUrl = 'placeholders';
  else if (!url.slice('https://'.length).includes('/')) problems.tileUrl = 'invalid';
  else {
    const parsed = URL.canParse(url.replace(/\{[zxyr]\}/g, '1')) ? new URL(url.replace(/\{[zxyr]\}/g, '1')) : undefined;
    if (!parsed || parsed.username || parsed.password || parsed.hash) problems.tileUrl = 'invalid';
  }
  if (!attribution) problems.attribution = 'missing';
  else if (attribution.length > maxAttributionLength) problems.attribution = 'tooLong';
  else if (/[<>]/.test(attribution)) problems.attribution = 'markup';
  return Object.keys(problems).length > 0 ? { ok: false, problems } : { ok: true, layer: { urlTemplate: url, attribution } };
}

/** The origin a template's tiles come from (scheme, host, port), for the Content-Security-Policy. */
export function tileOrigin(layer: TileLayer): string {
  return new URL(layer.urlTemplate.replace(/\{[zxyr]\}/g, '1')).origin;
}

/** The town's tile layer: its own, or the default. */
export async function loadTileLayer(db: Db, tenantId: string): Promise<TileLayer> {
  return (await inTransaction(db, { tenantId }, (trx) => findTileLayer(trx))) ?? defaultTileLayer;
}

/** Loads the town's tile layer for a page with a map and lets this response load images from the tile server. */
export async function prepareMapPage(db: Db, tenantId: string, reply: FastifyReply): Promise<TileLayer> {
  const layer = await loadTileLayer(db, tenantId);
  allowImageOrigins(reply, [tileOrigin(layer)]);
  return layer;
}

/** Stores a checked tile layer for the town, with an audit entry. */
export async function saveTileLayer(db: Db, tenantId: string, actor: string, layer: TileLayer): Promise<void> {
  await inTransaction(db, { tenantId }, async (trx) => {
    await upsertTileLayer(trx, tenantId, layer);
    await recordAudit(trx, { tenantId, actor, action: 'reports.map-changed', subject: `tenant:${tenantId}`, details: { origin: tileOrigin(layer) } });
  });
}

/** The box around a town's area as south, west, north, east: where a map starts before it has markers. */
export function areaBounds(area: GeoJsonArea): [number, number, number, number] {
  const rings = area.type === 'Polygon' ? area.coordinates : area.coordinates.flat();
  const points = rings.flat();
  const lats = points.map((p) => p[1]!);
  const lons = points.map((p) => p[0]!);
  return [Math.min(...lats), Math.min(...lons), Math.max(...lats), Math.max(...lons)];
}
