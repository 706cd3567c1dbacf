import type { Db } from '../platform/db/database.js';
import { configureReports } from '../modules/reports/index.js';
import { asTownOwner } from './database.js';

/** A square town area around 51.55 N, 7.11 E (factory; the demo town's is in seeds/towns.yaml). */
export const testBoundary = { type: 'Polygon' as const, coordinates: [[[7.08, 51.53], [7.14, 51.53], [7.14, 51.57], [7.08, 51.57], [7.08, 51.53]]] };
/** A point inside testBoundary, and one outside it. */
export const inside = { lat: 51.5512, lon: 7.1123 };
export const outside = { lat: 51.6, lon: 7.2 };

/**
 * Gives a test town its defect report set-up: the test area, two streets, a pothole category routed
 * to the Bauamt and a rubbish category routed to Abfallwirtschaft (departments of buildTenant).
 */
export function setUpReports(db: Db, tenantId: string): Promise<void> {
  return asTownOwner(db, tenantId, (trx) => configureReports(trx, tenantId, {
    boundary: testBoundary,
    outsideNotice: { de: 'Dort ist die Nachbargemeinde Beispielhausen zuständig.', en: 'The neighbouring municipality of Beispielhausen is responsible there.' },
    streets: [{ name: 'Hauptstraße', lat: 51.5501, lon: 7.1101 }, { name: 'Lindenweg', lat: 51.5550, lon: 7.1200 }],
    categories: [
      { code: 'schlagloch', name: { de: 'Schlagloch', en: 'Pothole' }, description: { de: 'Schäden an Straße oder Gehweg', en: 'Damage to a road or pavement' }, department: 'bauamt' },
      { code: 'muell', name: { de: 'Wilder Müll', en: 'Illegal dumping' }, description: { de: 'Abgeladener Abfall', en: 'Dumped waste' }, department: 'abfallwirtschaft' },
    ],
  }));
}
