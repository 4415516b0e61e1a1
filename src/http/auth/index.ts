export { createAuthMiddleware, type AuthMiddlewareOptions } from './middleware.js';
export {
  HtpasswdAuthenticator,
  type HtpasswdAuthenticatorOptions,
  type PasswordVerifier,
} from './authenticator.js';
export {
  parseHtpasswd,
  hashScheme,
  verifyHash,
  hashBcrypt,
  setHtpasswdEntry,
  DEFAULT_BCRYPT_COST,
  type HashScheme,
  type HtpasswdEntry,
  type ParsedHtpasswd,
} from './htpasswd.js';
export { apr1Hash } from './apr1.js';
export { parseBasicAuthorization, BASIC_CHALLENGE, type BasicCredentials } from './basic.js';
export { createTrustedMatcher, normaliseAddress } from './proxy.js';
export { isValidUserName, USER_NAME_RULE } from './userName.js';
