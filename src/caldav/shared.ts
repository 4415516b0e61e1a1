import ICAL from 'ical.js';
import { storedText } from '../dav/meta.js';
import type { CollectionView } from '../dav/types.js';
import { caldav } from '../dav/xml/names.js';
import { CalendarCache, type ParsedCalendarObject } from './parse.js';
import { zoneFromCalendarTimezone } from './timezones.js';

/**
 * Parsed calendar objects by blob id, shared by every calendar of the server. Kept small: parsed
 * objects are heavy, queries pre-select candidates through the query index and UID checks keep
 * only UIDs, so this holds what requests are actually touching.
 */
export const calendarCache = new CalendarCache(1_000);

export function parsedObject(coll: CollectionView, blob: string): Promise<ParsedCalendarObject> {
  return calendarCache.get(blob, () => coll.repo.readBlob(blob));
}

/** Default CALDAV:max-resource-size (octets). */
export const MAX_CALENDAR_RESOURCE = 10 * 1024 * 1024;
/** Advertised CALDAV:min-date-time / max-date-time: wide enough for any real calendar. */
export const MIN_DATE_TIME = '19000101T000000Z';
export const MAX_DATE_TIME = '21001231T235959Z';

export const ALL_COMPONENTS = ['VEVENT', 'VTODO', 'VJOURNAL'];

/** Components a calendar accepts: its supported-calendar-component-set, stored as text ("VEVENT,VTODO") or XML. */
export function supportedComponents(coll: CollectionView): string[] {
  const v = coll.meta.properties[caldav('supported-calendar-component-set')];
  if (v === undefined) return ALL_COMPONENTS;
  if (typeof v === 'string') {
    const names = v.split(/[\s,]+/).map((s) => s.trim().toUpperCase()).filter(Boolean);
    return names.length ? names : ALL_COMPONENTS;
  }
  const names = [...v.xml.matchAll(/name\s*=\s*"([^"]+)"/g)].map((m) => m[1]!.toUpperCase());
  return names.length ? names : ALL_COMPONENTS;
}

/** The zone floating times are read in: the calendar's CALDAV:calendar-timezone, else UTC. */
const zoneCache = new Map<string, ICAL.Timezone | null>();
export function calendarZone(coll: CollectionView): ICAL.Timezone | null {
  const text = storedText(coll.meta.properties[caldav('calendar-timezone')]);
  if (!text) return null;
  if (!zoneCache.has(text)) {
    let zone: ICAL.Timezone | null = null;
    try {
      zone = zoneFromCalendarTimezone(text);
    } catch {
      zone = null;
    }
    if (zoneCache.size > 256) zoneCache.clear();
    zoneCache.set(text, zone);
  }
  return zoneCache.get(text) ?? null;
}
