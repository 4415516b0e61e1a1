import ICAL from 'ical.js';
import { DavError } from '../dav/errors.js';
import { type XmlElement, attr, elements } from '../dav/xml/element.js';
import { carddav } from '../dav/xml/names.js';
import { type OutProp, convertProps, serializeVCard } from './convert.js';
import { type VCard, type VCardVersion, parseVCard } from './parse.js';

/**
 * CARDDAV:address-data (RFC 6352 §10.4): the request element and the rendering of one stored
 * vCard for it — property selection, version conversion, jCard (RFC 7095).
 *
 * Decisions:
 * - No `version` attribute means "the stored version", not the DTD's default 3.0: answering with
 *   the stored bytes keeps REPORT data identical to GET and to the ETag; a client that wants a
 *   particular version says so (DAVx⁵ asks for 4.0 when supported-address-data offers it).
 * - No selection and the stored version → the stored text, untouched.
 * - Selection keeps BEGIN/END, VERSION and UID always, the named properties, and — when a kept
 *   property has a group — the X- properties of that group (Apple's `item1.X-ABLabel` naming
 *   `item1.EMAIL`, `item2.X-ABADR`), since a grouped property without its label loses meaning.
 *   A name with a group (`item1.EMAIL`) selects only that group. novalue="yes" keeps the name and
 *   parameters with an empty value. Lines kept unchanged are re-emitted byte for byte (folds too).
 * - When converting, the selection applies to the converted card: a 4.0 client asking for KIND
 *   gets the KIND made from Apple's X-ADDRESSBOOKSERVER-KIND.
 * - jCard is ical.js' reading of the 4.0 text we produce: ical.js implements RFC 7095's mapping
 *   (group as a "group" parameter, typed values, extended date forms, structured arrays).
 * - An unsupported content-type/version in the request is CARDDAV:supported-address-data (the
 *   REPORT precondition of §8.6/§8.7); a stored card that cannot be converted is
 *   CARDDAV:supported-address-data-conversion (§5.1.1), for that resource's response.
 */

export const SUPPORTED_ADDRESS_DATA: ReadonlyArray<{ readonly contentType: string; readonly version: string }> = Object.freeze([
  { contentType: 'text/vcard', version: '3.0' },
  { contentType: 'text/vcard', version: '4.0' },
  { contentType: 'application/vcard+json', version: '4.0' },
]);

export type AddressDataContentType = 'text/vcard' | 'application/vcard+json';

export interface AddressDataProp {
  /** Upper-case property name. */
  readonly name: string;
  /** Upper-case group when the name had one. */
  readonly group: string | undefined;
  readonly novalue: boolean;
}

export interface AddressDataRequest {
  readonly contentType: AddressDataContentType;
  /** Requested version; undefined = the stored one (jCard is always 4.0). */
  readonly version: VCardVersion | undefined;
  /** Selected properties; undefined = all (no CARDDAV:prop children, or CARDDAV:allprop). */
  readonly props: readonly AddressDataProp[] | undefined;
}

export interface RenderedAddressData {
  /** The text for the address-data element (vCard text or jCard JSON). */
  readonly data: string;
  readonly contentType: AddressDataContentType;
  readonly version: VCardVersion;
}

const bad = (msg: string) => new DavError(400, msg);

export function parseAddressDataRequest(el: XmlElement): AddressDataRequest {
  const ctAttr = attr(el, 'content-type');
  const contentType = (ctAttr ?? 'text/vcard').split(';')[0]!.trim().toLowerCase();
  const vAttr = attr(el, 'version')?.trim();
  const version = vAttr ?? (contentType === 'application/vcard+json' ? '4.0' : undefined);
  const supported = SUPPORTED_ADDRESS_DATA.some(
    (s) => s.contentType === contentType && (version === undefined || s.version === version),
  );
  if (!supported) {
    throw new DavError(403, `address-data ${contentType}${vAttr ? ` version ${vAttr}` : ''} is not supported`, {
      condition: carddav('supported-address-data'),
    });
  }
  const allprop = elements(el, carddav('allprop')).length > 0;
  const propEls = elements(el, carddav('prop'));
  if (allprop && propEls.length > 0) throw bad('CARDDAV:address-data takes CARDDAV:allprop or CARDDAV:prop, not both');
  let props: AddressDataProp[] | undefined;
  if (propEls.length > 0) {
    props = propEls.map((p) => {
      const full = attr(p, 'name')?.trim().toUpperCase();
      if (!full) throw bad('CARDDAV:prop needs a name attribute');
      const novalue = attr(p, 'novalue') ?? 'no';
      if (novalue !== 'yes' && novalue !== 'no') throw bad(`novalue="${novalue}" must be yes or no`);
      const dot = full.lastIndexOf('.');
      return {
        name: dot >= 0 ? full.slice(dot + 1) : full,
        group: dot >= 0 ? full.slice(0, dot) : undefined,
        novalue: novalue === 'yes',
      };
    });
  }
  return { contentType: contentType as AddressDataContentType, version: version as VCardVersion | undefined, props };
}

/**
 * Renders stored vCard text for an address-data request (undefined = plain `<address-data/>`).
 * `card` may be passed when the caller already has it parsed (VCardCache).
 * Throws DavError 403 CARDDAV:supported-address-data-conversion when the stored text cannot be
 * parsed for a conversion or selection.
 */
export function renderAddressData(text: string, request?: AddressDataRequest, card?: VCard): RenderedAddressData {
  const contentType = request?.contentType ?? 'text/vcard';
  const asIs = contentType === 'text/vcard' && request?.props === undefined;
  if (asIs && (request?.version === undefined || textVersion(text) === request.version)) {
    return { data: text, contentType, version: (request?.version ?? textVersion(text) ?? '3.0') as VCardVersion };
  }
  let parsed: VCard;
  try {
    parsed = card ?? parseVCard(text);
  } catch (e) {
    throw conversionError(`the stored vCard cannot be converted: ${e instanceof Error ? e.message : String(e)}`, e);
  }
  const version: VCardVersion = contentType === 'application/vcard+json' ? '4.0' : (request?.version ?? parsed.version);
  let props = convertProps(parsed, version);
  if (request?.props) props = selectProps(props, request.props);
  const vcardText = version === parsed.version && request?.props === undefined ? text : serializeVCard(props, version);
  if (contentType === 'text/vcard') return { data: vcardText, contentType, version };
  try {
    return { data: JSON.stringify(toJCard(ICAL.parse(vcardText))), contentType, version };
  } catch (e) {
    throw conversionError(`the vCard cannot be converted to jCard: ${e instanceof Error ? e.message : String(e)}`, e);
  }
}

/** RFC 6350/6474/6715 properties ical.js' vCard design lacks, with their RFC 7095 value types. */
const JCARD_TYPES: Readonly<Record<string, string>> = {
  prodid: 'text',
  birthplace: 'text',
  deathplace: 'text',
  deathdate: 'date-and-or-time',
  expertise: 'text',
  hobby: 'text',
  interest: 'text',
  'org-directory': 'uri',
};

/**
 * ical.js' jCard, made RFC 7095 §3.2-exact: `["vcard", [properties]]` without the empty
 * sub-component array ical.js appends, and known properties typed rather than "unknown".
 */
function toJCard(parsed: unknown): unknown {
  if (!Array.isArray(parsed) || parsed[0] !== 'vcard' || !Array.isArray(parsed[1])) throw new Error('not a single vCard');
  const props = (parsed[1] as unknown[]).map((p) => {
    if (!Array.isArray(p) || p[2] !== 'unknown') return p;
    const type = JCARD_TYPES[String(p[0])];
    return type === undefined ? p : [p[0], p[1], type, ...p.slice(3)];
  });
  return ['vcard', props];
}

function conversionError(message: string, cause: unknown): DavError {
  return new DavError(403, message, { condition: carddav('supported-address-data-conversion'), cause });
}

/** VERSION of stored text without a full parse (the common no-conversion path). */
function textVersion(text: string): VCardVersion | undefined {
  const m = /^VERSION:[ \t]*(3\.0|4\.0)[ \t]*$/im.exec(text);
  return m ? (m[1] as VCardVersion) : undefined;
}

/** Partial retrieval: see the module comment for what is kept. */
export function selectProps(props: readonly OutProp[], wanted: readonly AddressDataProp[]): OutProp[] {
  const keep = new Map<OutProp, boolean>(); // prop → novalue
  for (const p of props) {
    if (p.name === 'UID') {
      keep.set(p, false);
      continue;
    }
    const hits = wanted.filter((w) => w.name === p.name && (w.group === undefined || w.group === p.group?.toUpperCase()));
    if (hits.length > 0) keep.set(p, hits.every((w) => w.novalue));
  }
  const groups = new Set([...keep.keys()].filter((p) => p.group !== undefined).map((p) => p.group!.toUpperCase()));
  const out: OutProp[] = [];
  for (const p of props) {
    const novalue = keep.get(p);
    if (novalue === undefined) {
      if (p.group !== undefined && p.name.startsWith('X-') && groups.has(p.group.toUpperCase())) out.push(p);
    } else if (novalue) {
      out.push({ group: p.group, name: p.name, params: p.params, value: '' });
    } else out.push(p);
  }
  return out;
}

/**
 * GET content negotiation (RFC 6352 §5.1.1): the address-data request an Accept header asks
 * for. undefined = send the stored bytes (no header, `*\/*`, `text/*`, text/vcard without a
 * version, or the stored version being among the best). Media types are compared without
 * parameters other than `version`; text/x-vcard counts as text/vcard. An Accept that admits no
 * supported type is 406 with CARDDAV:supported-address-data-conversion.
 */
export function negotiateAddressData(accept: string | undefined, storedVersion: VCardVersion): AddressDataRequest | undefined {
  if (accept === undefined || accept.trim() === '') return undefined;
  type Offer = { contentType: AddressDataContentType; version: VCardVersion | undefined; q: number; stored: boolean };
  const offers: Offer[] = [];
  for (const range of accept.split(',')) {
    const [type, ...params] = range.split(';').map((s) => s.trim());
    let q = 1;
    let version: string | undefined;
    for (const p of params) {
      const [k, v] = p.split('=').map((s) => s.trim().replace(/^"(.*)"$/, '$1'));
      if (k?.toLowerCase() === 'q') q = Number(v);
      else if (k?.toLowerCase() === 'version') version = v;
    }
    if (!(q > 0)) continue;
    const mt = type!.toLowerCase();
    if (mt === '*/*' || mt === 'text/*' || ((mt === 'text/vcard' || mt === 'text/x-vcard') && (version === undefined || version === storedVersion))) {
      offers.push({ contentType: 'text/vcard', version: undefined, q, stored: true });
    } else if ((mt === 'text/vcard' || mt === 'text/x-vcard') && (version === '3.0' || version === '4.0')) {
      offers.push({ contentType: 'text/vcard', version, q, stored: false });
    } else if (mt === 'application/vcard+json' && (version === undefined || version === '4.0')) {
      offers.push({ contentType: 'application/vcard+json', version: '4.0', q, stored: false });
    }
  }
  if (offers.length === 0) {
    throw new DavError(406, `none of "${accept}" can be served for this ${storedVersion} vCard`, {
      condition: carddav('supported-address-data-conversion'),
    });
  }
  // Highest q wins; among equals, the stored bytes (no conversion) win.
  offers.sort((a, b) => b.q - a.q || Number(b.stored) - Number(a.stored));
  const best = offers[0]!;
  return best.stored ? undefined : { contentType: best.contentType, version: best.version, props: undefined };
}
