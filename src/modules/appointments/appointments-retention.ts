import { sql } from 'kysely';
import { inTransaction, type Db } from '../../platform/db/database.js';
import { recordAudit } from '../audit/index.js';

/**
 * Deletes the contact data (name, e-mail, language) and management tokens of the town's
 * appointments whose location's `contact_retention_days` have passed since they ended (a
 * confirmed one at its end; a cancelled one at its cancellation, an expired hold when it was
 * made, each at the latest at its end), and the waiting-list places (with their contacts) ended,
 * or never confirmed, that long ago. The bookings stay, without a person, for the statistics and
 * the exclusion constraint's history. Runs as the retention job's role (ADR 0011), which alone may
 * delete these rows; one audit entry with the counts. Safe to run twice.
 */
export async function purgeAppointmentContacts(db: Db, tenantId: string, options: { actor: string; now?: Date }): Promise<{ bookings: number; waitlistEntries: number }> {
  const now = options.now ?? new Date();
  return inTransaction(db, { tenantId }, async (trx) => {
    await sql`select set_config('role', 'rathaus_retention', true)`.execute(trx);
    const due = sql<boolean>`least(upper(b.span), case b.status when 'cancelled' then b.cancelled_at when 'expired' then b.created_at else upper(b.span) end)
      < ${now}::timestamptz - make_interval(days => l.contact_retention_days)`;
    await sql`delete from appointment_manage_tokens t using appointment_bookings b, appointment_locations l
      where b.id = t.booking_id and l.id = b.location_id and ${due}`.execute(trx);
    const bookings = await sql`delete from appointment_booking_contacts c using appointment_bookings b, appointment_locations l
      where b.id = c.booking_id and l.id = b.location_id and ${due}`.execute(trx);
    const entries = await sql`delete from appointment_waitlist_entries e using appointment_locations l
      where l.id = e.location_id and coalesce(e.ended_at, case when e.status = 'unconfirmed' then e.created_at end)
        < ${now}::timestamptz - make_interval(days => l.contact_retention_days)`.execute(trx);
    const counts = { bookings: Number(bookings.numAffectedRows ?? 0), waitlistEntries: Number(entries.numAffectedRows ?? 0) };
    if (counts.bookings + counts.waitlistEntries > 0) {
      await recordAudit(trx, { tenantId, actor: options.actor, action: 'appointments.contacts_deleted', subject: `tenant:${tenantId}`, details: { ...counts, reason: 'retention' } });
    }
    return counts;
  });
}
