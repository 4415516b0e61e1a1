import { escapeText, foldLine, formatParamValue } from './contentLine.js';
import type { VCard, VCardProperty, VCardVersion } from './parse.js';

/**
 * vCard 3.0 (RFC 2426) ⇄ 4.0 (RFC 6350) conversion of the properties clients use, for
 * address-data with a `version` other than the stored one. The stored bytes are never touched;
 * this only shapes a response.
 *
 * Output is written by our own serializer, not vcard4: measured with vcard4 4.0.5, its TEXT
 * escaping writes every ":" as "\:" (not a vCard escape; ical.js-based readers show the
 * backslash), it folds at 75 UTF-16 units rather than 75 octets (145-octet lines for accented
 * text), RFC 6868-encodes '"' as "^’" (U+2019), refuses empty TEXT values (needed for
 * novalue="yes"), refuses a card without FN (so no partial retrieval) and refuses TYPE values
 * Apple sends (INTERNET, pref, IPHONE). vcard4's parser is used in the tests as an independent
 * check that what we write is valid 4.0.
 *
 * What is mapped (the rest passes through with its group, params and value text unchanged):
 * - TYPE values: 3.0 "pref" ⇄ 4.0 PREF=1; EMAIL internet/x400 and ADR dom/intl/postal/parcel
 *   (removed in 4.0, RFC 6350 appendix A) are dropped; 4.0 writes type values lower-case, 3.0
 *   upper-case.
 * - Inline binaries: 3.0 `PHOTO;ENCODING=b;TYPE=JPEG:<base64>` ⇄ 4.0 `PHOTO:data:image/jpeg;base64,<base64>`
 *   (also LOGO, SOUND, KEY); 3.0 `VALUE=uri` links lose/gain VALUE=uri.
 * - Apple's `X-ADDRESSBOOKSERVER-KIND`/`-MEMBER` ⇄ KIND/MEMBER (KIND:individual is the 3.0 default
 *   and is dropped).
 * - Dates: 3.0 extended forms (1985-04-12, 2024-03-01T09:15:00Z) ⇄ 4.0 basic forms; Apple's
 *   year-less `BDAY;X-APPLE-OMIT-YEAR=1604:1604-04-12` ⇄ `BDAY:--0412`; VALUE=date dropped.
 *   ANNIVERSARY (4.0 only) ⇄ X-ANNIVERSARY (the de-facto 3.0 spelling).
 * - GEO `lat;lon` ⇄ `geo:lat,lon`; TZ utc-offset `-05:00` ⇄ `VALUE=utc-offset:-0500`.
 * - 3.0 LABEL property ⇄ the LABEL parameter of the ADR in the same group (or with the same
 *   TYPE set); 3.0 SORT-STRING ⇄ SORT-AS on N. NAME, MAILER, CLASS, PROFILE, AGENT (no 4.0
 *   equivalent) are dropped from 4.0 output; CHARSET params are dropped.
 * - 4.0 → 3.0: TEL `tel:` URIs become plain numbers; PID and ALTID params are dropped; a missing
 *   N (required in 3.0) is written as `N:<FN>;;;;`.
 */

export interface OutProp {
  readonly group: string | undefined;
  readonly name: string;
  /** Upper-case parameter names in output order. */
  readonly params: ReadonlyArray<readonly [string, readonly string[]]>;
  /** The value as it is written on the line (escaped). */
  readonly value: string;
  /** The client's own line (folds included) when the property is emitted unchanged. */
  readonly raw?: string;
}

/** The card's properties (without VERSION) as they are, keeping each client line verbatim. */
export function propsOf(card: VCard): OutProp[] {
  return card.properties
    .filter((p) => p.name !== 'VERSION')
    .map((p) => ({ group: p.group, name: p.name, params: Object.entries(p.params), value: p.rawValue, raw: p.raw }));
}

export function convertProps(card: VCard, target: VCardVersion): OutProp[] {
  if (card.version === target) return propsOf(card);
  return target === '4.0' ? to4(card) : to3(card);
}

/** Writes a whole vCard with CRLF line ends, VERSION first (RFC 6350 §6.7.9). */
export function serializeVCard(props: readonly OutProp[], version: VCardVersion): string {
  const lines = ['BEGIN:VCARD', `VERSION:${version}`];
  for (const p of props) lines.push(p.raw ?? formatLine(p));
  lines.push('END:VCARD');
  return lines.join('\r\n') + '\r\n';
}

export function formatLine(p: OutProp): string {
  let line = (p.group ? `${p.group}.` : '') + p.name;
  for (const [name, values] of p.params) {
    if (values.length === 0) continue;
    line += `;${name}=${values.map(formatParamValue).join(',')}`;
  }
  return foldLine(`${line}:${p.value}`);
}

// ---------------------------------------------------------------------------------------------

type Params = Array<[string, string[]]>;

const DROP_IN_4 = new Set(['NAME', 'MAILER', 'CLASS', 'PROFILE', 'AGENT', 'LABEL', 'SORT-STRING']);
const BINARY_PROPS: Record<string, string> = { PHOTO: 'image', LOGO: 'image', SOUND: 'audio', KEY: 'application' };
const DROPPED_TYPES_4: Record<string, Set<string>> = {
  EMAIL: new Set(['internet', 'x400']),
  ADR: new Set(['dom', 'intl', 'postal', 'parcel']),
};
const DATE_PROPS = new Set(['BDAY', 'ANNIVERSARY', 'X-ANNIVERSARY', 'DEATHDATE']);

function to4(card: VCard): OutProp[] {
  const out: Array<OutProp & { params: Params }> = [];
  const labels = card.properties.filter((p) => p.name === 'LABEL');
  const sortString = card.properties.find((p) => p.name === 'SORT-STRING');
  for (const p of card.properties) {
    if (p.name === 'VERSION' || DROP_IN_4.has(p.name) || isDuplicateKindOrMember(card, p, 'KIND', 'MEMBER')) continue;
    let name = p.name;
    let value = p.rawValue;
    const params: Params = [];
    let pref = false;
    for (const [k, vs] of Object.entries(p.params)) {
      if (k === 'CHARSET' || k === 'ENCODING') continue;
      if (k === 'VALUE' && (/^date/i.test(vs[0] ?? '') || (p.name in BINARY_PROPS && /^uri$/i.test(vs[0] ?? '')))) continue;
      if (k === 'X-APPLE-OMIT-YEAR') continue;
      if (k === 'TYPE' && !name.startsWith('X-')) {
        const dropped = DROPPED_TYPES_4[name];
        const kept: string[] = [];
        for (const v of vs.map((x) => x.toLowerCase())) {
          if (v === 'pref') pref = true;
          else if (!dropped?.has(v) && !(p.name in BINARY_PROPS)) kept.push(v);
        }
        if (kept.length) params.push(['TYPE', kept]);
        continue;
      }
      params.push([k, [...vs]]);
    }
    if (pref) params.push(['PREF', ['1']]);

    if (p.name in BINARY_PROPS) {
      const type = p.params['TYPE']?.[0];
      const media = type === undefined ? undefined : type.includes('/') ? type.toLowerCase() : `${BINARY_PROPS[p.name]}/${type.toLowerCase()}`;
      if (p.params['ENCODING'] !== undefined) value = `data:${media ?? 'application/octet-stream'};base64,${value.replace(/\s+/g, '')}`;
      else if (media !== undefined) params.push(['MEDIATYPE', [media]]);
    } else if (name === 'X-ADDRESSBOOKSERVER-KIND') {
      name = 'KIND';
      value = value.trim().toLowerCase();
    } else if (name === 'X-ADDRESSBOOKSERVER-MEMBER') {
      name = 'MEMBER';
    } else if (name === 'X-ANNIVERSARY') {
      name = 'ANNIVERSARY';
    } else if (name === 'GEO' && p.components && p.components.length === 2) {
      value = `geo:${p.components[0]![0]},${p.components[1]![0]}`;
    } else if (name === 'TZ' && /^[+-]\d\d:?\d\d$/.test(value.trim())) {
      value = value.trim().replace(':', '');
      params.push(['VALUE', ['utc-offset']]);
    } else if (name === 'REV') {
      value = basicDateTime(value);
    }
    if (DATE_PROPS.has(name)) {
      const omit = p.params['X-APPLE-OMIT-YEAR']?.[0];
      value = omit !== undefined && value.startsWith(`${omit}-`) ? `--${value.slice(omit.length + 1).replace('-', '')}` : basicDateTime(value);
    }
    if (name === 'N' && sortString) params.push(['SORT-AS', [sortString.value]]);
    if ((name === 'N' || name === 'ADR') && p.components) value = padComponents(value, p.components.length, name === 'N' ? 5 : 7);
    if (name === 'ADR') {
      const label = labels.find((l) => l.group !== undefined && l.group === p.group) ?? labels.find((l) => sameTypes(l, p));
      if (label) params.push(['LABEL', [label.value]]);
    }
    out.push({ group: p.group, name: name === p.name ? p.spelledName : name, params, value });
  }
  return out;
}

function to3(card: VCard): OutProp[] {
  const out: OutProp[] = [];
  if (!card.properties.some((p) => p.name === 'N')) {
    out.push({ group: undefined, name: 'N', params: [], value: `${escapeText(card.fn ?? '')};;;;` });
  }
  for (const p of card.properties) {
    if (p.name === 'VERSION' || isDuplicateKindOrMember(card, p, 'X-ADDRESSBOOKSERVER-KIND', 'X-ADDRESSBOOKSERVER-MEMBER')) continue;
    let name = p.name;
    let value = p.rawValue;
    const params: Params = [];
    const types: string[] = [];
    let label: string | undefined;
    for (const [k, vs] of Object.entries(p.params)) {
      if (k === 'TYPE' && p.name in BINARY_PROPS) continue; // a 4.0 TYPE here is work/home, not a media type
      if (k === 'TYPE' && !name.startsWith('X-')) types.push(...vs.map((v) => v.toUpperCase()));
      else if (k === 'PREF') {
        if (vs[0] === '1') types.push('pref');
      } else if (k === 'LABEL' && p.name === 'ADR') label = vs[0];
      else if (k === 'SORT-AS' && p.name === 'N') out.push({ group: p.group, name: 'SORT-STRING', params: [], value: escapeText(vs.join(',')) });
      else if (k === 'PID' || k === 'ALTID' || k === 'MEDIATYPE' || k === 'CALSCALE') continue;
      else if (k === 'VALUE' && (p.name in BINARY_PROPS || p.name === 'TEL' || p.name === 'UID' || DATE_PROPS.has(p.name))) continue;
      else if (k === 'TYPE') params.push(['TYPE', [...vs]]);
      else params.push([k, [...vs]]);
    }

    if (p.name in BINARY_PROPS) {
      const data = /^data:([^;,]*)((?:;[^;,]*)*),(.*)$/s.exec(value);
      if (data) {
        const media = data[1] || 'application/octet-stream';
        const base64 = /;base64/i.test(data[2]!) ? data[3]! : Buffer.from(decodeURIComponent(data[3]!), 'utf8').toString('base64');
        params.unshift(['ENCODING', ['b']], ['TYPE', [media.split('/')[1]!.toUpperCase()]]);
        value = base64;
      } else {
        const media = p.params['MEDIATYPE']?.[0];
        params.unshift(['VALUE', ['uri']]);
        if (media) params.push(['TYPE', [media.split('/')[1]!.toUpperCase()]]);
      }
    } else if (name === 'KIND') {
      const kind = value.trim().toLowerCase();
      if (kind === 'individual') continue;
      name = 'X-ADDRESSBOOKSERVER-KIND';
      value = kind;
    } else if (name === 'MEMBER') {
      name = 'X-ADDRESSBOOKSERVER-MEMBER';
    } else if (name === 'ANNIVERSARY') {
      name = 'X-ANNIVERSARY';
    } else if (name === 'TEL' && /^tel:/i.test(value)) {
      value = value.slice(4).replace(/;ext=/i, ' ext. ');
    } else if (name === 'GEO' && /^geo:/i.test(value)) {
      const [lat, lon] = value.slice(4).split(/[,;]/);
      value = `${lat};${lon}`;
    } else if (name === 'TZ' && p.params['VALUE']?.[0]?.toLowerCase() === 'utc-offset') {
      value = value.replace(/^([+-]\d\d)(\d\d)$/, '$1:$2');
      const i = params.findIndex(([k]) => k === 'VALUE');
      if (i >= 0) params.splice(i, 1);
    } else if (name === 'REV') {
      value = extendedDateTime(value);
    }
    if (DATE_PROPS.has(name)) {
      const m = /^--(\d\d)(\d\d)$/.exec(value);
      if (m) {
        params.push(['X-APPLE-OMIT-YEAR', ['1604']]);
        value = `1604-${m[1]}-${m[2]}`;
      } else value = extendedDateTime(value);
    }
    if (types.length) params.unshift(['TYPE', types]);
    out.push({ group: p.group, name: name === p.name ? p.spelledName : name, params, value });
    if (label !== undefined) {
      out.push({ group: p.group, name: 'LABEL', params: types.length ? [['TYPE', types]] : [], value: escapeText(label) });
    }
  }
  return out;
}

/**
 * Cards written by clients that speak both dialects carry KIND and X-ADDRESSBOOKSERVER-KIND (and
 * both member spellings): the one that would be mapped onto a property already present is skipped.
 */
function isDuplicateKindOrMember(card: VCard, p: VCardProperty, kind: string, member: string): boolean {
  const isKind = p.name === 'KIND' || p.name === 'X-ADDRESSBOOKSERVER-KIND';
  const isMember = p.name === 'MEMBER' || p.name === 'X-ADDRESSBOOKSERVER-MEMBER';
  const target = isKind ? kind : isMember ? member : undefined;
  // Not a kind/member property, or already spelled the target version's way: keep it.
  if (target === undefined || p.name === target) return false;
  return card.properties.some((q) => q.name === target && (isKind || q.value.trim() === p.value.trim()));
}

/** N has 5 components and ADR 7 in both versions; Apple writes a group's N as one. */
function padComponents(value: string, have: number, want: number): string {
  return have < want ? value + ';'.repeat(want - have) : value;
}

function sameTypes(a: VCardProperty, b: VCardProperty): boolean {
  // Compare the types 4.0 keeps: pref and the removed ADR types do not tell addresses apart.
  const ignore = DROPPED_TYPES_4['ADR']!;
  const norm = (p: VCardProperty) =>
    (p.params['TYPE'] ?? []).map((t) => t.toLowerCase()).filter((t) => t !== 'pref' && !ignore.has(t)).sort().join(',');
  return norm(a) === norm(b);
}

/** 1985-04-12 → 19850412, 2024-03-01T09:15:00Z → 20240301T091500Z; anything else unchanged. */
export function basicDateTime(v: string): string {
  const m = /^(\d{4})-(\d\d)-(\d\d)(?:T(\d\d):(\d\d)(?::(\d\d))?(?:\.\d+)?(Z|[+-]\d\d:?\d\d)?)?$/.exec(v.trim());
  if (!m) return v;
  const date = `${m[1]}${m[2]}${m[3]}`;
  if (m[4] === undefined) return date;
  return `${date}T${m[4]}${m[5]}${m[6] ?? '00'}${(m[7] ?? '').replace(':', '')}`;
}

/** 19850412 → 1985-04-12, 20240301T091500Z → 2024-03-01T09:15:00Z; anything else unchanged. */
export function extendedDateTime(v: string): string {
  const m = /^(\d{4})(\d\d)(\d\d)(?:T(\d\d)(\d\d)(\d\d)?(Z|[+-]\d\d\d\d|[+-]\d\d)?)?$/.exec(v.trim());
  if (!m) return v;
  const date = `${m[1]}-${m[2]}-${m[3]}`;
  if (m[4] === undefined) return date;
  const zone = m[7] === undefined ? '' : m[7].length === 5 ? `${m[7].slice(0, 3)}:${m[7].slice(3)}` : m[7];
  return `${date}T${m[4]}:${m[5]}:${m[6] ?? '00'}${zone}`;
}
