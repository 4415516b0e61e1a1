import type { LockManager } from './types.js';

/** A lock manager for servers that do not lock: every write is allowed. */
export const noLocks: LockManager = {
  class2: false,
  checkWrite() {},
  forget() {},
};
