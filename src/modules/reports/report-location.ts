import { booleanPointInPolygon } from '@turf/boolean-point-in-polygon';
import type { GeoJsonArea } from '../../platform/db/schema.js';
import type { ReportStreet } from './report.js';

/** Where a report is, as the form gave it. */
export type LocationInput = { streetId: string; houseNumber: string; lat: string; lon: string };
/** A resolved location: the point, the public label (street name only) and the private address. */
export interface ReportLocation { lat: number; lon: number; label: string | null; address: string | null }
/** Why a location is not accepted. */
export type LocationProblem = 'missing' | 'unknownStreet' | 'invalidCoordinates' | 'invalidHouseNumber';

// Decimal degrees; German users type a decimal comma.
const degrees = /^-?\d{1,3}(?:[.,]\d{1,8})?$/;
const houseNumber = /^[0-9]{1,4}\s?[a-zA-Z]?(?:\s?[-/]\s?[0-9]{1,4}\s?[a-zA-Z]?)?$/;

/**
 * The point of a report: typed coordinates when given (the map fills them in), otherwise the
 * picked street's point. The street name is the public label; with the house number it is the
 * private address. The boundary is checked separately (isInsideArea).
 */
export function resolveLocation(input: LocationInput, streets: readonly ReportStreet[]): ReportLocation | LocationProblem {
  const street = input.streetId ? streets.find((s) => s.id === input.streetId) : undefined;
  if (input.streetId && !street) return 'unknownStreet';
  if (input.houseNumber && (!street || !houseNumber.test(input.houseNumber))) return 'invalidHouseNumber';
  const address = street ? [street.name, input.houseNumber].filter(Boolean).join(' ') : null;
  if (input.lat || input.lon) {
    if (!degrees.test(input.lat) || !degrees.test(input.lon)) return 'invalidCoordinates';
    const lat = Number(input.lat.replace(',', '.'));
    const lon = Number(input.lon.replace(',', '.'));
    if (Math.abs(lat) > 90 || Math.abs(lon) > 180) return 'invalidCoordinates';
    return { lat, lon, label: street?.name ?? null, address };
  }
  if (!street) return 'missing';
  return { lat: street.lat, lon: street.lon, label: street.name, address };
}

/** Whether a point lies in the town's area (GeoJSON order is longitude, latitude). */
export function isInsideArea(area: GeoJsonArea, point: { lat: number; lon: number }): boolean {
  return booleanPointInPolygon([point.lon, point.lat], area);
}

/** Lower case, "str." spelt out, one space: how a typed address and a street name are compared. */
function normalizeStreet(text: string): string {
  return text.toLowerCase().replace(/str\.(?=\s|,|$)/g, 'straße').replace(/strasse/g, 'straße').replace(/\s+/g, ' ').trim();
}

/**
 * Finds the street of the town's list an address like "Hauptstr. 12a" begins with (the longest
 * match, so "Am Markt 3" is not taken for "Am Mark"), and the house number after it. Nothing is
 * looked up elsewhere: an address outside the list is not found.
 */
export function findStreetOfAddress(address: string, streets: readonly ReportStreet[]): { streetId: string; houseNumber: string } | undefined {
  const typed = normalizeStreet(address);
  const street = streets
    .filter((s) => { const name = normalizeStreet(s.name); return typed === name || typed.startsWith(`${name} `) || typed.startsWith(`${name},`); })
    .sort((a, b) => b.name.length - a.name.length)[0];
  return street && { streetId: street.id, houseNumber: typed.slice(normalizeStreet(street.name).length).replace(/^[\s,]+/, '') };
}
