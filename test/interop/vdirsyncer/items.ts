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
  'edit-local-delete-server@kalends.test': event('edit-local-delete-server@kalends.test', 'Kept A', '20240313T150000'),
  'delete-local-edit-server@kalends.test': event('delete-local-edit-server@kalends.test', 'Kept B', '20240313T160000'),
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
  'edit-local-delete-server@kalends.test': 'Kept A',
  'delete-local-edit-server@kalends.test': 'Kept B',
};

/**
 * Created in the vdir with UIDs vdirsyncer cannot use as file names or hrefs (it picks a random
 * UUID for those): spaces, a slash, non-ASCII; and vCard 4.0's urn:uuid form.
 */
export const ODD_UID = 'événement/42 ü';
export const ODD_EVENT = lines('BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Kalends tests//vdirsyncer//EN', 'BEGIN:VEVENT', `UID:${ODD_UID}`, 'DTSTAMP:20240301T120000Z', 'DTSTART;VALUE=DATE:20240601', 'SUMMARY:Odd UID', 'END:VEVENT', 'END:VCALENDAR');
export const URN_UID = 'urn:uuid:4fbe8971-0bc3-424c-9c26-36c3e1eff6b1';
export const URN_CARD = lines('BEGIN:VCARD', 'VERSION:4.0', `UID:${URN_UID}`, 'FN:Ünal Urn', 'N:Urn;Ünal;;;', 'KIND:individual', 'END:VCARD');

/** A calendar that exists only in the vdir before discovery: vdirsyncer creates it (MKCOL). */
export const LAPTOP_EVENT = event('laptop-1@kalends.test', 'Written on the laptop', '20240318T120000');

/** Many events at once on each side, outside the range khal lists (6 May 2024). */
export const BULK = 30;
const two = (i: number): string => String(i).padStart(2, '0');
export const bulkLocal = (i: number): [string, string] => [`bulk-local-${two(i)}@kalends.test`, `Bulk local ${two(i)}`];
export const bulkGit = (i: number): [string, string] => [`bulk-git-${two(i)}@kalends.test`, `Bulk git ${two(i)}`];
export const bulkEvent = ([uid, summary]: [string, string], i: number): string => event(uid, summary, `20240506T${two(i % 23)}0000`);
const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i + 1);

/**
 * After the edits on both sides and the second sync. The conflict was edited on both sides
 * and the pair says `conflict_resolution = "b wins"` (b is the server). An item edited on one
 * side and deleted on the other survives with the edit (vdirsyncer copies it back).
 */
export const EVENTS_AFTER_EDITS: Record<string, string> = {
  'weekly@kalends.test': 'Weekly standup',
  'offsite@kalends.test': 'Team offsite',
  'edit-server@kalends.test': 'Planning (room B)',
  'edit-local@kalends.test': 'Review (edited locally)',
  'git-edit@kalends.test': 'Retro (edited with git)',
  'conflict@kalends.test': 'Budget (server)',
  'edit-local-delete-server@kalends.test': 'Kept A (edited locally)',
  'delete-local-edit-server@kalends.test': 'Kept B (edited on the server)',
  'local-new@kalends.test': 'Café with Zoë',
  [ODD_UID]: 'Odd UID',
  'server-new@kalends.test': 'Created on the server',
  'git-new@kalends.test': 'Created with git',
  ...Object.fromEntries(range(BULK).map(bulkLocal)),
  ...Object.fromEntries(range(BULK).map(bulkGit)),
};

export const BULK_RANGE = range(BULK);

/**
 * `khal new` in the vdir (Europe/Berlin given on the command line, khal writes its own
 * VTIMEZONE): Fri 29 Mar 10:00 CET = 09:00Z; weekly on Tuesdays 18:00 CEST = 16:00Z from
 * 2 Apr until 20 Apr, i.e. 2, 9 and 16 Apr.
 */
export const KHAL_NEW = {
  single: ['2024-03-29', '10:00', '11:00', 'Europe/Berlin', 'Karfreitag – Brunch'],
  weekly: ['-r', 'weekly', '-u', '2024-04-20', '-m', '15m', '2024-04-02', '18:00', '19:00', 'Europe/Berlin', 'Chor'],
};

/**
 * `khal list 2024-03-01 2024-04-30` with `local_timezone = UTC`, format `{start} {title}`:
 * the recurring event's three remaining instances in UTC (see WEEKLY), the all-day event as
 * a bare date, every other event as it was sent (UTC), and the events khal made (KHAL_NEW).
 */
export const KHAL_LINES = [
  '2024-03-11 08:00 Weekly standup',
  '2024-03-12 10:00 Planning (room B)',
  '2024-03-13 15:00 Kept A (edited locally)',
  '2024-03-13 16:00 Kept B (edited on the server)',
  '2024-03-14 10:00 Review (edited locally)',
  '2024-03-18 12:00 Written on the laptop',
  '2024-03-19 15:00 Retro (edited with git)',
  '2024-03-20 Team offsite',
  '2024-03-21 10:00 Budget (server)',
  '2024-03-22 12:00 Café with Zoë',
  '2024-03-26 13:00 Weekly standup (moved)',
  '2024-03-27 10:00 Created on the server',
  '2024-03-28 10:00 Created with git',
  '2024-03-29 09:00 Karfreitag – Brunch',
  '2024-04-01 07:00 Weekly standup',
  '2024-04-02 16:00 Chor',
  '2024-04-09 16:00 Chor',
  '2024-04-16 16:00 Chor',
];

/**
 * Time windows synced through a caldav storage with start_date/end_date, so vdirsyncer lists
 * with calendar-query time-range filters (one per VEVENT and VTODO) instead of PROPFIND. The
 * names expected in each window, from the instance times above (UTC, end exclusive):
 */
export const WINDOWS: Array<{ name: string; start: [number, number, number]; end: [number, number, number]; names: string[] }> = [
  // 25 Mar: the weekly instance of that day was moved to the 26th; nothing else that day.
  { name: 'moved_out', start: [2024, 3, 25], end: [2024, 3, 26], names: [] },
  // 26 Mar: only the moved instance (13:00Z) puts the recurring event here.
  { name: 'moved_in', start: [2024, 3, 26], end: [2024, 3, 27], names: ['Weekly standup'] },
  // 1 Apr 07:00Z, after the DST change; Chor starts 2 Apr 16:00Z, outside.
  { name: 'after_dst', start: [2024, 3, 31], end: [2024, 4, 2], names: ['Weekly standup'] },
  // 9 Apr: the second instance of khal's weekly event, through khal's own VTIMEZONE.
  { name: 'khal_weekly', start: [2024, 4, 9], end: [2024, 4, 10], names: ['Chor'] },
  // 6 May: every bulk event.
  { name: 'bulk', start: [2024, 5, 6], end: [2024, 5, 7], names: Object.values(EVENTS_AFTER_EDITS).filter((n) => n.startsWith('Bulk ')) },
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
  'odd-href-card': card3('odd-href-card', 'Über Uns', 'Uns', 'Über', 'info@example.org'),
};

/**
 * Resource names (before percent-encoding) the cards are put at: the UID plus .vcf, except
 * one with spaces, non-ASCII and sub-delimiters, which vdirsyncer must address as listed.
 */
export const CARD_NAMES: Record<string, string> = {
  ...Object.fromEntries(Object.keys(SEED_CARDS).map((uid) => [uid, `${uid}.vcf`])),
  'odd-href-card': "Über uns, (1)+x=y'.vcf",
};

export const CARDS_AFTER_FIRST_SYNC: Record<string, string> = {
  '5A1C2D3E-0F4B-4C6D-8E9F-A0B1C2D3E4F5': 'Jürgen Müller',
  'zoe-v4': 'Zoë Ødegaard',
  'edit-server-card': 'Ana García',
  'delete-server-card': 'Bob Obsolete',
  'edit-local-card': 'Chloé Dubois',
  'delete-local-card': 'Dan Gone',
  'git-delete-card': 'Erin Removed',
  'odd-href-card': 'Über Uns',
};

export const CARDS_AFTER_EDITS: Record<string, string> = {
  '5A1C2D3E-0F4B-4C6D-8E9F-A0B1C2D3E4F5': 'Jürgen Müller',
  'zoe-v4': 'Zoë Ødegaard',
  'edit-server-card': 'Ana García López',
  'edit-local-card': 'Chloé Dubois-Martin',
  'odd-href-card': 'Über Uns (edited locally)',
  'local-new-card': 'Łukasz Nowak',
  [URN_UID]: 'Ünal Urn',
  'server-new-card': 'Søren Kierkegaard',
};

/** An address book that exists only in the vdir before discovery. */
export const WORK_CARD = card3('work-1', 'Wendy Work', 'Work', 'Wendy', 'wendy@example.com');

/** `khard new` reads this YAML on stdin (vCard 4.0 asked for on the command line). */
export const KHARD_NEW_YAML = 'First name : Åsa\nLast name : Öberg\nEmail :\n    work : asa@example.se\nPhone :\n    cell : +46 70 123 45 67\n';

/** `khard email --parsable`: address and name (the type label column is not compared). */
export const KHARD_EMAILS: Array<[string, string]> = [
  ['juergen@example.de', 'Jürgen Müller'],
  ['zoe@example.no', 'Zoë Ødegaard'],
  ['ana@example.es', 'Ana García López'],
  ['chloe@example.fr', 'Chloé Dubois-Martin'],
  ['info@example.org', 'Über Uns (edited locally)'],
  ['lukasz@example.pl', 'Łukasz Nowak'],
  ['soren@example.dk', 'Søren Kierkegaard'],
  ['asa@example.se', 'Åsa Öberg'],
  ['wendy@example.com', 'Wendy Work'],
];
