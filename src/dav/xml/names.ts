/** XML namespaces Kalends speaks, and helpers for Clark notation (`{ns}local`). */
export const NS = {
  DAV: 'DAV:',
  CALDAV: 'urn:ietf:params:xml:ns:caldav',
  CARDDAV: 'urn:ietf:params:xml:ns:carddav',
  CS: 'http://calendarserver.org/ns/',
  APPLE: 'http://apple.com/ns/ical/',
  KALENDS: 'urn:x-kalends:ns',
} as const;

/** Preferred prefixes for the writer; any other namespace gets a generated one. */
export const PREFERRED_PREFIX: Readonly<Record<string, string>> = {
  [NS.DAV]: 'D',
  [NS.CALDAV]: 'C',
  [NS.CARDDAV]: 'CR',
  [NS.CS]: 'CS',
  [NS.APPLE]: 'A',
  [NS.KALENDS]: 'K',
};

/** A qualified name in Clark notation: `{DAV:}displayname`. No namespace: `{}name`. */
export type Clark = string;

export function clark(ns: string, local: string): Clark {
  return `{${ns}}${local}`;
}

export function splitClark(name: Clark): { ns: string; local: string } {
  if (!name.startsWith('{')) return { ns: '', local: name };
  const end = name.indexOf('}');
  return { ns: name.slice(1, end), local: name.slice(end + 1) };
}

export const dav = (local: string): Clark => clark(NS.DAV, local);
export const caldav = (local: string): Clark => clark(NS.CALDAV, local);
export const carddav = (local: string): Clark => clark(NS.CARDDAV, local);
