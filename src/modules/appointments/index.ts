import { appointmentJobHandlers as bookingJobHandlers, type MailDeps } from './booking-mail.js';
import { waitingListJobHandlers } from './waiting-list.jobs.js';

export { appointmentAdminRoutes } from './appointments.admin-routes.js';
export { seedAppointmentLocation, type SeedLocation } from './appointments.seed.js';
export { appointmentMinutes, checkSlot, freeSlots, holidayRegions, type BusySpan, type Schedule, type Slot, type SlotDay } from './slots.js';
export { BookableServices, confirmAppointment, expireAppointmentHolds, holdAppointment, holdMinutes, issueConfirmationToken, type ConfirmOutcome, type HoldRequest, type HoldRefusal } from './bookings.service.js';
export { appointmentRoutes } from './appointments.routes.js';
export { queueRoutes } from './queue.staff-routes.js';
export { purgeAppointmentContacts } from './appointments-retention.js';
export { pickupAppointment } from './pickup.js';
/** Every job handler of the appointments: booking mails and reminders, the waiting list, mails about blocked counters. */
export const appointmentJobHandlers = (deps: MailDeps) => ({ ...bookingJobHandlers(deps), ...waitingListJobHandlers(deps) });
