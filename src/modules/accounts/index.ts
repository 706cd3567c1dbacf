export { accountRoutes } from './accounts.routes.js';
export { accountDataRoutes } from './data-rights.routes.js';
export { coreAccountDataSections, zipSegment, type AccountDataSection, type ExportFile } from './account-data.js';
export { signInMethodRoutes } from './sign-in-methods.routes.js';
export { accountJobHandlers, accountPaths } from './account-mail.js';
export { currentAccount, requireAccount, requireAccountForm, safeNextPath, type SignedInAccount } from './account-session.js';
export { isLinkToken, meetsTrustLevel, normalizeEmail, type Account } from './account.js';
export { findAccount, findAccountRecord, updateAccountLanguage } from './accounts.repository.js';
export { accountOidcRoutes } from './oidc-login.routes.js';
export {
  accountIdpInputProblems, defaultAcrLevels, parseAcrLevels, removeAccountIdp, setAccountIdp, showAccountIdp, type AccountIdpInput,
} from './oidc-login.js';
export { ensureTrustLevel, ensureTrustLevelForApi, trustLevelProblemSchema } from './oidc-step-up.js';
export { accountIdpPaths, ServiceTrustLevelNote } from './views/oidc-pages.js';
