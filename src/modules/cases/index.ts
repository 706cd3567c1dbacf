export { caseStatuses, caseStatusNames, type CaseStatus } from './case.js';
export { casesStaffRoutes } from './cases.staff-routes.js';
export { StaffBar } from './views/case-pages.js';
