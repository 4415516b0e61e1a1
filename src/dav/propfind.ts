import { DavError } from './errors.js';
import { hrefOf, memberHref } from './href.js';
import { MemberResponses } from './memberResponses.js';
import { multistatus } from './multistatus.js';
import { parsePropfind } from './propEval.js';
import { childrenOf, openCollection, readMetaShared } from './resolve.js';
import type { ObjectId } from '../store/types.js';
import type { DavEnv, DavRequest, DavResponse, Resource } from './types.js';
import { dav } from './xml/names.js';
import { parseOptionalXml } from './xml/parse.js';

// Property evaluation lives in propEval.ts; re-exported for the REPORT handlers that import it from here.
export { deadProperties, liveProperties, parsePropfind, propertiesOf, type PropRequest } from './propEval.js';

type CollectionResource = Extract<Resource, { kind: 'collection' }>;

/** The folders directly in a collection directory as resources, and its member files (path, blob). */
async function collectionChildren(r: CollectionResource): Promise<{ folders: Resource[]; files: Array<[string, ObjectId]> }> {
  const { files, folders } = childrenOf(r.coll, r.dir);
  const base = r.coll.rel.split('/');
  const out: Resource[] = [];
  for (const d of folders) {
    out.push({ kind: 'collection', href: hrefOf([...base, ...d.split('/')], true), user: r.user, coll: r.coll, dir: d, meta: await readMetaShared(r.coll, r.coll.snapshot, d) });
  }
  return { folders: out, files };
}

function fileResource(r: CollectionResource, path: string, blob: ObjectId): Resource {
  return { kind: 'file', href: memberHref(r.coll.href, path), user: r.user, coll: r.coll, path, blob };
}

/** Resources directly below `r`, for Depth: 1. */
export async function childrenResources(env: DavEnv, r: Resource): Promise<Resource[]> {
  const { store, registry } = env;
  switch (r.kind) {
    case 'root':
      return [{ kind: 'principal', href: hrefOf([env.user], true), user: env.user }];
    case 'principal': {
      const out: Resource[] = registry.homes.map((home) => ({ kind: 'home' as const, href: hrefOf([r.user, home.segment], true), user: r.user, home }));
      for (const name of await store.list(r.user)) {
        if (registry.homes.some((h) => h.segment === name)) continue;
        const coll = await openCollection(store, registry, r.user, `${r.user}/${name}`, null);
        if (coll) out.push({ kind: 'collection', href: coll.href, user: r.user, coll, dir: '', meta: coll.meta });
      }
      return out;
    }
    case 'home': {
      const out: Resource[] = [];
      for (const name of await store.list(`${r.user}/${r.home.segment}`)) {
        const coll = await openCollection(store, registry, r.user, `${r.user}/${r.home.segment}/${name}`, r.home);
        if (coll) out.push({ kind: 'collection', href: coll.href, user: r.user, coll, dir: '', meta: coll.meta });
      }
      return out;
    }
    case 'collection': {
      const { folders, files } = await collectionChildren(r);
      return [...folders, ...files.map(([p, blob]) => fileResource(r, p, blob))];
    }
    default:
      return [];
  }
}

export function parseDepth(value: string | undefined, dflt: '0' | '1' | 'infinity'): '0' | '1' | 'infinity' {
  if (value === undefined) return dflt;
  const v = value.trim().toLowerCase();
  if (v === '0' || v === '1' || v === 'infinity') return v;
  throw new DavError(400, `Bad Depth header "${value}"`);
}

export async function propfind(env: DavEnv, req: DavRequest, resource: Resource): Promise<DavResponse> {
  if (resource.kind === 'missing') throw new DavError(404, 'Not Found');
  const depth = parseDepth(req.headers['depth'], 'infinity');
  if (depth === 'infinity') {
    throw new DavError(403, 'PROPFIND with Depth: infinity is not supported; use Depth 0 or 1', { condition: dav('propfind-finite-depth') });
  }
  const request = parsePropfind(parseOptionalXml(req.body));
  const targets: Resource[] = [resource];
  // A collection's member files are made into resources one at a time as they are written: a
  // 10,000-member listing then holds no array of resources (less garbage-collector work).
  let files: Array<[string, ObjectId]> = [];
  if (depth === '1' && resource.kind === 'collection') {
    const children = await collectionChildren(resource);
    targets.push(...children.folders);
    files = children.files;
  } else if (depth === '1') targets.push(...(await childrenResources(env, resource)));
  return multistatus(async (w) => {
    const out = new MemberResponses(env, w, request);
    for (const t of targets) {
      const pending = out.write(t);
      if (pending) await pending;
    }
    if (resource.kind !== 'collection') return;
    for (const [p, blob] of files) {
      const pending = out.write(fileResource(resource, p, blob));
      if (pending) await pending;
    }
  });
}

