import { SUPPORTED_COLLATIONS } from '../dav/textMatch.js';
import { hrefOf } from '../dav/href.js';
import type { LiveProperty, PropertyContext } from '../dav/types.js';
import { el } from '../dav/xml/element.js';
import { caldav, dav } from '../dav/xml/names.js';
import { parseCalendarDataRequest, renderCalendarData, wantsWholeObject } from './calendarData.js';
import { decodeStored } from './parse.js';
import { calendarZone, MAX_CALENDAR_RESOURCE, MAX_DATE_TIME, MIN_DATE_TIME, parsedObject, supportedComponents } from './shared.js';

function onCalendar<T>(f: (ctx: PropertyContext & { resource: { kind: 'collection' } }) => T) {
  return (ctx: PropertyContext): T | undefined => (ctx.resource.kind === 'collection' && ctx.resource.dir === '' ? f(ctx as never) : undefined);
}

/** Live properties of a calendar collection (RFC 4791 §5.2, RFC 6578). */
export const calendarProperties: LiveProperty[] = [
  {
    name: caldav('supported-calendar-component-set'),
    allprop: false,
    get: onCalendar(({ resource }) => supportedComponents(resource.coll).map((c) => el(caldav('comp'), [], { '{}name': c }))),
  },
  {
    name: caldav('supported-calendar-data'),
    allprop: false,
    get: onCalendar(() => [el(caldav('calendar-data'), [], { '{}content-type': 'text/calendar', '{}version': '2.0' })]),
  },
  { name: caldav('max-resource-size'), allprop: false, get: onCalendar(() => String(MAX_CALENDAR_RESOURCE)) },
  { name: caldav('min-date-time'), allprop: false, get: onCalendar(() => MIN_DATE_TIME) },
  { name: caldav('max-date-time'), allprop: false, get: onCalendar(() => MAX_DATE_TIME) },
  {
    name: caldav('supported-collation-set'),
    allprop: false,
    get: onCalendar(() => SUPPORTED_COLLATIONS.map((c) => el(caldav('supported-collation'), [c]))),
  },
];

/** CALDAV:calendar-data of a calendar object, shaped by the request element (RFC 4791 §9.6). */
export const calendarMemberProperties: LiveProperty[] = [
  {
    name: caldav('calendar-data'),
    allprop: false,
    get: async ({ resource, request }) => {
      if (resource.kind !== 'file') return undefined;
      const req = request ? parseCalendarDataRequest(request) : {};
      // The whole object (what multiget clients ask for): the stored bytes as they are, unparsed.
      // A file that does not parse (pushed with git) is served as stored too.
      const stored = async () => decodeStored(await resource.coll.repo.readBlob(resource.blob));
      if (wantsWholeObject(req)) return stored();
      const obj = await parsedObject(resource.coll, resource.blob).catch(() => null);
      if (!obj) return stored();
      return renderCalendarData(obj, req, { floatingZone: calendarZone(resource.coll) });
    },
  },
];

/** Principal properties for CalDAV (RFC 4791 §6.2.1, RFC 6638 §2.4.1). */
export const calendarPrincipalProperties: LiveProperty[] = [
  {
    name: caldav('calendar-home-set'),
    allprop: false,
    get: ({ resource }) => (resource.kind === 'principal' ? el(dav('href'), [hrefOf([resource.user, 'calendars'], true)]) : undefined),
  },
  {
    name: caldav('calendar-user-address-set'),
    allprop: false,
    get: ({ resource, env }) => {
      if (resource.kind !== 'principal') return undefined;
      return [el(dav('href'), [`mailto:${env.author.email}`]), el(dav('href'), [hrefOf([resource.user], true)])];
    },
  },
  {
    name: caldav('calendar-user-type'),
    allprop: false,
    get: ({ resource }) => (resource.kind === 'principal' ? 'INDIVIDUAL' : undefined),
  },
];
