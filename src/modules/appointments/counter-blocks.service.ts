import { Temporal } from 'temporal-polyfill';
import { z } from 'zod';
import { isUuid } from '../../platform/crypto/tokens.js';
import { inTransaction, type Db } from '../../platform/db/database.js';
import { enqueueJob } from '../../platform/jobs/jobs.js';
import { findLocationSetup, lockCounterForBlock } from './appointments.repository.js';
import type { LocationSetup } from './appointments.js';
import { cancelBookingsUnderBlock, insertBlock, listCurrentBlocks, type CounterBlock } from './counter-blocks.repository.js';
import { appointmentTimeZone } from './slots.js';
import type { t } from './waiting-list.i18n.js';

/** The job that mails a citizen whose appointment a counter block cancelled, with the reason and free times. */
export const blockedMailJob = 'appointments.cancelled_by_block';

type BlockText = Parameters<typeof t>[1];

const dayPattern = /^\d{4}-\d{2}-\d{2}$/;
const timePattern = /^([01]\d|2[0-3]):[0-5]\d$/;
const blockSchema = z.object({
  resourceId: z.string().refine(isUuid, { error: 'counterRequired' }),
  day: z.string().trim().regex(dayPattern, { error: 'dayInvalid' }),
  from: z.string().trim().regex(timePattern, { error: 'timeInvalid' }),
  until: z.string().trim().regex(timePattern, { error: 'timeInvalid' }),
  reason: z.string().trim().min(1, { error: 'reasonRequired' }).max(200, { error: 'reasonTooLong' }),
});

/** The form of a block as staff fill it in: a counter, a day, wall-clock times and a reason. */
export type BlockForm = Record<'resourceId' | 'day' | 'from' | 'until' | 'reason', string>;

/** The instant of a wall-clock time of a Berlin day (the earlier one in the repeated hour). */
function instantOf(day: string, time: string): Date | undefined {
  try {
    return new Date(Temporal.PlainDateTime.from(`${day}T${time}`).toZonedDateTime(appointmentTimeZone, { disambiguation: 'earlier' }).epochMilliseconds);
  } catch {
    return undefined;
  }
}

/** Checks a block form against a location: the fields, a counter of it, an end after the start and after now. */
function parseBlock(setup: LocationSetup, form: BlockForm, now: Date): { ok: true; resourceId: string; start: Date; end: Date; reason: string } | { ok: false; errors: Partial<Record<keyof BlockForm, BlockText>> } {
  const parsed = blockSchema.safeParse(form);
  if (!parsed.success) {
    const errors: Partial<Record<keyof BlockForm, BlockText>> = {};
    for (const issue of parsed.error.issues) errors[issue.path[0] as keyof BlockForm] ??= issue.message as BlockText;
    return { ok: false, errors };
  }
  const v = parsed.data;
  if (!setup.resources.some((r) => r.id === v.resourceId)) return { ok: false, errors: { resourceId: 'counterRequired' } };
  const start = instantOf(v.day, v.from);
  const end = instantOf(v.day, v.until);
  if (!start || !end) return { ok: false, errors: { day: 'dayInvalid' } };
  if (end <= start) return { ok: false, errors: { until: 'untilBeforeFrom' } };
  if (end <= now) return { ok: false, errors: { day: 'inPast' } };
  return { ok: true, resourceId: v.resourceId, start, end, reason: v.reason };
}

/**
 * Blocks a counter of a location for a span, as staff of the location's department (the policy of
 * the block table refuses everyone else): in one transaction the block is written, the held and
 * confirmed bookings it overlaps are cancelled (naming it), and each citizen with a confirmed one
 * is mailed the reason and free times (a job). From then on the slot computation counts the span
 * as busy. Returns how many confirmed appointments were cancelled.
 */
export async function blockCounter(db: Db, tenantId: string, departmentIds: string[], locationId: string, form: BlockForm, now = new Date()): Promise<{ ok: true; cancelled: number } | { ok: false; kind: 'notFound' } | { ok: false; kind: 'invalid'; errors: Partial<Record<keyof BlockForm, BlockText>> }> {
  if (!isUuid(locationId)) return { ok: false, kind: 'notFound' };
  return inTransaction(db, { tenantId, departmentIds }, async (trx) => {
    const setup = await findLocationSetup(trx, locationId);
    if (!setup || !departmentIds.includes(setup.location.departmentId)) return { ok: false, kind: 'notFound' } as const;
    const block = parseBlock(setup, form, now);
    if (!block.ok) return { ok: false, kind: 'invalid', errors: block.errors } as const;
    // Bookings of the counter under way finish first (and are cancelled below); later ones see the block.
    await lockCounterForBlock(trx, block.resourceId);
    const blockId = await insertBlock(trx, tenantId, { locationId, departmentId: setup.location.departmentId, ...block });
    const cancelled = await cancelBookingsUnderBlock(trx, blockId, block.resourceId, block.start, block.end, now);
    for (const bookingId of cancelled) await enqueueJob(trx, { tenantId, kind: blockedMailJob, payload: { bookingId } });
    return { ok: true, cancelled: cancelled.length } as const;
  });
}

/** The blocks of a location that have not ended, for its staff page. */
export function listBlocks(db: Db, tenantId: string, locationId: string, now = new Date()): Promise<CounterBlock[]> {
  return inTransaction(db, { tenantId }, (trx) => listCurrentBlocks(trx, locationId, now));
}
