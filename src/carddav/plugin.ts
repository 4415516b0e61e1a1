import type { Registry } from '../dav/types.js';
import { addressbookHome, addressbookPrincipalProperties, addressbookType } from './addressbookType.js';

/** Plug CardDAV (RFC 6352) into the DAV core. */
export function registerCardDav(registry: Registry): void {
  registry.types.set(addressbookType.id, addressbookType);
  registry.homes.push(addressbookHome);
  registry.principalProperties.push(...addressbookPrincipalProperties);
}
