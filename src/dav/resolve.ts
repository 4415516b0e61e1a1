import type { ObjectId, Snapshot, Store } from '../store/types.js';
import { DavError } from './errors.js';
import { encodeSegment, hrefOf } from './href.js';
import { META_FILE, parseMeta, type Meta } from './meta.js';
import type { CollectionType, CollectionView, HomeType, Registry, Resource } from './types.js';
import { dav } from './xml/names.js';

/** Parsed metadata by blob id: content-addressed, so never stale. */
const metaCache = new Map<ObjectId, Meta>();
const META_CACHE_MAX = 4096;
const MAX_DIR_NAME_BYTES = 255;

const EMPTY_META: Meta = freezeMeta(parseMeta(undefined));

function freezeMeta(meta: Meta): Meta {
  for (const m of Object.values(meta.members)) Object.freeze(m);
  Object.freeze(meta.members);
  Object.freeze(meta.properties);
  return Object.freeze(meta);
}

/**
 * Metadata of a directory as of `snapshot`, shared and frozen: for reading (resolution, PROPFIND,
 * reports), where a copy per resource would cost O(members) each and O(n²) over a listing.
 */
export async function readMetaShared(coll: Pick<CollectionView, 'repo'>, snapshot: Snapshot, dir: string): Promise<Meta> {
  const blob = snapshot.files.get(dir === '' ? META_FILE : `${dir}/${META_FILE}`);
  if (!blob) return EMPTY_META;
  const hit = metaCache.get(blob);
  if (hit) return hit;
  const meta = freezeMeta(parseMeta(await coll.repo.readBlob(blob)));
  if (metaCache.size >= META_CACHE_MAX) metaCache.delete(metaCache.keys().next().value as ObjectId);
  metaCache.set(blob, meta);
  return meta;
}

/** A private copy of a directory's metadata, for writers that change it. */
export async function readMeta(coll: Pick<CollectionView, 'repo'>, snapshot: Snapshot, dir: string): Promise<Meta> {
  return structuredClone(await readMetaShared(coll, snapshot, dir));
}

/** Is a file called `name` a member of a collection of this type? Hidden files never are in calendars and address books. */
export function isMemberName(type: CollectionType, name: string): boolean {
  if (name === META_FILE) return false;
  if (!type.allowsFolders && name.startsWith('.')) return false;
  return type.isMemberName ? type.isMemberName(name) : true;
}

export function isMetaPath(path: string): boolean {
  return path === META_FILE || path.endsWith(`/${META_FILE}`);
}

/** Collection type of a repository: its metadata says, else the home it lives in, else a plain folder. */
export function typeOf(registry: Registry, meta: Meta, home: HomeType | null): CollectionType {
  const id = meta.type ?? home?.collectionType ?? 'plain';
  return registry.types.get(id) ?? registry.types.get('plain')!;
}

export function homeFor(registry: Registry, segment: string | undefined): HomeType | null {
  return registry.homes.find((h) => h.segment === segment) ?? null;
}

/** Open a repository as a collection view at its current HEAD; null when there is none. */
export async function openCollection(store: Store, registry: Registry, owner: string, rel: string, home: HomeType | null): Promise<CollectionView | null> {
  const repo = await store.open(rel);
  if (!repo) return null;
  const snapshot = await repo.head();
  const meta = await readMetaShared({ repo }, snapshot, '');
  return { rel, repo, snapshot, meta, type: typeOf(registry, meta, home), href: hrefOf(rel.split('/'), true), owner };
}

export function needPrivileges(href: string): DavError {
  return new DavError(403, `Access to ${href} is not allowed for this user`, { condition: dav('need-privileges') });
}

/**
 * Map a URL to what it names. The URL space (DESIGN.md): `/`, `/<user>/`, `/<user>/<home>/`,
 * `/<user>/<home>/<collection>/...`, and `/<user>/<folder>/...` for plain repositories.
 * Users see only their own tree: anything under another user is refused here, once, for every method.
 */
export async function resolve(store: Store, registry: Registry, user: string, segments: string[], trailingSlash: boolean): Promise<Resource> {
  if (segments.length === 0) return { kind: 'root', href: '/' };
  const owner = segments[0]!;
  if (owner !== user) throw needPrivileges(hrefOf(segments, trailingSlash));
  if (segments.length === 1) return { kind: 'principal', href: hrefOf(segments, true), user };

  const home = homeFor(registry, segments[1]);
  if (home && segments.length === 2) return { kind: 'home', href: hrefOf(segments, true), user, home };
  const repoDepth = home ? 3 : 2;
  const repoSegments = segments.slice(0, repoDepth);
  // Repositories are directories: their names obey the file system's limit (names inside a
  // repository are Git tree entries and do not).
  for (const s of repoSegments) {
    if (Buffer.byteLength(s, 'utf8') > MAX_DIR_NAME_BYTES) throw new DavError(400, `A collection name may be at most ${MAX_DIR_NAME_BYTES} bytes long`);
  }
  const rel = repoSegments.join('/');
  const atRepo = segments.length === repoDepth;

  const coll = await openCollection(store, registry, owner, rel, home);
  if (!coll) {
    if (atRepo) return { kind: 'missing', href: hrefOf(segments, true), user, target: { type: 'repository', rel, home } };
    return { kind: 'missing', href: hrefOf(segments, trailingSlash), user, target: { type: 'none' } };
  }
  if (atRepo) return { kind: 'collection', href: coll.href, user, coll, dir: '', meta: coll.meta };
  return resolveInCollection(coll, user, segments, repoDepth, trailingSlash);
}

/**
 * The part of `resolve` below an open repository: `segments` is the whole URL path, of which the
 * first `repoDepth` name the repository `coll` (already checked to be the user's) and at least
 * one more follows. Reports over many members of one collection use it directly, against the
 * snapshot the report started from, instead of reopening the repository per href.
 */
export async function resolveInCollection(coll: CollectionView, user: string, segments: string[], repoDepth: number, trailingSlash: boolean): Promise<Resource> {
  const rest = segments.slice(repoDepth);
  // The first repoDepth segments name `coll`, whose href is already encoded.
  const tail = rest.map(encodeSegment).join('/');
  const memberHref = (slash: boolean) => coll.href + tail + (slash ? '/' : '');
  const href = memberHref(trailingSlash);
  const path = rest.join('/');
  if (rest.some((s) => s === META_FILE) || rest.some((s) => s === '.git')) {
    // The metadata file is the server's: it is reached through properties, not as a resource.
    return { kind: 'missing', href, user, target: { type: 'none' } };
  }
  const snap = coll.snapshot;
  // A file that is no member (a README in a calendar) is not served either, and nothing can be put there.
  if (!isMemberName(coll.type, rest[rest.length - 1]!) && !(coll.type.allowsFolders && snap.dirs.has(path))) {
    return { kind: 'missing', href, user, target: { type: 'none' } };
  }
  if (coll.type.allowsFolders && snap.dirs.has(path)) {
    return { kind: 'collection', href: memberHref(true), user, coll, dir: path, meta: await readMetaShared(coll, snap, path) };
  }
  const blob = snap.files.get(path);
  if (blob && (coll.type.allowsFolders || rest.length === 1)) return { kind: 'file', href: memberHref(false), user, coll, path, blob };
  const parent = rest.slice(0, -1).join('/');
  const parentExists = parent === '' || (coll.type.allowsFolders && snap.dirs.has(parent));
  return { kind: 'missing', href, user, target: { type: 'member', coll, path, parentExists, isCollectionUrl: trailingSlash } };
}

/** Members (files and folders) directly inside a collection directory, for Depth: 1. */
export function childrenOf(coll: CollectionView, dir: string): { files: Array<[string, ObjectId]>; folders: string[] } {
  const prefix = dir === '' ? '' : `${dir}/`;
  const files: Array<[string, ObjectId]> = [];
  const folders: string[] = [];
  for (const [p, blob] of coll.snapshot.files) {
    if (!p.startsWith(prefix)) continue;
    const name = p.slice(prefix.length);
    if (name.includes('/') || !isMemberName(coll.type, name)) continue;
    files.push([p, blob]);
  }
  if (coll.type.allowsFolders) {
    for (const d of coll.snapshot.dirs) {
      if (!d.startsWith(prefix)) continue;
      const name = d.slice(prefix.length);
      if (name !== '' && !name.includes('/')) folders.push(d);
    }
  }
  return { files, folders };
}
