// The face of accounts and authentication: what other domains and the edges may use. Named, so a new export
// is a decision; the files behind it are free to change.
export { type Actor, actorForUser, isStaff, roles, systemActor } from './actor.js';
export { type ApiToken, createApiToken, listApiTokens, revokeApiToken } from './api-tokens.js';
export { type AuditFilter, type AuditRecord, exportAuditLog, listAuditLog } from './audit-log-reads.js';
export { createGroup, getGroup, listGroups, updateGroup } from './groups.js';
export {
  createIdentityProvider,
  deleteIdentityProvider,
  getIdentityProvider,
  type IdentityMapping,
  type IdentityProvider,
  type IdentityProviderInput,
  type IdentityProviderKind,
  listIdentityProviders,
  type SamlSettings,
  sealStoredSecrets,
  signInMethods,
  updateIdentityProvider,
} from './identity-providers.js';
export {
  createLdapDirectory,
  deleteLdapDirectory,
  getLdapDirectory,
  type LdapBindMode,
  type LdapDirectory,
  type LdapDirectoryInput,
  type LdapMapping,
  type LdapNestedGroups,
  lastLdapSyncReport,
  listLdapDirectories,
  updateLdapDirectory,
} from './ldap-directories.js';
export { signInThroughDirectory } from './ldap-sign-in.js';
export {
  type LdapSyncItem,
  type LdapSyncReport,
  registerLdapSync,
  runDueLdapSyncs,
  syncLdapDirectory,
} from './ldap-sync.js';
export { type LdapTestResult, testLdapDirectory } from './ldap-test.js';
export { LoginThrottle } from './login-throttle.js';
export { endSessionUrl, finishOidcSignIn, ssoSignInTtlMs, startOidcSignIn } from './oidc-sign-in.js';
export { finishPasswordReset, startPasswordReset } from './password-resets.js';
export { hashPassword, verifyPassword } from './passwords.js';
export { canAccounts } from './policies.js';
export {
  finishSamlSignIn,
  type SamlServiceProvider,
  samlClockSkewMs,
  samlMetadata,
  samlResponseMaxBytes,
  startSamlSignIn,
} from './saml-sign-in.js';
export {
  coreGroupUrn,
  coreUserUrn,
  enterpriseUserUrn,
  type Filter as ScimFilter,
  matches as scimFilterMatches,
  parseFilter as parseScimFilter,
  ScimError,
} from './scim-filter.js';
export {
  createScimGroup,
  deleteScimGroup,
  getScimGroup,
  listScimGroups,
  patchScimGroup,
  replaceScimGroup,
} from './scim-groups.js';
export { applyPatch as applyScimPatch } from './scim-patch.js';
export {
  authenticateScim,
  createScimToken,
  listScimTokens,
  revokeScimToken,
  type ScimCaller,
  type ScimToken,
  scimRoles,
} from './scim-tokens.js';
export {
  createScimUser,
  deleteScimUser,
  getScimUser,
  listScimUsers,
  patchScimUser,
  replaceScimUser,
} from './scim-users.js';
export { digest, newSecret, sameSecret } from './secret-tokens.js';
export {
  apiTokenPrefix,
  authenticate,
  login,
  logout,
  onAuthenticationsChanged,
  reauthenticate,
} from './sessions.js';
export { importUsersCsv, type UserImportReport, userImportLimits } from './user-import.js';
export { checkTimeZone, normaliseEmail, type User } from './user-records.js';
export { createUser, ensureFirstAdmin, getUser, listUsers, updateUser } from './users.js';
