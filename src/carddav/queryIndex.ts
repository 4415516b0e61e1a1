// Candidate data for addressbook-query: per blob, the decoded properties queries usually name
// (EMAIL, FN, N, TEL, ...) exactly as the parser gives them to the matcher. A query whose
// prop-filters name only these is answered by the same matchesAddressFilter over this light card,
// so no 10k vCards are parsed after a restart and the parse cache is not filled with them; any
// other query, and any card with an over-long indexed value, uses the full parsed card.
import { BlobIndex } from '../dav/blobIndex.js';
import type { CollectionView } from '../dav/types.js';
import { isFlatMember } from '../dav/uidIndex.js';
import type { AddressFilter } from './filter.js';
import { parseVCard, decodeUtf8, type VCard, type VCardProperty } from './parse.js';

export const INDEXED_PROPERTIES = new Set(['FN', 'N', 'NICKNAME', 'EMAIL', 'TEL', 'ORG', 'UID', 'CATEGORIES', 'KIND', 'X-ADDRESSBOOKSERVER-KIND', 'TITLE']);
const MAX_VALUE = 2048;

/** [group or null, upper-case name, decoded value, params or null]. */
export type LiteProperty = [string | null, string, string, Record<string, string[]> | null];
/** 0: not a vCard (matches nothing); 1: use the full card; else the indexed properties. */
export type CardSummary = 0 | 1 | LiteProperty[];

export function summariseCard(card: VCard): CardSummary {
  const out: LiteProperty[] = [];
  for (const p of card.properties) {
    if (!INDEXED_PROPERTIES.has(p.name)) continue;
    if (p.value.length > MAX_VALUE) return 1;
    const params = Object.keys(p.params).length ? Object.fromEntries(Object.entries(p.params).map(([k, v]) => [k, [...v]])) : null;
    out.push([p.group ?? null, p.name, p.value, params]);
  }
  return out;
}

/** Can this filter be evaluated on the indexed properties alone? */
export function filterUsesIndexedOnly(filter: AddressFilter): boolean {
  return filter.propFilters.every((pf) => INDEXED_PROPERTIES.has(pf.name));
}

/** A card holding only the indexed properties, shaped for matchesAddressFilter. */
export function liteCard(props: readonly LiteProperty[]): VCard {
  const properties: VCardProperty[] = props.map(([group, name, value, params]) => ({
    group: group ?? undefined,
    name,
    spelledName: name,
    params: params ?? {},
    rawValue: value,
    raw: '',
    lineNo: 0,
    value,
    components: undefined,
    list: undefined,
  }));
  return { version: '4.0', uid: undefined, fn: undefined, kind: undefined, members: [], properties, text: '' };
}

function isLiteProperty(x: unknown): x is LiteProperty {
  return (
    Array.isArray(x) &&
    x.length === 4 &&
    (x[0] === null || typeof x[0] === 'string') &&
    typeof x[1] === 'string' &&
    typeof x[2] === 'string' &&
    (x[3] === null || (typeof x[3] === 'object' && Object.values(x[3] as object).every((v) => Array.isArray(v) && v.every((s) => typeof s === 'string'))))
  );
}

export const cardQueryIndex = new BlobIndex<CardSummary>({
  file: 'carddav-query-v1.json',
  version: 1,
  isMember: (p) => isFlatMember(p) && /\.vcf$/i.test(p),
  isSummary: (x): x is CardSummary => x === 0 || x === 1 || (Array.isArray(x) && x.every(isLiteProperty)),
  summarise: async (coll: CollectionView, blob: string) => {
    const bytes = await coll.repo.readBlob(blob); // an I/O failure is not "not a vCard"
    try {
      return summariseCard(parseVCard(decodeUtf8(bytes)));
    } catch {
      return 0;
    }
  },
});
