export { accountRoutes } from './accounts.routes.js';
export { accountDataRoutes } from './data-rights.routes.js';
export { coreAccountDataSections, type AccountDataSection, type ExportFile } from './account-data.js';
export { signInMethodRoutes } from './sign-in-methods.routes.js';
export { accountJobHandlers, accountPaths } from './account-mail.js';
export { currentAccount, requireAccount, requireAccountForm, safeNextPath, type SignedInAccount } from './account-session.js';
export { isLinkToken, meetsTrustLevel, normalizeEmail, type Account } from './account.js';
