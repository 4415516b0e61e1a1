import type { Registry } from '../dav/types.js';
import { caldav } from '../dav/xml/names.js';
import { calendarHome, calendarType } from './calendarType.js';
import { calendarPrincipalProperties } from './davProperties.js';

/** Plug CalDAV (RFC 4791) into the DAV core. */
export function registerCalDav(registry: Registry): void {
  registry.types.set(calendarType.id, calendarType);
  registry.homes.push(calendarHome);
  registry.principalProperties.push(...calendarPrincipalProperties);
  registry.creationMethods.set('MKCALENDAR', { bodyRoot: caldav('mkcalendar'), responseRoot: caldav('mkcalendar-response'), type: calendarType.id });
}
