import { booleanPointInPolygon } from '@turf/boolean-point-in-polygon';
import type { GeoJsonArea } from '../../platform/db/schema.js';
import type { ReportLandmark, ReportStreet } from './report.js';

/** Where a report is, as the form (or an Open311 post) gave it; a landmark is optional. */
export type LocationInput = { streetId: string; houseNumber: string; lat: string; lon: string; landmarkId?: string };
/** The town's lists a location is picked from, and how "near <landmark>" reads in the private address (the reporter's language). */
export interface Places { streets: readonly ReportStreet[]; landmarks?: readonly ReportLandmark[]; near?: (landmark: string) => string }
/** A resolved location: the point, the public label (a street's or landmark's name only) and the private address. */
export interface ReportLocation { lat: number; lon: number; label: string | null; address: string | null }
/** Why a location is not accepted. */
export type LocationProblem = 'missing' | 'unknownStreet' | 'invalidCoordinates' | 'invalidHouseNumber' | 'unknownLandmark' | 'streetAndLandmark';

// Decimal degrees; German users type a decimal comma.
const degrees = /^-?\d{1,3}(?:[.,]\d{1,8})?$/;
const houseNumber = /^[0-9]{1,4}\s?[a-zA-Z]?(?:\s?[-/]\s?[0-9]{1,4}\s?[a-zA-Z]?)?$/;

/**
 * The point of a report: typed coordinates when given (the map fills them in), otherwise the
 * picked street's or landmark's point. The street's or landmark's name is the public label; the
 * street with the house number, or "near <landmark>", is the private address. A street and a
 * landmark together are refused: their points differ, and guessing which one is meant would put
 * the report in the wrong place. The boundary is checked separately (isInsideArea).
 */
export function resolveLocation(input: LocationInput, places: Places): ReportLocation | LocationProblem {
  const street = input.streetId ? places.streets.find((s) => s.id === input.streetId) : undefined;
  if (input.streetId && !street) return 'unknownStreet';
  const landmark = input.landmarkId ? places.landmarks?.find((l) => l.id === input.landmarkId) : undefined;
  if (input.landmarkId && !landmark) return 'unknownLandmark';
  if (street && landmark) return 'streetAndLandmark';
  if (input.houseNumber && (!street || !houseNumber.test(input.houseNumber))) return 'invalidHouseNumber';
  const address = street ? [street.name, input.houseNumber].filter(Boolean).join(' ') : landmark ? (places.near?.(landmark.name) ?? landmark.name) : null;
  const picked = street ?? landmark;
  if (input.lat || input.lon) {
    const point = parsePoint(input.lat, input.lon);
    return point ? { ...point, label: picked?.name ?? null, address } : 'invalidCoordinates';
  }
  if (!picked) return 'missing';
  return { lat: picked.lat, lon: picked.lon, label: picked.name, address };
}

/** A point typed as decimal degrees (a decimal comma allowed), or undefined when either is not one. */
export function parsePoint(latText: string, lonText: string): { lat: number; lon: number } | undefined {
  if (!degrees.test(latText.trim()) || !degrees.test(lonText.trim())) return undefined;
  const lat = Number(latText.trim().replace(',', '.'));
  const lon = Number(lonText.trim().replace(',', '.'));
  return Math.abs(lat) > 90 || Math.abs(lon) > 180 ? undefined : { lat, lon };
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
