/** WebDAV class 2: write locks and the If header (RFC 4918 §6, §7, §9.10, §9.11, §10.4). */
export { createLockManager, etagOf, KalendsLockManager, type LockManagerDeps } from './manager.js';
export { evaluateIf, parseIfHeader, stateTokens, type IfCondition, type IfList } from './ifHeader.js';
export { MAX_LOCK_SECONDS, parseTimeout } from './lockXml.js';
