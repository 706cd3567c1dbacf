export { staffRoutes } from './staff.routes.js';
export { confirmTotpEnrolment, createStaff, currentStaff, requireStaff, hashPassword, minPasswordLength, resetSecondFactor, startTotpEnrolment } from './staff.service.js';
export type { StaffMember } from './staff.repository.js';
export { staffOidcRoutes } from './oidc-login.routes.js';
export { linkStaffToIdp, removeStaffIdp, setStaffIdp, showStaffIdp, staffIdpInputProblems, unlinkStaffFromIdp, type StaffIdpInput } from './oidc-login.js';
