import {
  type ContentLine,
  VCardSyntaxError,
  parseContentLine,
  splitEscaped,
  unescapeText,
  unfoldLines,
} from './contentLine.js';
import { ParseCache } from '../dav/parseCache.js';

/**
 * A typed model of one vCard 3.0 (RFC 2426) or 4.0 (RFC 6350) object, and a content-addressed
 * cache of parsed cards (key = Git blob id, so an entry is never stale).
 *
 * The model comes from our own content-line tokenizer rather than from ical.js' jCard because
 * partial retrieval must re-emit the client's lines exactly, and ical.js normalises what we need
 * verbatim: it lower-cases group names, keeps `\;` escaped in plain TEXT values, rewrites dates
 * (`--0203` → `--02-03`) and re-serialises `\;` as `\\;`. ical.js stays the syntax gate on upload
 * (validate.ts), so what we accept is also what a Thunderbird-grade parser accepts.
 */

export { VCardSyntaxError } from './contentLine.js';

export type VCardVersion = '3.0' | '4.0';

/** VERSION is present but not one we serve (2.1, say): CARDDAV:supported-address-data on upload. */
export class VCardVersionError extends VCardSyntaxError {
  readonly version: string;
  constructor(version: string) {
    super(`vCard version ${version} is not supported (3.0 and 4.0 are)`);
    this.name = 'VCardVersionError';
    this.version = version;
  }
}

export interface VCardProperty extends ContentLine {
  /**
   * The decoded textual value, what text-match compares: escapes resolved; for structured
   * properties the components joined with ';' (their list items with ','); for list properties
   * the items joined with ','.
   */
  readonly value: string;
  /** Structured properties (N, ADR, ORG; GENDER and CLIENTPIDMAP in 4.0; GEO in 3.0): decoded components, each a comma list. */
  readonly components: ReadonlyArray<readonly string[]> | undefined;
  /** Comma-list TEXT properties (CATEGORIES, NICKNAME): the decoded items. */
  readonly list: readonly string[] | undefined;
}

export interface VCard {
  readonly version: VCardVersion;
  /** First UID value (decoded), undefined when the card has none. */
  readonly uid: string | undefined;
  /** First FN value (decoded). */
  readonly fn: string | undefined;
  /** Lower-case KIND (4.0) or X-ADDRESSBOOKSERVER-KIND (Apple's 3.0), undefined when neither is present. */
  readonly kind: string | undefined;
  /** MEMBER (4.0) and X-ADDRESSBOOKSERVER-MEMBER (3.0) values, in order. */
  readonly members: readonly string[];
  /** Every content line between BEGIN:VCARD and END:VCARD (VERSION included), in order. */
  readonly properties: readonly VCardProperty[];
  /** The parsed text. */
  readonly text: string;
}

const STRUCTURED_ANY = new Set(['N', 'ADR', 'ORG']);
const STRUCTURED_V4 = new Set(['GENDER', 'CLIENTPIDMAP']);
const STRUCTURED_V3 = new Set(['GEO']);
const LIST_PROPS = new Set(['CATEGORIES', 'NICKNAME']);

export function isStructured(name: string, version: VCardVersion): boolean {
  return STRUCTURED_ANY.has(name) || (version === '4.0' ? STRUCTURED_V4 : STRUCTURED_V3).has(name);
}

export function isListProperty(name: string): boolean {
  return LIST_PROPS.has(name);
}

/**
 * Parses the text of exactly one vCard. Throws VCardSyntaxError (not one well-formed VCARD) or
 * VCardVersionError. Cardinality rules (one UID, FN present) are validate.ts' business: stored
 * cards committed with git are served as leniently as possible.
 */
export function parseVCard(text: string): VCard {
  const lines = unfoldLines(text);
  if (lines.length === 0) throw new VCardSyntaxError('empty body: no vCard');
  const parsed = lines.map((l) => parseContentLine(l.unfolded, l.raw, l.lineNo));
  const first = parsed[0]!;
  if (!isMarker(first, 'BEGIN')) throw new VCardSyntaxError('a vCard starts with BEGIN:VCARD', first.lineNo);
  const body: ContentLine[] = [];
  let end = -1;
  for (let i = 1; i < parsed.length; i++) {
    const l = parsed[i]!;
    if (isMarker(l, 'END')) {
      end = i;
      break;
    }
    if (l.name === 'BEGIN' || l.name === 'END') {
      throw new VCardSyntaxError(`unexpected ${l.name}:${l.rawValue} inside a vCard`, l.lineNo);
    }
    body.push(l);
  }
  if (end < 0) throw new VCardSyntaxError('BEGIN:VCARD without END:VCARD');
  if (end !== parsed.length - 1) {
    const extra = parsed[end + 1]!;
    throw new VCardSyntaxError(
      isMarker(extra, 'BEGIN') ? 'more than one vCard in the resource' : 'content after END:VCARD',
      extra.lineNo,
    );
  }

  const versionLines = body.filter((l) => l.name === 'VERSION');
  if (versionLines.length === 0) throw new VCardSyntaxError('the vCard has no VERSION property');
  if (versionLines.length > 1) throw new VCardSyntaxError('the vCard has more than one VERSION property', versionLines[1]!.lineNo);
  const v = versionLines[0]!.rawValue.trim();
  if (v !== '3.0' && v !== '4.0') throw new VCardVersionError(v);
  const version: VCardVersion = v;

  const properties = body.map((l) => decodeProperty(l, version));
  const firstValue = (...names: string[]) => properties.find((p) => names.includes(p.name))?.value;
  const kind = firstValue('KIND') ?? firstValue('X-ADDRESSBOOKSERVER-KIND');
  return {
    version,
    uid: firstValue('UID'),
    fn: firstValue('FN'),
    kind: kind === undefined ? undefined : kind.trim().toLowerCase(),
    members: properties.filter((p) => p.name === 'MEMBER' || p.name === 'X-ADDRESSBOOKSERVER-MEMBER').map((p) => p.value.trim()),
    properties,
    text,
  };
}

function isMarker(l: ContentLine, which: 'BEGIN' | 'END'): boolean {
  return l.name === which && l.group === undefined && l.rawValue.trim().toUpperCase() === 'VCARD';
}

function decodeProperty(l: ContentLine, version: VCardVersion): VCardProperty {
  if (isStructured(l.name, version)) {
    const components = splitEscaped(l.rawValue, ';').map((c) => splitEscaped(c, ',').map(unescapeText));
    return property(l, components, undefined, components.map((c) => c.join(',')).join(';'));
  }
  if (isListProperty(l.name)) {
    const list = splitEscaped(l.rawValue, ',').map(unescapeText);
    return property(l, undefined, list, list.join(','));
  }
  return property(l, undefined, undefined, unescapeText(l.rawValue));
}

/**
 * Field by field, not `{ ...l }`: objects made by spread survive young-generation GCs here
 * (measured: parsing 10k cards promoted ~100 MB of garbage to the old space, which then grew the
 * heap and RSS by as much; with a literal, nothing).
 */
function property(l: ContentLine, components: VCardProperty['components'], list: VCardProperty['list'], value: string): VCardProperty {
  const { group, name, spelledName, params, rawValue, raw, lineNo } = l;
  return { group, name, spelledName, params, rawValue, raw, lineNo, components, list, value };
}

const decoder = new TextDecoder('utf-8', { fatal: true });

/** Strict UTF-8 decode (a leading byte-order mark is dropped). Throws VCardSyntaxError. */
export function decodeUtf8(bytes: Uint8Array): string {
  try {
    return decoder.decode(bytes);
  } catch {
    throw new VCardSyntaxError('the vCard is not valid UTF-8');
  }
}

/** Parsed vCards by Git blob id (see ParseCache). */
export class VCardCache extends ParseCache<VCard> {
  constructor(maxEntries = 10_000) {
    super((bytes) => parseVCard(decodeUtf8(bytes)), maxEntries);
  }
}
