/**
 * Contacts: the model the generator draws and its vCard text, 3.0 (Apple-style, PHOTO;ENCODING=b,
 * item groups) and 4.0 (data: URI photos). About 1 KB each, one in ten with a ~4 KB photo. A few
 * percent carry an address at the target company (some spelt in mixed case), and decoys mention
 * the company outside EMAIL, so an EMAIL text-match has one right answer.
 */
import type { Prng } from '../prng.js';
import { folded } from './fold.js';
import { CITIES, COMPANIES, FIRST_NAMES, LAST_NAMES, MAIL_PROVIDERS, NOTES, STREETS, TARGET_COMPANY, asciiFold, type Company } from './words.js';

export interface CardModel {
  name: string;
  uid: string;
  version: '3.0' | '4.0';
  first: string;
  last: string;
  org: Company;
  title: string;
  emails: Array<{ type: string; address: string }>;
  tels: Array<{ type: string; number: string }>;
  adr: { street: string; city: string; postal: string; country: string };
  note: string;
  bday?: string;
  photo?: Buffer;
}

const TITLES = ['Engineer', 'Sales Manager', 'Accountant', 'CTO', 'Designer', 'Chef de projet', 'Einkauf', 'Consultant'];

export function drawCard(r: Prng): CardModel {
  const uid = r.uuid().toUpperCase();
  const first = r.pick(FIRST_NAMES);
  const last = r.pick(LAST_NAMES);
  const local = `${asciiFold(first)}.${asciiFold(last)}`;
  const role = r.next();
  // 3 %: works at the target company (half of them with the domain in mixed case);
  // 1 %: target address as a second address; 2 %: decoy that names the company outside EMAIL.
  let org = r.pick(COMPANIES);
  const emails: CardModel['emails'] = [];
  let note = r.pick(NOTES);
  if (role < 0.03) {
    org = TARGET_COMPANY;
    const domain = r.chance(0.5) ? TARGET_COMPANY.domain : 'Nordwind-Logistik.DE';
    emails.push({ type: 'work', address: `${local}@${domain}` });
  } else if (role < 0.04) {
    emails.push({ type: 'home', address: `${local}@${r.pick(MAIL_PROVIDERS)}` });
    emails.push({ type: 'work', address: `${local}@${TARGET_COMPANY.domain}` });
  } else if (role < 0.06) {
    org = TARGET_COMPANY;
    note = 'Former colleague at Nordwind; now freelancing.';
    emails.push({ type: 'home', address: `${local}@${r.pick(MAIL_PROVIDERS)}` });
  } else {
    emails.push({ type: 'work', address: `${local}@${org.domain}` });
  }
  if (emails.length < 3 && r.chance(0.4)) emails.push({ type: 'home', address: `${asciiFold(first)}${r.int(1, 99)}@${r.pick(MAIL_PROVIDERS)}` });
  const tels: CardModel['tels'] = [{ type: 'cell', number: `+33 6 ${r.int(10, 99)} ${r.int(10, 99)} ${r.int(10, 99)} ${r.int(10, 99)}` }];
  if (r.chance(0.5)) tels.push({ type: 'work', number: `+49 30 ${r.int(1000000, 9999999)}` });
  const [city, postal, country] = r.pick(CITIES);
  const card: CardModel = {
    name: `${uid}.vcf`,
    uid,
    version: r.chance(0.45) ? '3.0' : '4.0',
    first,
    last,
    org,
    title: r.pick(TITLES),
    emails,
    tels,
    adr: { street: `${r.int(1, 200)} ${r.pick(STREETS)}`, city, postal, country },
    note,
  };
  if (r.chance(0.5)) card.bday = `${r.int(1950, 2005)}-${String(r.int(1, 12)).padStart(2, '0')}-${String(r.int(1, 28)).padStart(2, '0')}`;
  if (r.chance(0.1)) card.photo = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), r.bytes(3000)]);
  return card;
}

/** vCard text escaping (RFC 6350 §3.4). */
const esc = (s: string): string => s.replace(/\\/g, '\\\\').replace(/,/g, '\\,').replace(/;/g, '\\;').replace(/\n/g, '\\n');

export function cardText(c: CardModel): string {
  const v3 = c.version === '3.0';
  const lines = ['BEGIN:VCARD', `VERSION:${c.version}`];
  lines.push(v3 ? 'PRODID:-//Apple Inc.//iPhone OS 17.4//EN' : 'PRODID:-//Kalends//bench 1.0//EN');
  lines.push(`UID:${c.uid}`, `N:${esc(c.last)};${esc(c.first)};;;`, `FN:${esc(`${c.first} ${c.last}`)}`);
  if (!v3) lines.push('KIND:individual');
  lines.push(`ORG:${esc(c.org.org)};`, `TITLE:${esc(c.title)}`);
  c.emails.forEach((e, i) => {
    // Apple files a secondary home address under an item group with a label.
    if (v3 && i > 0 && e.type === 'home' && !e.address.includes('nordwind')) {
      lines.push(`item1.EMAIL;type=INTERNET:${e.address}`, 'item1.X-ABLabel:_$!<Other>!$_');
    } else {
      lines.push(v3 ? `EMAIL;type=INTERNET;type=${e.type.toUpperCase()}${i === 0 ? ';type=pref' : ''}:${e.address}` : `EMAIL;TYPE=${e.type}${i === 0 ? ';PREF=1' : ''}:${e.address}`);
    }
  });
  for (const t of c.tels) lines.push(v3 ? `TEL;type=${t.type.toUpperCase()};type=VOICE:${t.number}` : `TEL;VALUE=uri;TYPE=${t.type === 'cell' ? '"cell,voice"' : 'work'}:tel:${t.number.replace(/ /g, '-')}`);
  const a = c.adr;
  lines.push(`${v3 ? 'ADR;type=HOME' : 'ADR;TYPE=home'}:;;${esc(a.street)};${esc(a.city)};;${esc(a.postal)};${esc(a.country)}`);
  if (c.note) lines.push(`NOTE:${esc(c.note)}`);
  if (c.bday) lines.push(`BDAY:${v3 ? c.bday : c.bday.replace(/-/g, '')}`);
  lines.push(`URL:https://www.${c.org.domain.toLowerCase()}/team/${asciiFold(c.last)}`);
  if (c.photo) {
    const b64 = c.photo.toString('base64');
    lines.push(v3 ? `PHOTO;ENCODING=b;TYPE=JPEG:${b64}` : `PHOTO:data:image/jpeg;base64,${b64}`);
  }
  lines.push(v3 ? 'REV:2025-01-01T09:00:00Z' : 'REV:20250101T090000Z', 'END:VCARD');
  return folded(lines);
}
