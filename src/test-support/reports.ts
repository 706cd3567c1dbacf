import { crc32 } from 'node:zlib';
import sharp from 'sharp';
import type { Db } from '../platform/db/database.js';
import { configureReports } from '../modules/reports/index.js';
import type { Tenant } from '../modules/tenants/tenant.js';
import { buildTestApp, type TestApp } from './app.js';
import { TestBrowser } from './browser.js';
import { asTownOwner } from './database.js';
import { signInClerk } from './staff.js';

/** A square town area around 51.55 N, 7.11 E (factory; the demo town's is in seeds/towns.yaml). */
export const testBoundary = { type: 'Polygon' as const, coordinates: [[[7.08, 51.53], [7.14, 51.53], [7.14, 51.57], [7.08, 51.57], [7.08, 51.53]]] };
/** A point inside testBoundary, and one outside it. */
export const inside = { lat: 51.5512, lon: 7.1123 };
export const outside = { lat: 51.6, lon: 7.2 };

/**
 * Gives a test town its defect report set-up: the test area, two streets, two landmarks, a pothole category routed
 * to the Bauamt (with an optional extra question, its size) and a rubbish category routed to
 * Abfallwirtschaft (departments of buildTenant).
 */
export function setUpReports(db: Db, tenantId: string): Promise<void> {
  return asTownOwner(db, tenantId, (trx) => configureReports(trx, tenantId, {
    boundary: testBoundary,
    outsideNotice: { de: 'Dort ist die Nachbargemeinde Beispielhausen zuständig.', en: 'The neighbouring municipality of Beispielhausen is responsible there.' },
    streets: [{ name: 'Hauptstraße', lat: 51.5501, lon: 7.1101 }, { name: 'Lindenweg', lat: 51.5550, lon: 7.1200 }],
    landmarks: [{ name: 'Marktplatz', description: 'vor dem Rathaus', lat: 51.5512, lon: 7.1131 }, { name: 'Stadtpark-Spielplatz', lat: 51.5581, lon: 7.1252 }],
    categories: [
      {
        code: 'schlagloch', name: { de: 'Schlagloch', en: 'Pothole' }, description: { de: 'Schäden an Straße oder Gehweg', en: 'Damage to a road or pavement' }, department: 'bauamt',
        attributes: [{
          code: 'groesse', datatype: 'singlevaluelist', required: false, description: { de: 'Wie groß ist das Loch?', en: 'How big is the hole?' },
          values: [{ key: 'klein', name: { de: 'Kleiner als ein Teller', en: 'Smaller than a plate' } }, { key: 'gross', name: { de: 'Größer als ein Teller', en: 'Larger than a plate' } }],
        }],
      },
      { code: 'muell', name: { de: 'Wilder Müll', en: 'Illegal dumping' }, description: { de: 'Abgeladener Abfall', en: 'Dumped waste' }, department: 'abfallwirtschaft' },
    ],
  }));
}

/** A small JPEG from a phone, with camera make, serial number and a GPS position in its EXIF. */
export function phoneJpeg(width = 800, height = 600): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: { r: 90, g: 90, b: 90 } } })
    .jpeg()
    // Orientation 6: the camera was held upright, the sensor's picture must be turned by 90°.
    .withMetadata({ orientation: 6 })
    .withExifMerge({
      IFD0: { Make: 'Testkamera', Model: 'Schlaglochfinder 3000' },
      IFD2: { BodySerialNumber: 'SN-0815-4711' },
      IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '51/1 33/1 4/1', GPSLongitudeRef: 'E', GPSLongitude: '7/1 6/1 44/1' },
    })
    .toBuffer();
}

/**
 * A decompression bomb: a real PNG whose header claims 100 000 × 100 000 pixels (10 gigapixels,
 * 30 GB decoded) over a few bytes of data. Made by rewriting a tiny PNG's IHDR chunk and its CRC.
 */
export async function pngBomb(): Promise<Buffer> {
  const png = await sharp({ create: { width: 1, height: 1, channels: 3, background: '#000' } }).png().toBuffer();
  const bomb = Buffer.from(png);
  // Signature (8 bytes), then IHDR: length (4), type (4), width (4), height (4) ... CRC over type and data.
  bomb.writeUInt32BE(100_000, 16);
  bomb.writeUInt32BE(100_000, 20);
  bomb.writeUInt32BE(crc32(bomb.subarray(12, 29)), 29);
  return bomb;
}

/** Whether bytes hold an EXIF GPS IFD pointer (tag 0x8825, type LONG) in either byte order. */
export function hasGpsIfd(bytes: Buffer): boolean {
  return bytes.includes(Buffer.from([0x88, 0x25, 0x00, 0x04])) || bytes.includes(Buffer.from([0x25, 0x88, 0x04, 0x00]));
}


/**
 * Files a report through the public form in a fresh browser (or the one given), past the duplicate
 * hint; returns its id and the browser, which holds the receipt.
 */
export async function fileReport(app: TestApp, host: string, fields: Record<string, string>, browser = new TestBrowser(app.app, host)): Promise<{ id: string; browser: TestBrowser }> {
  await browser.get('/maengel/melden');
  const sent = await browser.postMultipart('/maengel/melden', {
    kategorie: 'schlagloch', breite: String(inside.lat), laenge: String(inside.lon), beschreibung: 'Tiefes Loch', trotzdem: '1', ...fields,
  }, {});
  if (sent.statusCode !== 303) throw new Error(`report not filed (${sent.statusCode}): ${sent.body.slice(0, 300)}`);
  return { id: (sent.headers.location as string).split('/')[2]!, browser };
}

/** A test app with a town set up for reports (setUpReports) and a signed-in clerk of its Bauamt. */
export async function buildReportTown(): Promise<{ app: TestApp; tenant: Tenant; host: string; clerk: TestBrowser }> {
  const app = await buildTestApp();
  const { tenant, host } = await app.createTown();
  await setUpReports(app.database.db, tenant.id);
  const clerk = new TestBrowser(app.app, host);
  await signInClerk(clerk, await app.createClerk(tenant, 'bauamt'));
  return { app, tenant, host, clerk };
}
