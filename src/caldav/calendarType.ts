import { DavError } from '../dav/errors.js';
import { multigetReport } from '../dav/memberReports.js';
import type { CollectionType, HomeType } from '../dav/types.js';
import { isFlatMember, UidIndex } from '../dav/uidIndex.js';
import type { XmlElement } from '../dav/xml/element.js';
import { caldav } from '../dav/xml/names.js';
import { decodeUtf8, parseCalendar } from './parse.js';
import { scanCalendarUid } from './uidScan.js';
import { calendarMemberProperties, calendarProperties } from './davProperties.js';
import { calendarQuery, freeBusyQuery } from './reports.js';
import { MAX_CALENDAR_RESOURCE, MAX_DATE_TIME, MIN_DATE_TIME, supportedComponents } from './shared.js';
import { noUidConflict, validateCalendarObject } from './validate.js';
import { parseUtcDateTime } from './filterParse.js';

const uidIndex = new UidIndex(async (coll, blob) => {
  try {
    return scanCalendarUid(decodeUtf8(await coll.repo.readBlob(blob)));
  } catch {
    return undefined; // not UTF-8: holds no UID
  }
}, (path) => isFlatMember(path) && isCalendarName(path));

/** Calendar object resources are `NAME.ics`; other files in the repository are not calendar data. */
function isCalendarName(name: string): boolean {
  return /\.ics$/i.test(name);
}

const NOUNS: Record<string, string> = { VEVENT: 'event', VTODO: 'task', VJOURNAL: 'journal entry', VFREEBUSY: 'free/busy', VAVAILABILITY: 'availability' };

function textContent(v: XmlElement): string {
  return v.children.map((c) => (typeof c === 'string' ? c : textContent(c))).join('');
}

/** calendar-timezone (RFC 4791 §5.2.2): a VCALENDAR holding exactly one VTIMEZONE. */
function checkCalendarTimezone(value: XmlElement): void {
  const text = textContent(value).trim();
  if (text === '') return;
  const bad = (why: string) => new DavError(403, `calendar-timezone ${why}`, { condition: caldav('valid-calendar-data') });
  let vcal;
  try {
    vcal = parseCalendar(text);
  } catch {
    throw bad('is not a valid iCalendar object');
  }
  if (vcal.getAllSubcomponents('vtimezone').length !== 1) throw bad('must contain exactly one VTIMEZONE');
}

/** supported-calendar-component-set (RFC 4791 §5.2.3), settable only at creation. */
function checkComponentSet(value: XmlElement): void {
  const comps = value.children.filter((c): c is XmlElement => typeof c !== 'string');
  const known = new Set(['VEVENT', 'VTODO', 'VJOURNAL', 'VFREEBUSY', 'VAVAILABILITY']);
  if (comps.length === 0) throw new DavError(403, 'supported-calendar-component-set needs at least one comp element', { condition: caldav('supported-calendar-component') });
  for (const c of comps) {
    const name = (c.attrs['{}name'] ?? '').toUpperCase();
    if (c.name !== caldav('comp') || !known.has(name)) {
      throw new DavError(403, `Unsupported calendar component "${name}"`, { condition: caldav('supported-calendar-component') });
    }
  }
}

export const calendarType: CollectionType = {
  id: 'calendar',
  resourceType: [caldav('calendar')],
  allowsFolders: false,
  noun: 'calendar',
  memberContentType: () => 'text/calendar; charset=utf-8',
  isMemberName: isCalendarName,
  checkPut: ({ body, contentType, coll }) => {
    const min = parseUtcDateTime(MIN_DATE_TIME) ?? undefined;
    const max = parseUtcDateTime(MAX_DATE_TIME) ?? undefined;
    const v = validateCalendarObject(body, { contentType, supportedComponents: supportedComponents(coll), maxResourceSize: MAX_CALENDAR_RESOURCE, minDateTime: min, maxDateTime: max });
    const noun = NOUNS[v.component] ?? 'object';
    return { uid: v.uid, describe: v.summary ? `${noun} "${v.summary}"` : noun };
  },
  findUid: (coll, snapshot, uid) => uidIndex.find(coll, snapshot, uid),
  uidConflict: (href) => noUidConflict(href),
  collectionProperties: calendarProperties,
  memberProperties: calendarMemberProperties,
  checkProperty: (name, value) => {
    if (name === caldav('calendar-timezone')) checkCalendarTimezone(value);
    if (name === caldav('supported-calendar-component-set')) checkComponentSet(value);
  },
  protectedProperties: [caldav('supported-calendar-data'), caldav('max-resource-size'), caldav('min-date-time'), caldav('max-date-time'), caldav('supported-collation-set')],
  createOnlyProperties: [caldav('supported-calendar-component-set')],
  reports: new Map([
    [caldav('calendar-query'), calendarQuery],
    [caldav('calendar-multiget'), multigetReport],
    [caldav('free-busy-query'), freeBusyQuery],
  ]),
  davClasses: ['calendar-access'],
};

export const calendarHome: HomeType = {
  segment: 'calendars',
  collectionType: 'calendar',
  homeSetProperty: caldav('calendar-home-set'),
  defaultCollection: { name: 'personal', displayname: 'Personal' },
  createMethods: ['MKCALENDAR'],
  davClasses: ['calendar-access'],
};

