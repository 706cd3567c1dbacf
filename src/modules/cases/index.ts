export { caseStatuses, caseStatusNames, type CaseStatus } from './case.js';
export { casesStaffRoutes } from './cases.staff-routes.js';
