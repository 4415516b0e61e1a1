import { hrefOf } from './href.js';
import type { ObjectId } from '../store/types.js';
import type { CollectionView, DavEnv, LiveProperty, PropertyContext, PropValue, Resource } from './types.js';
import { el, type XmlElement } from './xml/element.js';
import { NS, clark, dav, type Clark } from './xml/names.js';

const href = (h: string): XmlElement => el(dav('href'), [h]);

/**
 * Sizes by blob id. Content-addressed, so never stale: a listing reads each blob once for
 * DAV:getcontentlength and never again. (Only asked for by name or by allprop; the properties
 * sync clients ask for, getetag and resourcetype, read no blob at all.)
 */
const sizes = new Map<ObjectId, number>();
const SIZES_MAX = 200_000;

async function blobSize(env: DavEnv, coll: CollectionView, blob: ObjectId): Promise<number> {
  const hit = sizes.get(blob);
  if (hit !== undefined) return hit;
  const n = (await env.readBlob(coll, blob)).length;
  if (sizes.size >= SIZES_MAX) sizes.delete(sizes.keys().next().value as ObjectId);
  sizes.set(blob, n);
  return n;
}

export function principalHref(user: string): string {
  return hrefOf([user], true);
}

/** The commit the resource is seen at (collections and files); drives getctag, sync-token, getetag of collections. */
function commitOf(r: Resource): string | null {
  return r.kind === 'collection' || r.kind === 'file' ? r.coll.snapshot.commit : null;
}

export const SYNC_TOKEN_PREFIX = 'urn:x-kalends:sync:';
/** A sync token for a repository without commits. */
export const EMPTY_SYNC_COMMIT = '0000000000000000000000000000000000000000';

export function syncTokenFor(commit: string | null): string {
  return SYNC_TOKEN_PREFIX + (commit ?? EMPTY_SYNC_COMMIT);
}

const ALL_PRIVILEGES = ['read', 'write', 'write-properties', 'write-content', 'bind', 'unbind', 'unlock', 'read-acl', 'read-current-user-privilege-set'];

function privileges(names: string[]): XmlElement[] {
  return names.map((n) => el(dav('privilege'), [el(dav(n))]));
}

function resourceType(ctx: PropertyContext): XmlElement[] {
  const r = ctx.resource;
  switch (r.kind) {
    case 'root':
      return [el(dav('collection'))];
    case 'principal':
      return [el(dav('collection')), el(dav('principal'))];
    case 'home':
      return [el(dav('collection'))];
    case 'collection':
      return [el(dav('collection')), ...(r.dir === '' ? r.coll.type.resourceType.map((n) => el(n)) : [])];
    default:
      return [];
  }
}

function live(name: Clark, allprop: boolean, get: (ctx: PropertyContext) => PropValue | undefined | Promise<PropValue | undefined>): LiveProperty {
  return { name, allprop, get };
}

/** Live properties every resource may have (RFC 4918 §15, RFC 3744, RFC 5397, RFC 6578). */
export const CORE_PROPERTIES: LiveProperty[] = [
  live(dav('resourcetype'), true, resourceType),
  live(dav('getetag'), true, ({ resource: r }) => {
    if (r.kind === 'file') return `"${r.blob}"`;
    const c = commitOf(r);
    return c ? `"${c}"` : undefined;
  }),
  live(dav('getlastmodified'), true, ({ resource: r }) => {
    const t = r.kind === 'file' || r.kind === 'collection' ? r.coll.snapshot.time : null;
    return t ? t.toUTCString() : undefined;
  }),
  live(dav('getcontentlength'), true, async ({ resource: r, env }) => {
    if (r.kind !== 'file') return undefined;
    return String(await blobSize(env, r.coll, r.blob));
  }),
  live(dav('getcontenttype'), true, ({ resource: r }) => {
    if (r.kind !== 'file') return undefined;
    return r.coll.type.memberContentType(r.path.split('/').pop()!);
  }),
  live(dav('current-user-principal'), false, ({ env }) => href(principalHref(env.user))),
  live(dav('principal-collection-set'), false, () => href('/')),
  live(dav('owner'), false, ({ resource: r }) => (r.kind === 'root' ? undefined : href(principalHref(r.user)))),
  live(dav('current-user-privilege-set'), false, ({ resource: r }) =>
    privileges(r.kind === 'root' ? ['read', 'read-current-user-privilege-set'] : ALL_PRIVILEGES),
  ),
  live(dav('supported-report-set'), false, ({ resource: r, env }) => {
    const names: Clark[] = [];
    if (r.kind === 'collection') {
      names.push(dav('sync-collection'));
      names.push(...r.coll.type.reports.keys());
    } else if (r.kind === 'file') {
      names.push(...r.coll.type.reports.keys());
    }
    for (const n of env.registry.reports.keys()) if (!names.includes(n)) names.push(n);
    return [...new Set(names)].map((n) => el(dav('supported-report'), [el(dav('report'), [el(n)])]));
  }),
  live(dav('sync-token'), false, ({ resource: r }) => (r.kind === 'collection' ? syncTokenFor(r.coll.snapshot.commit) : undefined)),
  live(clark(NS.CS, 'getctag'), false, ({ resource: r }) => (r.kind === 'collection' ? (r.coll.snapshot.commit ?? EMPTY_SYNC_COMMIT) : undefined)),
];

/** Live properties of a principal (RFC 3744 §4, RFC 5397); homes add their home-set properties through the registry. */
export const PRINCIPAL_PROPERTIES: LiveProperty[] = [
  live(dav('principal-URL'), false, ({ resource: r }) => (r.kind === 'principal' ? href(principalHref(r.user)) : undefined)),
  live(dav('displayname'), true, ({ resource: r }) => (r.kind === 'principal' ? r.user : undefined)),
  live(dav('alternate-URI-set'), false, ({ resource: r }) => (r.kind === 'principal' ? [] : undefined)),
  live(dav('group-membership'), false, ({ resource: r }) => (r.kind === 'principal' ? [] : undefined)),
];

/** Every property name no client may set (computed by the server). */
export function isProtected(name: Clark, extra: readonly LiveProperty[]): boolean {
  if (name === dav('displayname')) return false;
  return CORE_PROPERTIES.some((p) => p.name === name) || PRINCIPAL_PROPERTIES.some((p) => p.name === name) || extra.some((p) => p.name === name);
}
