export { administrationRoutes } from './administration.routes.js';
export { administrationJobHandlers } from './invitation-mail.js';
export {
  createDepartment, createStaffAccount, getStaffAccount, grantRole, listDepartments, listStaff, resendInvitation, resetStaffSecondFactor, revokeRole,
  setDepartmentActive, setStaffActive, setTownAdmin, updateDepartmentDetails, type DepartmentRef, type StaffRef,
} from './administration.service.js';
export { departmentRoles, isDepartmentRole, type AdminActor, type AdminText, type Outcome, type StaffAccount, type DepartmentRecord } from './administration.js';
export { t as administrationText } from './administration.i18n.js';
export { adminActorOf, mayManageTown } from './administration.policy.js';
export { AdminFrame, ForbiddenPage, type AdminPageProps } from './views/admin-pages.js';
