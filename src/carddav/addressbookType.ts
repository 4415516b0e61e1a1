import { hrefOf } from '../dav/href.js';
import { multigetReport, queryReport, queryTargets } from '../dav/memberReports.js';
import { SUPPORTED_COLLATIONS } from '../dav/textMatch.js';
import type { CollectionType, CollectionView, DavResponse, HomeType, LiveProperty, PropertyContext, ReportContext } from '../dav/types.js';
import { isFlatMember, UidIndex } from '../dav/uidIndex.js';
import { el } from '../dav/xml/element.js';
import { carddav, dav } from '../dav/xml/names.js';
import { parseAddressDataRequest, renderAddressData, SUPPORTED_ADDRESS_DATA } from './addressData.js';
import { matchesAddressFilter, parseAddressbookQuery } from './filter.js';
import { decodeUtf8, VCardCache, type VCard } from './parse.js';
import { scanVCardUid } from './uidScan.js';
import { cardQueryIndex, filterUsesIndexedOnly, liteCard } from './queryIndex.js';
import { noUidConflict, validateVCard } from './validate.js';

/** Default CARDDAV:max-resource-size (octets): room for a card with a large photo. */
export const MAX_VCARD_RESOURCE = 10 * 1024 * 1024;

/** Parsed vCards by blob id; small for the same reasons as the calendar cache. */
const vcardCache = new VCardCache(1_000);
const cardOf = (coll: CollectionView, blob: string): Promise<VCard> => vcardCache.get(blob, () => coll.repo.readBlob(blob));

const uidIndex = new UidIndex(async (coll, blob) => {
  try {
    return scanVCardUid(decodeUtf8(await coll.repo.readBlob(blob)));
  } catch {
    return undefined; // not UTF-8: holds no UID
  }
}, (path) => isFlatMember(path) && isCardName(path));

/** Address object resources are `NAME.vcf`; other files in the repository are not vCards. */
function isCardName(name: string): boolean {
  return /\.vcf$/i.test(name);
}

function onBook<T>(f: (ctx: PropertyContext) => T) {
  return (ctx: PropertyContext): T | undefined => (ctx.resource.kind === 'collection' && ctx.resource.dir === '' ? f(ctx) : undefined);
}

const addressbookProperties: LiveProperty[] = [
  {
    name: carddav('supported-address-data'),
    allprop: false,
    get: onBook(() => SUPPORTED_ADDRESS_DATA.map((s) => el(carddav('address-data-type'), [], { '{}content-type': s.contentType, '{}version': s.version }))),
  },
  { name: carddav('max-resource-size'), allprop: false, get: onBook(() => String(MAX_VCARD_RESOURCE)) },
  {
    name: carddav('supported-collation-set'),
    allprop: false,
    get: onBook(() => SUPPORTED_COLLATIONS.map((c) => el(carddav('supported-collation'), [c]))),
  },
];

/** CARDDAV:address-data, converted or trimmed when the request element asks for it (RFC 6352 §10.4). */
const addressMemberProperties: LiveProperty[] = [
  {
    name: carddav('address-data'),
    allprop: false,
    get: async ({ resource, request }) => {
      if (resource.kind !== 'file') return undefined;
      const bytes = await resource.coll.repo.readBlob(resource.blob);
      const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
      const req = request ? parseAddressDataRequest(request) : undefined;
      if (!req || (req.props === undefined && req.version === undefined && req.contentType === 'text/vcard')) return text;
      const card = await cardOf(resource.coll, resource.blob).catch(() => undefined);
      const out = renderAddressData(text, req, card);
      return el(carddav('address-data'), [out.data], { '{}content-type': out.contentType, '{}version': out.version });
    },
  },
];

export const addressbookPrincipalProperties: LiveProperty[] = [
  {
    name: carddav('addressbook-home-set'),
    allprop: false,
    get: ({ resource }) => (resource.kind === 'principal' ? el(dav('href'), [hrefOf([resource.user, 'contacts'], true)]) : undefined),
  },
];

/** addressbook-query (RFC 6352 §8.6), with CARDDAV:limit answered by a 507 for the collection. */
async function addressbookQuery(ctx: ReportContext): Promise<DavResponse> {
  const query = parseAddressbookQuery(ctx.body);
  const depth = ctx.req.headers['depth'] === undefined && ctx.resource.kind === 'collection' ? '1' : ctx.depth;
  const targets = queryTargets({ ...ctx, depth });
  const coll = targets[0]?.coll;
  // The indexed properties decide when the filter names only them (carddav/queryIndex.ts).
  const lite = coll && targets.length > 1 && filterUsesIndexedOnly(query.filter) ? await cardQueryIndex.summaries(coll) : undefined;
  return queryReport(
    ctx,
    targets,
    async (t) => {
      const s = t.coll === coll ? lite?.get(t.blob) : undefined;
      if (s === 0) return false;
      if (Array.isArray(s)) return matchesAddressFilter(liteCard(s), query.filter);
      const card = await cardOf(t.coll, t.blob).catch(() => undefined);
      return card !== undefined && matchesAddressFilter(card, query.filter);
    },
    query.limit === undefined ? {} : { limit: query.limit },
  );
}

export const addressbookType: CollectionType = {
  id: 'addressbook',
  resourceType: [carddav('addressbook')],
  allowsFolders: false,
  noun: 'address book',
  memberContentType: () => 'text/vcard; charset=utf-8',
  isMemberName: isCardName,
  checkPut: ({ body, contentType }) => {
    const v = validateVCard(body, { contentType, maxResourceSize: MAX_VCARD_RESOURCE });
    const noun = v.kind === 'group' ? 'group' : 'contact';
    return { uid: v.uid, describe: v.fn ? `${noun} "${v.fn}"` : noun };
  },
  findUid: (coll, snapshot, uid) => uidIndex.find(coll, snapshot, uid),
  uidConflict: (href) => noUidConflict(href),
  collectionProperties: addressbookProperties,
  memberProperties: addressMemberProperties,
  protectedProperties: [carddav('supported-address-data'), carddav('max-resource-size'), carddav('supported-collation-set')],
  reports: new Map([
    [carddav('addressbook-query'), addressbookQuery],
    [carddav('addressbook-multiget'), multigetReport],
  ]),
  davClasses: ['addressbook'],
};

export const addressbookHome: HomeType = {
  segment: 'contacts',
  collectionType: 'addressbook',
  homeSetProperty: carddav('addressbook-home-set'),
  defaultCollection: { name: 'contacts', displayname: 'Contacts' },
  createMethods: [],
  davClasses: ['addressbook'],
};

