/** The store's public surface: the contract types and the Git-backed implementation. */
export * from './types.js';
export { createStore, type GitStore, type StoreOptions } from './gitStore.js';
export type { MaintenanceResult } from './maintenance.js';
