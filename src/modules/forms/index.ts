export { formDefinition, localized } from './form-definition.js';
export type { FormDefinition, Localized, StepDefinition, FieldDefinition } from './form-definition.js';
export { formRoutes } from './forms.routes.js';
export { formApiRoutes } from './forms.api-routes.js';
export { registerDefinitionSnapshots, resolveDefinition } from './definitions.js';
export { submissionJobHandlers } from './submission-mail.js';
export { displayValue, isShown, visibleSteps, type Answers } from './answers.js';
export { renderReceiptPdf } from './receipt.js';
export { deleteAbandonedDrafts } from './forms.repository.js';
