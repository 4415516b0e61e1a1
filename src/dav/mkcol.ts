import { DavError } from './errors.js';
import { emptyMeta, serializeMeta } from './meta.js';
import { writePropstats, xmlResponse, type PropResult } from './multistatus.js';
import { applyUpdates, parseUpdates, type PropUpdate } from './proppatch.js';
import type { CollectionType, DavEnv, DavRequest, DavResponse, Registry, Resource } from './types.js';
import { elements, type XmlElement } from './xml/element.js';
import { dav, type Clark } from './xml/names.js';
import { parseXml } from './xml/parse.js';
import { collectionLabel, commitTo, metaPath } from './write.js';

/** The collection type a `<D:resourcetype>` asks for; null when it names only DAV:collection. */
function typeFromResourceType(registry: Registry, rt: XmlElement): CollectionType | undefined | null {
  const names = elements(rt).map((e) => e.name).filter((n) => n !== dav('collection'));
  if (names.length === 0) return null;
  for (const t of registry.types.values()) {
    if (t.resourceType.length && names.length === t.resourceType.length && t.resourceType.every((n) => names.includes(n))) return t;
  }
  return undefined;
}

/**
 * MKCOL (RFC 4918 §9.3), extended MKCOL (RFC 5689) and creation methods registered by
 * extensions (MKCALENDAR, RFC 4791 §5.3.1): a new repository under a home or the principal,
 * or a folder inside a plain repository.
 */
export async function mkcol(env: DavEnv, req: DavRequest, r: Resource): Promise<DavResponse> {
  const creation = env.registry.creationMethods.get(req.method);
  const responseRoot: Clark = creation?.responseRoot ?? dav('mkcol-response');
  if (r.kind !== 'missing') throw new DavError(405, 'A resource already exists at this URL', { headers: { Allow: 'GET, HEAD, OPTIONS, PROPFIND, PROPPATCH, DELETE, MOVE, COPY, REPORT, PUT' } });
  if (r.target.type === 'none') throw new DavError(409, 'Collections cannot be created here');

  let updates: PropUpdate[] = [];
  let requested: CollectionType | null = creation ? env.registry.types.get(creation.type)! : null;
  const contentType = req.headers['content-type'];
  if (req.body && req.body.length > 0) {
    if (!creation && contentType !== undefined && !/[/+]xml\b/i.test(contentType)) {
      throw new DavError(415, 'MKCOL with a body must send an extended MKCOL XML body (RFC 5689)');
    }
    const body = parseXml(req.body);
    const expected = creation?.bodyRoot ?? dav('mkcol');
    if (body.name !== expected) throw new DavError(415, `The body of ${req.method} must be ${expected}`);
    updates = parseUpdates(body);
    const rt = updates.find((u) => u.action === 'set' && u.prop.name === dav('resourcetype'));
    if (rt) {
      const t = typeFromResourceType(env.registry, rt.prop);
      if (t === undefined) throw new DavError(403, 'Unsupported resourcetype', { condition: dav('valid-resourcetype') });
      if (t !== null) {
        if (creation && t.id !== creation.type) throw new DavError(403, 'resourcetype does not match the method', { condition: dav('valid-resourcetype') });
        requested = t;
      }
      updates = updates.filter((u) => u !== rt);
    }
  }

  if (r.target.type === 'repository') {
    const home = r.target.home;
    const plain = env.registry.types.get('plain')!;
    const type = requested ?? (home ? env.registry.types.get(home.collectionType)! : plain);
    if (home && type.id !== home.collectionType) {
      throw new DavError(403, `Only ${env.registry.types.get(home.collectionType)!.noun} collections can be created in ${r.href.replace(/[^/]+\/$/, '')}`, { condition: dav('valid-resourcetype') });
    }
    if (!home && type.id !== 'plain') {
      const where = env.registry.homes.find((h) => h.collectionType === type.id);
      throw new DavError(403, `Create ${type.noun} collections under /${r.user}/${where?.segment ?? ''}/`, { condition: dav('valid-resourcetype') });
    }
    await env.locks.checkWrite(req, [{ href: r.href, membership: true }]);
    const meta = emptyMeta(type.id);
    const applied = applyUpdates(meta.properties, updates, type, true, env.registry.properties);
    if (!applied.ok) return failed(responseRoot, applied.results);
    const label = collectionLabel({ rel: r.target.rel, meta, type });
    try {
      await env.store.create(r.target.rel, {
        author: env.author,
        plan: () => ({ ops: [{ op: 'put', path: metaPath(''), data: serializeMeta(meta) }], message: `Create ${label}` }),
      });
    } catch (err) {
      if (err instanceof Error && (err as { code?: string }).code === 'exists') throw new DavError(405, 'A resource already exists at this URL');
      throw err;
    }
    return { status: 201, headers: {} };
  }

  // A folder inside an existing repository.
  const { coll, path, parentExists } = r.target;
  if (!coll.type.allowsFolders) throw new DavError(403, `A ${coll.type.noun} collection cannot contain collections`);
  if (!parentExists) throw new DavError(409, 'The parent collection does not exist');
  if (requested && requested.id !== 'plain') throw new DavError(403, `A ${requested.noun} collection must be created in its home`, { condition: dav('valid-resourcetype') });
  const meta = emptyMeta();
  const applied = applyUpdates(meta.properties, updates, null, true, env.registry.properties);
  if (!applied.ok) return failed(responseRoot, applied.results);
  await commitTo(env, coll, async (head) => {
    if (head.dirs.has(path) || head.files.has(path)) throw new DavError(405, 'A resource already exists at this URL');
    const parent = path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : '';
    if (parent !== '' && !head.dirs.has(parent)) throw new DavError(409, 'The parent collection does not exist');
    await env.locks.checkWrite(req, [{ href: r.href, membership: true }]);
    return { ops: [{ op: 'put', path: metaPath(path), data: serializeMeta(meta) }], message: `Create folder ${path} in ${collectionLabel(coll)}` };
  });
  return { status: 201, headers: {} };
}

/** RFC 5689 §3.3 / RFC 4791 §5.3.1: the failure body holds propstats directly under the method's response root. */
function failed(responseRoot: Clark, results: readonly PropResult[]): DavResponse {
  return xmlResponse(403, responseRoot, (w) => writePropstats(w, results));
}
