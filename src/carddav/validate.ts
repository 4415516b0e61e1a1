import ICAL from 'ical.js';
import { DavError } from '../dav/errors.js';
import { el } from '../dav/xml/element.js';
import { carddav, dav } from '../dav/xml/names.js';
import { type VCard, type VCardVersion, VCardSyntaxError, VCardVersionError, decodeUtf8, parseVCard } from './parse.js';
import { isUtf8Charset, parseMediaType } from '../dav/mediaType.js';

/**
 * Validation of an address object resource on PUT/COPY/MOVE (RFC 6352 §5.1, §6.3.2.1). Every
 * refusal is a 403 with the RFC's precondition element, like the CalDAV twin.
 *
 * Decisions:
 * - A missing Content-Type is accepted; text/vcard, text/x-vcard and text/directory (RFC 2425's
 *   type for 3.0) are; a charset other than UTF-8 is not (RFC 6350 §10.1).
 * - UID is required: RFC 6352 §5.1 says every vCard in an address book MUST have one, and the
 *   server cannot add one because stored bytes are exactly what the client sent. (SabreDAV
 *   refused UID-less cards from 1.7 on and later started adding a UID, i.e. rewriting the card;
 *   the clients reported sending none were old CardDAV-Sync and Roundcube plugin versions.)
 * - FN is required (RFC 2426 §3.1.1 and RFC 6350 §6.2.1 both say so); N is not, although RFC 2426
 *   requires it in 3.0, because real 3.0 producers omit it and nothing in CardDAV depends on it.
 * - Control characters other than TAB are refused: vCard forbids them and they cannot travel in
 *   the XML of an address-data response.
 */

export interface ValidateVCardOptions {
  /** Content-Type request header; absent = accepted. */
  contentType?: string | undefined;
  /** CARDDAV:max-resource-size in octets. */
  maxResourceSize: number;
}

export interface ValidatedVCard {
  uid: string;
  fn?: string;
  version: VCardVersion;
  /** Lower-case KIND / X-ADDRESSBOOKSERVER-KIND when present ('group' for a contact group). */
  kind?: string;
  /** The parsed card (the bytes themselves are stored untouched). */
  card: VCard;
}

const C = {
  supportedData: carddav('supported-address-data'),
  validData: carddav('valid-address-data'),
  maxSize: carddav('max-resource-size'),
  noUidConflict: carddav('no-uid-conflict'),
};

const refuse = (condition: string, message: string) => new DavError(403, message, { condition });

/**
 * Properties refused when repeated: the ones whose meaning the server depends on. Other "*1"
 * properties (BDAY, REV...) repeated by a sloppy client are tolerated rather than losing its write.
 */
const AT_MOST_ONCE = ['UID', 'KIND', 'X-ADDRESSBOOKSERVER-KIND'];

export function validateVCard(bytes: Uint8Array, opts: ValidateVCardOptions): ValidatedVCard {
  checkVCardContentType(opts.contentType);
  if (bytes.byteLength > opts.maxResourceSize) {
    throw refuse(C.maxSize, `vCard is ${bytes.byteLength} octets; this address book accepts at most ${opts.maxResourceSize}`);
  }
  let card: VCard;
  try {
    const text = decodeUtf8(bytes);
    const ctl = /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/.exec(text);
    if (ctl) throw new VCardSyntaxError(`control character U+${ctl[0].charCodeAt(0).toString(16).padStart(4, '0')} in the vCard`);
    card = parseVCard(text);
    // Second opinion from ical.js: what it cannot parse, other clients will not either.
    ICAL.parse(text);
  } catch (e) {
    if (e instanceof VCardVersionError) throw refuse(C.supportedData, e.message);
    if (e instanceof VCardSyntaxError) throw refuse(C.validData, e.message);
    if (e instanceof Error) throw refuse(C.validData, `vCard does not parse: ${e.message}`);
    throw e;
  }

  for (const name of AT_MOST_ONCE) {
    // Several instances are allowed with one ALTID (alternative representations, RFC 6350 §5.4).
    const props = card.properties.filter((p) => p.name === name);
    if (props.length > 1 && !(card.version === '4.0' && sameAltid(props.map((p) => p.params['ALTID']?.[0])))) {
      throw refuse(C.validData, `the vCard has ${props.length} ${name} properties; at most one is allowed`);
    }
  }
  const uid = card.uid?.trim();
  if (uid === undefined || uid === '') {
    throw refuse(C.validData, 'the vCard has no UID; an address book needs one per card (RFC 6352 §5.1)');
  }
  if (!card.properties.some((p) => p.name === 'FN')) throw refuse(C.validData, `a vCard ${card.version} must have an FN property`);

  const out: ValidatedVCard = { uid, version: card.version, card };
  if (card.fn !== undefined) out.fn = card.fn;
  if (card.kind !== undefined) out.kind = card.kind;
  return out;
}

function sameAltid(ids: Array<string | undefined>): boolean {
  return ids[0] !== undefined && ids.every((x) => x === ids[0]);
}

const VCARD_TYPES = new Set(['text/vcard', 'text/x-vcard', 'text/directory']);

/**
 * CARDDAV:supported-address-data for a request Content-Type: a vCard media type with a UTF-8
 * (or US-ASCII) charset or none, and a `version` parameter, when given, of 3.0 or 4.0.
 */
export function checkVCardContentType(contentType: string | undefined): void {
  if (contentType === undefined || contentType.trim() === '') return;
  const { type, params } = parseMediaType(contentType);
  if (!VCARD_TYPES.has(type)) {
    throw refuse(C.supportedData, `address object resources must be sent as text/vcard, not ${type}`);
  }
  const charset = params.get('charset');
  if (!isUtf8Charset(charset)) throw refuse(C.supportedData, `vCard data must be UTF-8, not charset=${charset}`);
  const version = params.get('version');
  if (version !== undefined && version !== '3.0' && version !== '4.0') {
    throw refuse(C.supportedData, `vCard version ${version} is not supported (3.0 and 4.0 are)`);
  }
}

/**
 * The CARDDAV:no-uid-conflict error (RFC 6352 §6.3.2.1) naming the resource that already holds
 * the UID. The caller decides when it applies: another resource in the collection has the UID,
 * or a PUT would replace a resource with one of a different UID (then `existingHref` is the
 * target itself).
 */
export function noUidConflict(existingHref: string, uid?: string): DavError {
  const what = uid === undefined ? 'this UID' : `UID "${uid}"`;
  return new DavError(403, `${what} is already used by ${existingHref}`, {
    condition: C.noUidConflict,
    content: [el(dav('href'), [existingHref])],
  });
}
