import { isUuid } from '../../platform/crypto/tokens.js';
import { inTransaction, type Db, type Trx } from '../../platform/db/database.js';
import { recordAudit } from '../audit/index.js';
import { mayManageTown, type AdminActor } from '../administration/index.js';
import type { AppointmentLocation, ConfigOutcome, LocationSetup } from './appointments.js';
import {
  deleteClosure, deleteOffer, findActiveDepartmentId, findLocationSetup, insertClosure, insertLocation, insertResource, listLocationRows, listTownServiceIds,
  replaceOpeningHours, setResourceDeactivated, updateLocation, upsertOffer, type LocationValues,
} from './appointments.repository.js';
import { closureSchema, locationSchema, offerSchema, parseInput, parseWeekHours, resourceSchema, type LocationForm, type OfferInput } from './appointments.schema.js';

const forbidden = { ok: false, kind: 'forbidden' } as const;
const notFound = { ok: false, kind: 'notFound' } as const;
const done: ConfigOutcome = { ok: true, value: undefined };

function auditActor(actor: AdminActor): string {
  return actor.kind === 'cli' ? 'cli' : `staff:${actor.staffId}`;
}

type Refused = Extract<ConfigOutcome, { ok: false }>;
/** What the audit log keeps of a change: ids, keys and numbers, never personal data. */
type AuditDetails = Record<string, string | number | boolean>;

/**
 * Runs a configuration change of one location as the town: only town admins configure
 * appointments; a location of another town (or none) is not found. The change is audited.
 */
function changeLocation(db: Db, tenantId: string, actor: AdminActor, locationId: string, action: string, change: (trx: Trx) => Promise<Refused | AuditDetails>): Promise<ConfigOutcome> {
  if (!mayManageTown(actor)) return Promise.resolve(forbidden);
  if (!isUuid(locationId)) return Promise.resolve(notFound);
  return inTransaction(db, { tenantId }, async (trx) => {
    if (!(await findLocationSetup(trx, locationId))) return notFound;
    const result = await change(trx);
    if ('ok' in result) return result as Refused;
    await recordAudit(trx, { tenantId, actor: auditActor(actor), action, subject: `appointment_location:${locationId}`, details: result });
    return done;
  });
}

/** The town's appointment locations (town admins). */
export async function listLocations(db: Db, tenantId: string, actor: AdminActor): Promise<ConfigOutcome<Array<AppointmentLocation & { counters: number; services: number }>>> {
  if (!mayManageTown(actor)) return forbidden;
  return { ok: true, value: await inTransaction(db, { tenantId }, listLocationRows) };
}

/** One location with everything configured for it, and the services the town could offer there (town admins). */
export async function getLocationSetup(db: Db, tenantId: string, actor: AdminActor, locationId: string): Promise<ConfigOutcome<LocationSetup & { townServiceIds: string[] }>> {
  if (!mayManageTown(actor)) return forbidden;
  if (!isUuid(locationId)) return notFound;
  return inTransaction(db, { tenantId }, async (trx) => {
    const setup = await findLocationSetup(trx, locationId);
    return setup ? { ok: true, value: { ...setup, townServiceIds: await listTownServiceIds(trx) } } : notFound;
  });
}

async function locationValues(trx: Trx, input: LocationForm): Promise<ConfigOutcome<LocationValues>> {
  const parsed = parseInput(locationSchema, input);
  if (!parsed.ok) return { ok: false, kind: 'invalid', errors: parsed.errors };
  const v = parsed.data;
  const departmentId = await findActiveDepartmentId(trx, v.department);
  if (!departmentId) return { ok: false, kind: 'invalid', errors: { department: 'departmentUnknown' } };
  return {
    ok: true,
    value: { departmentId, name: v.name, address: v.address, accessibility: v.accessibility, holidayRegion: v.holidayRegion, horizonDays: v.horizonDays, leadMinutes: v.leadHours * 60, slotMinutes: v.slotMinutes, ticketLetter: v.ticketLetter, releaseTime: v.releaseTime,
      contactRetentionDays: v.contactRetentionDays,
    },
  };
}

/** Creates a location (town admins); `department` is the key of the department serving it. */
export async function createLocation(db: Db, tenantId: string, actor: AdminActor, input: LocationForm): Promise<ConfigOutcome<{ id: string }>> {
  if (!mayManageTown(actor)) return forbidden;
  return inTransaction(db, { tenantId }, async (trx) => {
    const values = await locationValues(trx, input);
    if (!values.ok) return values;
    const id = await insertLocation(trx, tenantId, values.value);
    await recordAudit(trx, { tenantId, actor: auditActor(actor), action: 'appointment_location.created', subject: `appointment_location:${id}` });
    return { ok: true, value: { id } };
  });
}

/** Changes a location's details (town admins). */
export function updateLocationDetails(db: Db, tenantId: string, actor: AdminActor, locationId: string, input: LocationForm): Promise<ConfigOutcome> {
  return changeLocation(db, tenantId, actor, locationId, 'appointment_location.updated', async (trx): Promise<Refused | AuditDetails> => {
    const values = await locationValues(trx, input);
    if (!values.ok) return values;
    await updateLocation(trx, locationId, values.value);
    return { department: input.department };
  });
}

/** Adds a counter (town admins). */
export function addCounter(db: Db, tenantId: string, actor: AdminActor, locationId: string, input: { counterName: string }): Promise<ConfigOutcome> {
  return changeLocation(db, tenantId, actor, locationId, 'appointment_location.counter_added', async (trx): Promise<Refused | AuditDetails> => {
    const parsed = parseInput(resourceSchema, input);
    if (!parsed.ok) return { ok: false, kind: 'invalid', errors: parsed.errors };
    if (!(await insertResource(trx, tenantId, locationId, parsed.data.counterName))) return { ok: false, kind: 'invalid', errors: { counterName: 'counterNameTaken' } };
    return { counter: parsed.data.counterName };
  });
}

/** Deactivates or reactivates a counter (town admins); its bookings stay. */
export function setCounterActive(db: Db, tenantId: string, actor: AdminActor, locationId: string, resourceId: string, active: boolean): Promise<ConfigOutcome> {
  return changeLocation(db, tenantId, actor, locationId, active ? 'appointment_location.counter_activated' : 'appointment_location.counter_deactivated', async (trx) =>
    isUuid(resourceId) && (await setResourceDeactivated(trx, locationId, resourceId, !active)) ? { counter: resourceId } : notFound);
}

/** Offers a service of the town at a location, or changes its durations (town admins). */
export function saveOffer(db: Db, tenantId: string, actor: AdminActor, locationId: string, input: OfferInput): Promise<ConfigOutcome> {
  return changeLocation(db, tenantId, actor, locationId, 'appointment_location.offer_saved', async (trx): Promise<Refused | AuditDetails> => {
    const parsed = parseInput(offerSchema, input);
    if (!parsed.ok) return { ok: false, kind: 'invalid', errors: parsed.errors };
    const v = parsed.data;
    if (!(await listTownServiceIds(trx)).includes(v.offerService)) return { ok: false, kind: 'invalid', errors: { offerService: 'serviceUnknown' } };
    await upsertOffer(trx, tenantId, locationId, { serviceId: v.offerService, minutes: v.offerMinutes, minutesPerExtraPerson: v.offerExtraMinutes, maxPersons: v.offerMaxPersons });
    return { service: v.offerService, minutes: v.offerMinutes, minutesPerExtraPerson: v.offerExtraMinutes, maxPersons: v.offerMaxPersons };
  });
}

/** Stops offering a service at a location (town admins); booked appointments stay. */
export function removeOffer(db: Db, tenantId: string, actor: AdminActor, locationId: string, serviceId: string): Promise<ConfigOutcome> {
  return changeLocation(db, tenantId, actor, locationId, 'appointment_location.offer_removed', async (trx) =>
    (await deleteOffer(trx, locationId, serviceId)) ? { service: serviceId } : notFound);
}

/** Replaces the week's opening hours from the seven weekday fields `hours1` … `hours7` (town admins). */
export function saveOpeningHours(db: Db, tenantId: string, actor: AdminActor, locationId: string, form: Record<string, string>): Promise<ConfigOutcome> {
  return changeLocation(db, tenantId, actor, locationId, 'appointment_location.hours_saved', async (trx): Promise<Refused | AuditDetails> => {
    const week = parseWeekHours(form);
    if (!week.ok) return { ok: false, kind: 'invalid', errors: week.errors };
    await replaceOpeningHours(trx, tenantId, locationId, week.intervals);
    return { intervals: week.intervals.length };
  });
}

/** Enters closure days (town admins). */
export function addClosure(db: Db, tenantId: string, actor: AdminActor, locationId: string, input: { closureFirst: string; closureLast: string; closureReason: string }): Promise<ConfigOutcome> {
  return changeLocation(db, tenantId, actor, locationId, 'appointment_location.closure_added', async (trx): Promise<Refused | AuditDetails> => {
    const parsed = parseInput(closureSchema, input);
    if (!parsed.ok) return { ok: false, kind: 'invalid', errors: parsed.errors };
    const v = parsed.data;
    await insertClosure(trx, tenantId, locationId, { firstDay: v.closureFirst, lastDay: v.closureLast, reason: v.closureReason });
    return { firstDay: v.closureFirst, lastDay: v.closureLast };
  });
}

/** Removes closure days (town admins). */
export function removeClosure(db: Db, tenantId: string, actor: AdminActor, locationId: string, closureId: string): Promise<ConfigOutcome> {
  return changeLocation(db, tenantId, actor, locationId, 'appointment_location.closure_removed', async (trx) =>
    isUuid(closureId) && (await deleteClosure(trx, locationId, closureId)) ? { closure: closureId } : notFound);
}
