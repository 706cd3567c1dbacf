export { formDefinition, localized } from './form-definition.js';
export type { FormDefinition, Localized, StepDefinition, FieldDefinition } from './form-definition.js';
