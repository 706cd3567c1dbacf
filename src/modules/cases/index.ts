export { caseStatuses, caseStatusNames, type CaseStatus } from './case.js';
export { casesStaffRoutes } from './cases.staff-routes.js';
export { ledDepartmentIds, requireLead } from './lead-access.js';
export { StaffBar } from './views/case-pages.js';
export {
  answerApplicantRequest, applicantRequestJob, checkReply, listApplicantRequests, replyUploadStep,
  type AnswerChannel, type AnswerOutcome, type ApplicantRequest,
} from './applicant-requests.js';
export { t as applicantRequestTexts } from './applicant-requests.i18n.js';
export { ApplicantQuestions, type AnswerFormState } from './views/applicant-questions.js';
export { withdrawableStatuses, withdrawApplication, type WithdrawalChannel } from './applicant-withdrawal.js';
