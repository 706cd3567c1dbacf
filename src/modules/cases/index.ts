export { caseStatuses, caseStatusNames, type CaseStatus } from './case.js';
export { casesStaffRoutes } from './cases.staff-routes.js';
export { ledDepartmentIds, requireLead } from './lead-access.js';
export { StaffBar } from './views/case-pages.js';
export {
  answerApplicantRequest, applicantRequestJob, listApplicantRequests,
  type AnswerChannel, type AnswerOutcome, type ApplicantRequest,
} from './applicant-requests.js';
export { answerRefusalText, readAnswerForm } from './applicant-answer-form.js';
export { postboxNoticeJob } from './applicant-notice.js';
export { ApplicantQuestions, type AnswerFormState } from './views/applicant-questions.js';
export { withdrawableStatuses, withdrawApplication, withdrawOpenCase, type WithdrawalChannel } from './applicant-withdrawal.js';
