import { inTransaction, type Db } from '../../platform/db/database.js';
import type { Localized } from '../../platform/i18n/i18n.js';
import { countReportsByMonth, countReportsPerCell, medianDaysToDone, type StatisticsScope } from './report-statistics.repository.js';

/**
 * Grid of the heat map in degrees: 0.005° of latitude is 556 m; 0.008° of longitude is 540–600 m
 * across Germany (47°–55° N). Coarse enough that a cell never points at one house.
 */
export const gridStep = { lat: 0.005, lon: 0.008 } as const;
/** The grid's cell size as the page states it. */
export const gridMetres = 550;

/** The figures of the report statistics page; no personal data, only counts. */
export interface ReportStatistics {
  byMonth: Array<{ code: string; name: Localized; month: string; open: number; closed: number }>;
  timeToDone: Array<{ code: string; name: Localized; done: number; medianDays: number }>;
  /** Grid cells as south, west, north, east with their count, most first. */
  cells: Array<{ bounds: [number, number, number, number]; count: number }>;
}

const roundCorner = (n: number) => Math.round(n * 1e6) / 1e6;

/**
 * Computes the statistics of reports filed in a period in the given departments, in one
 * transaction as those departments (row-level security shows their report history).
 */
export function loadReportStatistics(db: Db, tenantId: string, scope: StatisticsScope): Promise<ReportStatistics> {
  return inTransaction(db, { tenantId, departmentIds: scope.departmentIds }, async (trx) => {
    const byMonth = await countReportsByMonth(trx, scope);
    const timeToDone = await medianDaysToDone(trx, scope);
    const cells = (await countReportsPerCell(trx, scope, gridStep)).map((c) => ({
      bounds: [c.y * gridStep.lat, c.x * gridStep.lon, (c.y + 1) * gridStep.lat, (c.x + 1) * gridStep.lon].map(roundCorner) as [number, number, number, number],
      count: c.count,
    }));
    return { byMonth, timeToDone, cells };
  });
}
