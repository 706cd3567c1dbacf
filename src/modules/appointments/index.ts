export { appointmentAdminRoutes } from './appointments.admin-routes.js';
export { seedAppointmentLocation, type SeedLocation } from './appointments.seed.js';
export { appointmentMinutes, checkSlot, freeSlots, holidayRegions, type BusySpan, type Schedule, type Slot, type SlotDay } from './slots.js';
export { BookableServices, confirmAppointment, expireAppointmentHolds, holdAppointment, holdMinutes, issueConfirmationToken, type ConfirmOutcome, type HoldRequest, type HoldRefusal } from './bookings.service.js';
export { appointmentRoutes } from './appointments.routes.js';
export { appointmentJobHandlers } from './booking-mail.js';
export { queueRoutes } from './queue.staff-routes.js';
