import { registerCalDav } from '../caldav/plugin.js';
import { registerCardDav } from '../carddav/plugin.js';
import { plainType } from '../dav/plainType.js';
import type { Registry } from '../dav/types.js';

/** The extension registry: the DAV core plus the collection types Kalends serves. */
export function buildRegistry(): Registry {
  const registry: Registry = {
    types: new Map([[plainType.id, plainType]]),
    homes: [],
    principalProperties: [],
    properties: [],
    reports: new Map(),
    creationMethods: new Map(),
  };
  registerCalDav(registry);
  registerCardDav(registry);
  return registry;
}
