import { DavError } from './errors.js';
import { toStoredValue, type StoredValue } from './meta.js';
import { multistatus, writePropResponse, type PropResult } from './multistatus.js';
import { CORE_PROPERTIES, PRINCIPAL_PROPERTIES } from './properties.js';
import type { CollectionType, DavEnv, DavRequest, DavResponse, Resource } from './types.js';
import { elements, type XmlElement } from './xml/element.js';
import { dav, type Clark } from './xml/names.js';
import { parseXml } from './xml/parse.js';
import { collectionLabel, commitTo, metaAt, putMeta, splitParent } from './write.js';

export interface PropUpdate {
  action: 'set' | 'remove';
  prop: XmlElement;
}

/** Read the `<D:set>`/`<D:remove>` instructions of a propertyupdate or (extended) MKCOL body, in order. */
export function parseUpdates(container: XmlElement): PropUpdate[] {
  const out: PropUpdate[] = [];
  for (const op of elements(container)) {
    const action = op.name === dav('set') ? 'set' : op.name === dav('remove') ? 'remove' : null;
    if (!action) continue;
    for (const prop of elements(op, dav('prop'))) for (const p of elements(prop)) out.push({ action, prop: p });
  }
  return out;
}

function refusal(name: Clark, type: CollectionType | null, creating: boolean, live: readonly { name: Clark }[]): DavError | null {
  const protectedError = () => new DavError(403, `${name} is a protected property`, { condition: dav('cannot-modify-protected-property') });
  if (name === dav('displayname')) return null;
  if (live.some((p) => p.name === name)) return protectedError();
  if (type?.protectedProperties?.includes(name)) return protectedError();
  if (!creating && type?.createOnlyProperties?.includes(name)) return protectedError();
  return null;
}

/**
 * Apply updates to a property map, all or nothing (RFC 4918 §9.2): when one fails, nothing
 * changes, the failure carries its status and the others report 424 Failed Dependency.
 */
export function applyUpdates(
  props: Record<Clark, StoredValue>,
  updates: readonly PropUpdate[],
  type: CollectionType | null,
  creating: boolean,
  /** Live properties the registry adds (lockdiscovery, supportedlock, ...): protected too. */
  extraLive: readonly { name: Clark }[] = [],
): { ok: boolean; results: PropResult[] } {
  const live = [...CORE_PROPERTIES, ...PRINCIPAL_PROPERTIES, ...extraLive];
  const failures = new Map<Clark, DavError>();
  for (const u of updates) {
    const name = u.prop.name;
    let err = refusal(name, type, creating, live);
    if (!err && u.action === 'set' && type?.checkProperty) {
      try {
        type.checkProperty(name, u.prop, creating);
      } catch (e) {
        if (!(e instanceof DavError)) throw e;
        err = e;
      }
    }
    if (err) failures.set(name, err);
  }
  const names = [...new Set(updates.map((u) => u.prop.name))];
  if (failures.size) {
    return {
      ok: false,
      results: names.map((n) => {
        const e = failures.get(n);
        return e ? { name: n, status: e.status, error: e } : { name: n, status: 424 };
      }),
    };
  }
  for (const u of updates) {
    if (u.action === 'set') props[u.prop.name] = toStoredValue(u.prop);
    else delete props[u.prop.name];
  }
  return { ok: true, results: names.map((n) => ({ name: n, status: 200 })) };
}

function shortName(name: Clark): string {
  return name.slice(name.indexOf('}') + 1);
}

export async function proppatch(env: DavEnv, req: DavRequest, r: Resource): Promise<DavResponse> {
  if (r.kind === 'missing') throw new DavError(404, 'Not Found');
  if (r.kind !== 'collection' && r.kind !== 'file') throw new DavError(403, 'Properties of this resource cannot be changed', { condition: dav('cannot-modify-protected-property') });
  if (!req.body || req.body.length === 0) throw new DavError(400, 'PROPPATCH needs a propertyupdate body');
  const body = parseXml(req.body);
  if (body.name !== dav('propertyupdate')) throw new DavError(400, 'PROPPATCH body must be a DAV:propertyupdate element');
  const updates = parseUpdates(body);
  if (updates.length === 0) throw new DavError(400, 'PROPPATCH without any property');
  const coll = r.coll;
  const isRepoRoot = r.kind === 'collection' && r.dir === '';
  const type = r.kind === 'collection' && isRepoRoot ? coll.type : null;
  let outcome: { ok: boolean; results: PropResult[] } = { ok: true, results: [] };

  await commitTo(env, coll, async (head) => {
    let dir: string;
    let member: string | null = null;
    let etag: string | undefined;
    if (r.kind === 'collection') {
      dir = r.dir;
      if (dir !== '' && !head.dirs.has(dir)) throw new DavError(404, 'Not Found');
      if (head.commit) etag = `"${head.commit}"`;
    } else {
      const blob = head.files.get(r.path);
      if (!blob) throw new DavError(404, 'Not Found');
      ({ dir, name: member } = splitParent(r.path));
      etag = `"${blob}"`;
    }
    // Setting properties of a collection is not a write to its members: their locks do not count.
    await env.locks.checkWrite(req, [{ href: r.href, ...(etag ? { etag } : {}) }]);
    const meta = await metaAt(coll, head, dir);
    const props = member === null ? meta.properties : (meta.members[member] ??= {});
    outcome = applyUpdates(props, updates, type, false, env.registry.properties);
    if (!outcome.ok) return null;
    const what = member === null ? (dir === '' ? collectionLabel(coll) : `folder ${dir}`) : member;
    const changed = updates.map((u) => shortName(u.prop.name));
    return { ops: [putMeta(dir, meta)], message: `Set properties ${[...new Set(changed)].join(', ')} of ${what}` };
  });
  const results = outcome.results;
  return multistatus(async (w) => writePropResponse(w, r.href, results));
}
