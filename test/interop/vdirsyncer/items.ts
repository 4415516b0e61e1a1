/**
 * The calendar objects and vCards the vdirsyncer interop test seeds and edits, and what each
 * side must hold afterwards. Every expectation here is worked out by hand from the texts below.
 */

const CRLF = '\r\n';
const lines = (...l: string[]): string => l.join(CRLF) + CRLF;

const BERLIN = [
  'BEGIN:VTIMEZONE',
  'TZID:Europe/Berlin',
  'BEGIN:DAYLIGHT',
  'TZOFFSETFROM:+0100',
  'TZOFFSETTO:+0200',
  'TZNAME:CEST',
  'DTSTART:19700329T020000',
  'RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU',
  'END:DAYLIGHT',
  'BEGIN:STANDARD',
  'TZOFFSETFROM:+0200',
  'TZOFFSETTO:+0100',
  'TZNAME:CET',
  'DTSTART:19701025T030000',
  'RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU',
  'END:STANDARD',
  'END:VTIMEZONE',
];

/** A one-hour UTC event. `start` is `YYYYMMDDTHHMMSS`. */
export function event(uid: string, summary: string, start: string, prodid = '-//Kalends tests//vdirsyncer//EN'): string {
  const end = start.slice(0, 9) + String(Number(start.slice(9, 11)) + 1).padStart(2, '0') + start.slice(11);
  return lines('BEGIN:VCALENDAR', 'VERSION:2.0', `PRODID:${prodid}`, 'BEGIN:VEVENT', `UID:${uid}`, 'DTSTAMP:20240301T120000Z', `DTSTART:${start}Z`, `DTEND:${end}Z`, `SUMMARY:${summary}`, 'END:VEVENT', 'END:VCALENDAR');
}

/**
 * Weekly on Mondays 09:00-09:30 Europe/Berlin from Mon 11 Mar 2024, COUNT=4: 11, 18, 25 Mar
 * (CET, UTC+1) and 1 Apr (CEST after the change of Sun 31 Mar, UTC+2). EXDATE drops 18 Mar;
 * the 25 Mar instance moves to Tue 26 Mar 14:00 Berlin (CET). In UTC the instances are
 * 11 Mar 08:00, 26 Mar 13:00 (moved) and 1 Apr 07:00.
 */
export const WEEKLY = lines(
  'BEGIN:VCALENDAR',
  'VERSION:2.0',
  'PRODID:-//Apple Inc.//macOS 14.4//EN',
  'CALSCALE:GREGORIAN',
  ...BERLIN,
  'BEGIN:VEVENT',
  'UID:weekly@kalends.test',
  'DTSTAMP:20240301T120000Z',
  'DTSTART;TZID=Europe/Berlin:20240311T090000',
  'DTEND;TZID=Europe/Berlin:20240311T093000',
  'RRULE:FREQ=WEEKLY;COUNT=4',
  'EXDATE;TZID=Europe/Berlin:20240318T090000',
  'SUMMARY:Weekly standup',
  'END:VEVENT',
  'BEGIN:VEVENT',
  'UID:weekly@kalends.test',
  'DTSTAMP:20240301T120000Z',
  'RECURRENCE-ID;TZID=Europe/Berlin:20240325T090000',
  'DTSTART;TZID=Europe/Berlin:20240326T140000',
  'DTEND;TZID=Europe/Berlin:20240326T143000',
  'SUMMARY:Weekly standup (moved)',
  'END:VEVENT',
  'END:VCALENDAR',
);

export const OFFSITE = lines(
  'BEGIN:VCALENDAR',
  'VERSION:2.0',
  'PRODID:-//Kalends tests//vdirsyncer//EN',
  'BEGIN:VEVENT',
  'UID:offsite@kalends.test',
  'DTSTAMP:20240301T120000Z',
  'DTSTART;VALUE=DATE:20240320',
  'DTEND;VALUE=DATE:20240321',
  'SUMMARY:Team offsite',
  'END:VEVENT',
  'END:VCALENDAR',
);

/** Events put on the server before the first sync, by UID. */
export const SEED_EVENTS: Record<string, string> = {
  'weekly@kalends.test': WEEKLY,
  'offsite@kalends.test': OFFSITE,
  'edit-server@kalends.test': event('edit-server@kalends.test', 'Planning', '20240312T100000'),
  'delete-server@kalends.test': event('delete-server@kalends.test', 'Obsolete meeting', '20240313T100000'),
  'edit-local@kalends.test': event('edit-local@kalends.test', 'Review', '20240314T100000'),
  'delete-local@kalends.test': event('delete-local@kalends.test', 'Cancelled lunch', '20240315T120000'),
  'git-edit@kalends.test': event('git-edit@kalends.test', 'Retro', '20240319T150000'),
  'conflict@kalends.test': event('conflict@kalends.test', 'Budget', '20240321T100000'),
};

/** UID -> SUMMARY (of the master component) right after the first sync, on both sides. */
export const EVENTS_AFTER_FIRST_SYNC: Record<string, string> = {
  'weekly@kalends.test': 'Weekly standup',
  'offsite@kalends.test': 'Team offsite',
  'edit-server@kalends.test': 'Planning',
  'delete-server@kalends.test': 'Obsolete meeting',
  'edit-local@kalends.test': 'Review',
  'delete-local@kalends.test': 'Cancelled lunch',
  'git-edit@kalends.test': 'Retro',
  'conflict@kalends.test': 'Budget',
};

/**
 * After the edits on both sides and the second sync. The conflict was edited on both sides
 * and the pair says `conflict_resolution = "b wins"` (b is the server).
 */
export const EVENTS_AFTER_EDITS: Record<string, string> = {
  'weekly@kalends.test': 'Weekly standup',
  'offsite@kalends.test': 'Team offsite',
  'edit-server@kalends.test': 'Planning (room B)',
  'edit-local@kalends.test': 'Review (edited locally)',
  'git-edit@kalends.test': 'Retro (edited with git)',
  'conflict@kalends.test': 'Budget (server)',
  'local-new@kalends.test': 'Café with Zoë',
  'server-new@kalends.test': 'Created on the server',
  'git-new@kalends.test': 'Created with git',
};

/**
 * `khal list 2024-03-01 2024-04-30` with `local_timezone = UTC`, format `{start} {title}`:
 * the recurring event's three remaining instances in UTC (see WEEKLY), the all-day event as
 * a bare date, every other event as it was sent (UTC).
 */
export const KHAL_LINES = [
  '2024-03-11 08:00 Weekly standup',
  '2024-03-12 10:00 Planning (room B)',
  '2024-03-14 10:00 Review (edited locally)',
  '2024-03-19 15:00 Retro (edited with git)',
  '2024-03-20 Team offsite',
  '2024-03-21 10:00 Budget (server)',
  '2024-03-22 12:00 Café with Zoë',
  '2024-03-26 13:00 Weekly standup (moved)',
  '2024-03-27 10:00 Created on the server',
  '2024-03-28 10:00 Created with git',
  '2024-04-01 07:00 Weekly standup',
];

// --- vCards ----------------------------------------------------------------------------------

/** A 16x16 JPEG, base64, folded the way Apple folds PHOTO (75 octets a line). */
const PHOTO_B64 =
  '/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDABQODxIPDRQSEBIXFRQYHjIhHhwcHj0sLiQySUBMS0dARkVQWnNiUFVtVkVGZIhlbXd7gYKBTmCNl4x9lnN+gXz/2wBDARUXFx4aHjshITt8U0ZTfHx8fHx8fHx8fHx8fHx8fHx8fHx8fHx8fHx8fHx8fHx8fHx8fHx8fHx8fHx8fHx8fHz/wAARCAAQABADASIAAhEBAxEB/8QAFgABAQEAAAAAAAAAAAAAAAAAAwQF/8QAHxAAAgEEAgMAAAAAAAAAAAAAAQIDAAQFERIhEzHx/8QAFAEBAAAAAAAAAAAAAAAAAAAAA//EABgRAQADAQAAAAAAAAAAAAAAAAEAAxEC/9oADAMBAAIRAxEAPwDRtohczFGYgAb6oMjELaYIrEgrvuqsfbSPqcSGNewOPs0GYs5UU3PlMijQPLQKj7RU1ghFs6c2f//Z';

function fold(line: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < line.length; i += i === 0 ? 75 : 74) out.push((i === 0 ? '' : ' ') + line.slice(i, i === 0 ? 75 : i + 74));
  return out;
}

/** Apple Contacts style vCard 3.0: grouped EMAIL with X-ABLabel, typed TEL, inline PHOTO. */
export const APPLE_CARD = lines(
  'BEGIN:VCARD',
  'VERSION:3.0',
  'PRODID:-//Apple Inc.//iPhone OS 17.4//EN',
  'N:Müller;Jürgen;;;',
  'FN:Jürgen Müller',
  'ORG:Bäckerei Müller;',
  'item1.EMAIL;type=INTERNET;type=pref:juergen@example.de',
  'item1.X-ABLabel:_$!<Other>!$_',
  'TEL;type=CELL;type=VOICE;type=pref:+49 170 1234567',
  'item2.ADR;type=HOME;type=pref:;;Königstraße 1;Stuttgart;;70173;Deutschland',
  'item2.X-ABADR:de',
  ...fold(`PHOTO;ENCODING=b;TYPE=JPEG:${PHOTO_B64}`),
  'UID:5A1C2D3E-0F4B-4C6D-8E9F-A0B1C2D3E4F5',
  'REV:2024-03-01T09:15:00Z',
  'END:VCARD',
);

export function card3(uid: string, fn: string, family: string, given: string, email: string): string {
  return lines('BEGIN:VCARD', 'VERSION:3.0', `N:${family};${given};;;`, `FN:${fn}`, `EMAIL;TYPE=INTERNET:${email}`, `UID:${uid}`, 'END:VCARD');
}

export function card4(uid: string, fn: string, family: string, given: string, email: string): string {
  return lines('BEGIN:VCARD', 'VERSION:4.0', `UID:${uid}`, `FN:${fn}`, `N:${family};${given};;;`, `EMAIL;TYPE=home:${email}`, 'END:VCARD');
}

export const SEED_CARDS: Record<string, string> = {
  '5A1C2D3E-0F4B-4C6D-8E9F-A0B1C2D3E4F5': APPLE_CARD,
  'zoe-v4': card4('zoe-v4', 'Zoë Ødegaard', 'Ødegaard', 'Zoë', 'zoe@example.no'),
  'edit-server-card': card3('edit-server-card', 'Ana García', 'García', 'Ana', 'ana@example.es'),
  'delete-server-card': card3('delete-server-card', 'Bob Obsolete', 'Obsolete', 'Bob', 'bob@example.org'),
  'edit-local-card': card3('edit-local-card', 'Chloé Dubois', 'Dubois', 'Chloé', 'chloe@example.fr'),
  'delete-local-card': card3('delete-local-card', 'Dan Gone', 'Gone', 'Dan', 'dan@example.org'),
  'git-delete-card': card4('git-delete-card', 'Erin Removed', 'Removed', 'Erin', 'erin@example.org'),
};

export const CARDS_AFTER_FIRST_SYNC: Record<string, string> = {
  '5A1C2D3E-0F4B-4C6D-8E9F-A0B1C2D3E4F5': 'Jürgen Müller',
  'zoe-v4': 'Zoë Ødegaard',
  'edit-server-card': 'Ana García',
  'delete-server-card': 'Bob Obsolete',
  'edit-local-card': 'Chloé Dubois',
  'delete-local-card': 'Dan Gone',
  'git-delete-card': 'Erin Removed',
};

export const CARDS_AFTER_EDITS: Record<string, string> = {
  '5A1C2D3E-0F4B-4C6D-8E9F-A0B1C2D3E4F5': 'Jürgen Müller',
  'zoe-v4': 'Zoë Ødegaard',
  'edit-server-card': 'Ana García López',
  'edit-local-card': 'Chloé Dubois-Martin',
  'local-new-card': 'Łukasz Nowak',
  'server-new-card': 'Søren Kierkegaard',
};

/** `khard email --parsable`: address, name, type label, one line each (order not asserted). */
export const KHARD_EMAILS: Array<[string, string]> = [
  ['juergen@example.de', 'Jürgen Müller'],
  ['zoe@example.no', 'Zoë Ødegaard'],
  ['ana@example.es', 'Ana García López'],
  ['chloe@example.fr', 'Chloé Dubois-Martin'],
  ['lukasz@example.pl', 'Łukasz Nowak'],
  ['soren@example.dk', 'Søren Kierkegaard'],
];
