export { staffRoutes } from './staff.routes.js';
export { createStaff, currentStaff, hashPassword } from './staff.service.js';
export type { StaffMember } from './staff.repository.js';
