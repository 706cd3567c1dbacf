import type { AppointmentMessage } from './appointments.i18n.js';
import type { HolidayRegion, OpeningInterval, Schedule, ServiceDuration } from './slots.js';

/** A place with counters where citizens are seen, as the administration shows it. */
export interface AppointmentLocation {
  id: string;
  departmentId: string;
  name: string;
  address: string;
  accessibility: string;
  holidayRegion: HolidayRegion;
  horizonDays: number;
  leadMinutes: number;
  slotMinutes: number;
  /** The letter of the location's tickets on the day. */
  ticketLetter: string;
  /** Wall-clock 'HH:MM' at which the day entering the horizon opens for booking; null: at midnight. */
  releaseTime: string | null;
  /** Days after an appointment or waiting place ended until its contact data is deleted (1–365). */
  contactRetentionDays: number;
  active: boolean;
}

/** A counter or staff seat of a location. */
export interface AppointmentResource {
  id: string;
  name: string;
  active: boolean;
}

/** A service a location offers, with how long it takes there. */
export interface LocationOffer extends ServiceDuration {
  serviceId: string;
}

/** Whole days a location is closed, 'YYYY-MM-DD' inclusive. */
export interface LocationClosure {
  id: string;
  firstDay: string;
  lastDay: string;
  reason: string;
}

/** Everything configured for one location. */
export interface LocationSetup {
  location: AppointmentLocation;
  resources: AppointmentResource[];
  offers: LocationOffer[];
  openingHours: OpeningInterval[];
  closures: LocationClosure[];
}

/** The schedule the slot computation works with: the location's rules and its active counters. */
export function scheduleOf(setup: LocationSetup): Schedule {
  const { location } = setup;
  return {
    holidayRegion: location.holidayRegion, openingHours: setup.openingHours, closures: setup.closures, horizonDays: location.horizonDays,
    leadMinutes: location.leadMinutes, slotMinutes: location.slotMinutes, releaseTime: location.releaseTime, resourceIds: setup.resources.filter((r) => r.active).map((r) => r.id),
  };
}

/** How long each service offered at a location takes, by service id. */
export function offersOf(setup: LocationSetup): Map<string, ServiceDuration> {
  return new Map(setup.offers.map(({ serviceId, ...duration }) => [serviceId, duration]));
}

/** A refusal message, with the values it names (appointments.i18n.ts). */
export type AppointmentText = AppointmentMessage | { key: AppointmentMessage; params: Record<string, string | number> };

/** The outcome of a configuration use case: done, not allowed, not in this town, or invalid input per field. */
export type ConfigOutcome<T = undefined> =
  | { ok: true; value: T }
  | { ok: false; kind: 'forbidden' }
  | { ok: false; kind: 'notFound' }
  | { ok: false; kind: 'invalid'; errors: Partial<Record<string, AppointmentText>> };
