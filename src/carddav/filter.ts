import { DavError } from '../dav/errors.js';
import { type XmlElement, attr, child, elements, isElement, textOf } from '../dav/xml/element.js';
import { carddav, dav, splitClark, type Clark } from '../dav/xml/names.js';
import { type Collation, type MatchType, collationKey, isCollation, isMatchType, keysMatch, textMatches } from '../dav/textMatch.js';
import { type AddressDataRequest, parseAddressDataRequest } from './addressData.js';

/**
 * addressbook-query (RFC 6352 §8.6, §10.5): parsing the REPORT body and evaluating its filter
 * against parsed vCards.
 *
 * Semantics, decided from the RFC text and what clients test for (PHP CardDavClient's interop
 * suite, which documents SabreDAV/Radicale/DAViCal deviations):
 * - An empty CARDDAV:filter matches every card (iOS Contacts sends `<C:filter/>` to list a book).
 * - A prop-filter is evaluated per property instance (§10.5.1 "a vCard property of the type
 *   specified exists, and ... it matches"): some instance must satisfy its text-matches and
 *   param-filters combined by `test`. So a negated text-match means "has an EMAIL that does not
 *   contain x" (cards without EMAIL never match), not "no EMAIL contains x".
 * - A param-filter is evaluated on that same instance (§10.5.2 "a vCard property is said to match
 *   a param-filter if..."): text-match succeeds when any of the parameter's values matches
 *   (TYPE=WORK,pref equals "WORK"); an absent parameter fails a text-match, negated or not.
 * - The name attribute matches property names case-insensitively; without a group prefix it
 *   matches any group (`EMAIL` matches `item1.EMAIL`), with one only that group (§10.5.1).
 * - The text compared is the property's decoded value: escapes resolved, a structured value
 *   (N, ADR, ORG) as its components joined by ';' — the value as the vCard writes it, minus
 *   escaping — so `N` starts-with "Appleseed;" finds a surname and contains "Cupertino" an ADR.
 * - Unknown property or parameter names are not an error (we can query any name); they simply
 *   do not match. CARDDAV:supported-filter is therefore never raised.
 * - A malformed filter (DTD violations, unknown test/match-type values) is 400 Bad Request:
 *   RFC 6352 defines no CARDDAV:valid-filter precondition, so none is invented.
 * - An unsupported collation is 403 with CARDDAV:supported-collation (§8.3).
 */

export type FilterTest = 'anyof' | 'allof';

export interface TextMatch {
  readonly pattern: string;
  readonly collation: Collation;
  readonly matchType: MatchType;
  readonly negate: boolean;
}

export interface ParamFilter {
  /** Upper-case parameter name. */
  readonly name: string;
  readonly isNotDefined: boolean;
  readonly textMatch: TextMatch | undefined;
}

export interface PropFilter {
  /** Upper-case property name without group. */
  readonly name: string;
  /** Upper-case group when the name attribute had one (`item1.EMAIL`). */
  readonly group: string | undefined;
  readonly test: FilterTest;
  readonly isNotDefined: boolean;
  readonly textMatches: readonly TextMatch[];
  readonly paramFilters: readonly ParamFilter[];
}

export interface AddressFilter {
  readonly test: FilterTest;
  readonly propFilters: readonly PropFilter[];
}

/** What the REPORT asks to be returned for each match. */
export type QueryProps =
  | { readonly kind: 'prop'; readonly names: readonly Clark[]; readonly addressData: AddressDataRequest | undefined }
  | { readonly kind: 'allprop' }
  | { readonly kind: 'propname' };

export interface AddressbookQuery {
  readonly filter: AddressFilter;
  /** CARDDAV:limit/nresults when given. */
  readonly limit: number | undefined;
  readonly props: QueryProps;
}

const bad = (msg: string) => new DavError(400, msg);

export function parseAddressbookQuery(report: XmlElement): AddressbookQuery {
  if (report.name !== carddav('addressbook-query')) throw bad('expected a CARDDAV:addressbook-query body');
  const filters = elements(report, carddav('filter'));
  if (filters.length !== 1) throw bad(`addressbook-query needs exactly one CARDDAV:filter, got ${filters.length}`);
  return {
    filter: parseAddressFilter(filters[0]!),
    limit: parseLimit(child(report, carddav('limit'))),
    props: parseQueryProps(report),
  };
}

/** The DAV:prop / DAV:allprop / DAV:propname part of an addressbook REPORT (multiget too). */
export function parseQueryProps(report: XmlElement): QueryProps {
  const prop = child(report, dav('prop'));
  if (prop) {
    const props = elements(prop);
    const ad = props.find((p) => p.name === carddav('address-data'));
    return { kind: 'prop', names: props.map((p) => p.name), addressData: ad ? parseAddressDataRequest(ad) : undefined };
  }
  if (child(report, dav('propname'))) return { kind: 'propname' };
  // DAV:allprop, or nothing at all (the element is optional in the DTD).
  return { kind: 'allprop' };
}

function parseLimit(limit: XmlElement | undefined): number | undefined {
  if (!limit) return undefined;
  const n = child(limit, carddav('nresults'));
  if (!n) throw bad('CARDDAV:limit without CARDDAV:nresults');
  const text = textOf(n).trim();
  if (!/^\d{1,9}$/.test(text)) throw bad(`CARDDAV:nresults must be a non-negative integer, got "${text}"`);
  return Number(text);
}

function parseTest(el: XmlElement): FilterTest {
  const t = attr(el, 'test') ?? 'anyof';
  if (t !== 'anyof' && t !== 'allof') throw bad(`test="${t}" must be anyof or allof`);
  return t;
}

/** Parses a CARDDAV:filter element. */
export function parseAddressFilter(filter: XmlElement): AddressFilter {
  return {
    test: parseTest(filter),
    propFilters: elements(filter, carddav('prop-filter')).map(parsePropFilter),
  };
}

function requiredName(el: XmlElement): string {
  const name = attr(el, 'name')?.trim();
  if (!name) throw bad(`CARDDAV:${splitClark(el.name).local} needs a name attribute`);
  return name;
}

function parsePropFilter(el: XmlElement): PropFilter {
  const full = requiredName(el).toUpperCase();
  const dot = full.lastIndexOf('.');
  const isNotDefined = child(el, carddav('is-not-defined')) !== undefined;
  const textMatches = elements(el, carddav('text-match')).map(parseTextMatch);
  const paramFilters = elements(el, carddav('param-filter')).map(parseParamFilter);
  if (isNotDefined && (textMatches.length > 0 || paramFilters.length > 0)) {
    throw bad(`prop-filter "${full}": is-not-defined cannot be combined with text-match or param-filter`);
  }
  return {
    name: dot >= 0 ? full.slice(dot + 1) : full,
    group: dot >= 0 ? full.slice(0, dot) : undefined,
    test: parseTest(el),
    isNotDefined,
    textMatches,
    paramFilters,
  };
}

function parseParamFilter(el: XmlElement): ParamFilter {
  const name = requiredName(el).toUpperCase();
  const isNotDefined = child(el, carddav('is-not-defined')) !== undefined;
  const tms = elements(el, carddav('text-match'));
  if (tms.length > 1 || (isNotDefined && tms.length > 0)) {
    throw bad(`param-filter "${name}" takes either one text-match or is-not-defined`);
  }
  return { name, isNotDefined, textMatch: tms[0] ? parseTextMatch(tms[0]) : undefined };
}

function parseTextMatch(el: XmlElement): TextMatch {
  if (el.children.some(isElement)) throw bad('CARDDAV:text-match holds text only');
  const collation = attr(el, 'collation') ?? 'i;unicode-casemap';
  if (!isCollation(collation)) {
    throw new DavError(403, `collation "${collation}" is not supported`, { condition: carddav('supported-collation') });
  }
  const matchType = attr(el, 'match-type') ?? 'contains';
  if (!isMatchType(matchType)) throw bad(`match-type="${matchType}" is not one of equals, contains, starts-with, ends-with`);
  const negate = attr(el, 'negate-condition') ?? 'no';
  if (negate !== 'yes' && negate !== 'no') throw bad(`negate-condition="${negate}" must be yes or no`);
  return { pattern: textOf(el), collation, matchType, negate: negate === 'yes' };
}

// ---------------------------------------------------------------------------------------------
// Evaluation

/** What a prop-filter reads of a property: a parsed VCardProperty, or a light one of the query index. */
export interface FilterableProperty {
  readonly name: string;
  readonly group?: string | undefined;
  readonly value: string;
  /** Absent: no parameters. */
  readonly params?: Readonly<Record<string, readonly string[]>>;
}

export function matchesAddressFilter(card: { readonly properties: readonly FilterableProperty[] }, filter: AddressFilter): boolean {
  if (filter.propFilters.length === 0) return true;
  return filter.test === 'allof'
    ? filter.propFilters.every((pf) => matchesPropFilter(card.properties, pf))
    : filter.propFilters.some((pf) => matchesPropFilter(card.properties, pf));
}

// Plain loops: this runs for every card of a book on each query (10k cards: no per-card closures).
function matchesPropFilter(props: readonly FilterableProperty[], pf: PropFilter): boolean {
  for (const p of props) {
    if (p.name !== pf.name || (pf.group !== undefined && p.group?.toUpperCase() !== pf.group)) continue;
    if (pf.isNotDefined) return false;
    if (pf.textMatches.length === 0 && pf.paramFilters.length === 0) return true;
    if (instanceMatches(p, pf)) return true;
  }
  return pf.isNotDefined;
}

/** The prop-filter's text-matches and param-filters on one instance, combined by its test. */
function instanceMatches(p: FilterableProperty, pf: PropFilter): boolean {
  const all = pf.test === 'allof';
  for (const tm of pf.textMatches) if (matchesText(p.value, tm) !== all) return !all;
  for (const f of pf.paramFilters) if (matchesParamFilter(p, f) !== all) return !all;
  return all;
}

/** Collation keys of the patterns, computed once per parsed filter. */
const patternKeys = new WeakMap<TextMatch, string>();

function matchesText(value: string, tm: TextMatch): boolean {
  const key = collationKey(tm.collation);
  let p = patternKeys.get(tm);
  if (p === undefined) patternKeys.set(tm, (p = key(tm.pattern)));
  return keysMatch(key(value), p, tm.matchType) !== tm.negate;
}

function matchesParamFilter(p: FilterableProperty, f: ParamFilter): boolean {
  const values = p.params?.[f.name];
  if (f.isNotDefined) return values === undefined;
  if (values === undefined) return false;
  if (!f.textMatch) return true;
  const tm = f.textMatch;
  return values.some((v) => textMatches(v, tm.pattern, tm.collation, tm.matchType)) !== tm.negate;
}

/** The collations CARDDAV:supported-collation-set advertises (RFC 6352 §8.3.1). */
export { SUPPORTED_COLLATIONS } from '../dav/textMatch.js';
