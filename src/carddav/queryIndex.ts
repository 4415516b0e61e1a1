// Candidate data for addressbook-query: per blob, the decoded properties queries usually name
// (EMAIL, FN, N, TEL, ...) exactly as the parser gives them to the matcher. A query whose
// prop-filters name only these is answered by the same matchesAddressFilter over this light card,
// so no 10k vCards are parsed after a restart and the parse cache is not filled with them; any
// other query, and any card with an over-long indexed value, uses the full parsed card.
import { BlobIndex } from '../dav/blobIndex.js';
import type { CollectionView } from '../dav/types.js';
import { isFlatMember } from '../dav/uidIndex.js';
import type { AddressFilter, FilterableProperty } from './filter.js';
import { parseVCard, decodeUtf8, type VCard } from './parse.js';

export const INDEXED_PROPERTIES = new Set(['FN', 'N', 'NICKNAME', 'EMAIL', 'TEL', 'ORG', 'UID', 'CATEGORIES', 'KIND', 'X-ADDRESSBOOKSERVER-KIND', 'TITLE']);
const MAX_VALUE = 2048;

/** An indexed property as the matcher reads it: upper-case name, decoded value (group and params only when present). */
export type LiteProperty = FilterableProperty;
/** 0: not a vCard (matches nothing); 1: use the full card; else the indexed properties. */
export type CardSummary = 0 | 1 | LiteProperty[];

export function summariseCard(card: VCard): CardSummary {
  const out: LiteProperty[] = [];
  for (const p of card.properties) {
    if (!INDEXED_PROPERTIES.has(p.name)) continue;
    if (p.value.length > MAX_VALUE) return 1;
    const lite: { name: string; value: string; group?: string; params?: Record<string, string[]> } = { name: p.name, value: p.value };
    if (p.group !== undefined) lite.group = p.group;
    if (Object.keys(p.params).length) lite.params = Object.fromEntries(Object.entries(p.params).map(([k, v]) => [k, [...v]]));
    out.push(lite);
  }
  return out;
}

/** Can this filter be evaluated on the indexed properties alone? */
export function filterUsesIndexedOnly(filter: AddressFilter): boolean {
  return filter.propFilters.every((pf) => INDEXED_PROPERTIES.has(pf.name));
}

/** A card holding only the indexed properties, for matchesAddressFilter (no copy: queries run over 10k of them). */
export function liteCard(props: readonly LiteProperty[]): { readonly properties: readonly FilterableProperty[] } {
  return { properties: props };
}

const isStrings = (v: unknown) => Array.isArray(v) && v.every((s) => typeof s === 'string');

function isLiteProperty(x: unknown): x is LiteProperty {
  if (typeof x !== 'object' || x === null || Array.isArray(x)) return false;
  const o = x as Record<string, unknown>;
  for (const k of Object.keys(o)) if (k !== 'name' && k !== 'value' && k !== 'group' && k !== 'params') return false;
  return (
    typeof o['name'] === 'string' &&
    typeof o['value'] === 'string' &&
    (o['group'] === undefined || typeof o['group'] === 'string') &&
    (o['params'] === undefined || (typeof o['params'] === 'object' && o['params'] !== null && !Array.isArray(o['params']) && Object.values(o['params']).every(isStrings)))
  );
}

/** Validates one persisted summary. */
export function isCardSummary(x: unknown): x is CardSummary {
  return x === 0 || x === 1 || (Array.isArray(x) && x.every(isLiteProperty));
}

export const cardQueryIndex = new BlobIndex<CardSummary>({
  file: 'carddav-query-v1.json',
  version: 2, // 2: properties as {name, value, group?, params?} objects (1: tuples)
  isMember: (p) => isFlatMember(p) && /\.vcf$/i.test(p),
  isSummary: isCardSummary,
  summarise: async (coll: CollectionView, blob: string) => {
    const bytes = await coll.repo.readBlob(blob); // an I/O failure is not "not a vCard"
    try {
      return summariseCard(parseVCard(decodeUtf8(bytes)));
    } catch {
      return 0;
    }
  },
});
