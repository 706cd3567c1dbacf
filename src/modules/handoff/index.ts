export { handoffStaffRoutes } from './handoff.staff-routes.js';
export { handoffJobHandlers, listCaseHandoffs, listHandoffTargets, removeHandoffTarget, setHandoffTarget } from './handoff.service.js';
export type { HandoffDelivery } from './handoff.js';
export { CaseHandoffSection, describeHandoffEvent } from './views/handoff-section.js';
