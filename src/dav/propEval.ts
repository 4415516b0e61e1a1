/** PROPFIND request bodies and the evaluation of properties for one resource (PROPFIND, REPORTs). */
import { DavError } from './errors.js';
import { fromStoredValue, type StoredValue } from './meta.js';
import type { PropResult } from './multistatus.js';
import { CORE_PROPERTIES, PRINCIPAL_PROPERTIES } from './properties.js';
import { readMetaShared } from './resolve.js';
import type { CollectionView, DavEnv, LiveProperty, Resource } from './types.js';
import { elements, type XmlElement } from './xml/element.js';
import { dav, type Clark } from './xml/names.js';

export type PropRequest =
  | { mode: 'prop'; props: XmlElement[] }
  | { mode: 'allprop'; include: XmlElement[] }
  | { mode: 'propname' };

/** Read a `<D:propfind>` body (RFC 4918 §14.20); no body means allprop. */
export function parsePropfind(body: XmlElement | undefined): PropRequest {
  if (!body) return { mode: 'allprop', include: [] };
  if (body.name !== dav('propfind')) throw new DavError(400, 'PROPFIND body must be a DAV:propfind element');
  const kids = elements(body);
  const prop = kids.find((k) => k.name === dav('prop'));
  if (prop) return { mode: 'prop', props: elements(prop) };
  if (kids.some((k) => k.name === dav('propname'))) return { mode: 'propname' };
  if (kids.some((k) => k.name === dav('allprop'))) {
    const inc = kids.find((k) => k.name === dav('include'));
    return { mode: 'allprop', include: inc ? elements(inc) : [] };
  }
  throw new DavError(400, 'PROPFIND body needs prop, allprop or propname');
}

/** Live properties of the file members of `coll`, most specific first. */
export function memberLiveProperties(env: DavEnv, coll: CollectionView): LiveProperty[] {
  return [...coll.type.memberProperties, ...CORE_PROPERTIES, ...env.registry.properties];
}

/** Live properties that apply to a resource, most specific first. */
export function liveProperties(env: DavEnv, r: Resource): LiveProperty[] {
  if (r.kind === 'file') return memberLiveProperties(env, r.coll);
  const out: LiveProperty[] = [];
  if (r.kind === 'collection') out.push(...r.coll.type.collectionProperties);
  if (r.kind === 'principal') out.push(...env.registry.principalProperties, ...PRINCIPAL_PROPERTIES);
  out.push(...CORE_PROPERTIES, ...env.registry.properties);
  return out;
}

/** Dead properties of a resource: the collection's own, or its file's entry in the folder metadata. */
export async function deadProperties(r: Resource): Promise<Record<Clark, StoredValue>> {
  if (r.kind === 'collection') return r.meta.properties;
  if (r.kind === 'file') {
    const i = r.path.lastIndexOf('/');
    const dir = i < 0 ? '' : r.path.slice(0, i);
    const meta = dir === '' ? r.coll.meta : await readMetaShared(r.coll, r.coll.snapshot, dir);
    return meta.members[r.path.slice(i + 1)] ?? {};
  }
  return {};
}

async function getLive(env: DavEnv, r: Resource, p: LiveProperty, request?: XmlElement): Promise<PropResult | null> {
  try {
    const value = await p.get({ env, resource: r, ...(request ? { request } : {}) });
    return value === undefined ? null : { name: p.name, status: 200, value };
  } catch (err) {
    if (err instanceof DavError) return { name: p.name, status: err.status, error: err };
    throw err;
  }
}

/** The propstat results for one resource. */
export async function propertiesOf(env: DavEnv, r: Resource, req: PropRequest): Promise<PropResult[]> {
  const lives = liveProperties(env, r);
  const dead = await deadProperties(r);
  const results: PropResult[] = [];
  if (req.mode === 'propname') {
    const seen = new Set<Clark>();
    for (const p of lives) {
      if (seen.has(p.name)) continue;
      seen.add(p.name);
      if ((await getLive(env, r, p)) !== null) results.push({ name: p.name, status: 200 });
    }
    for (const n of Object.keys(dead)) if (!seen.has(n)) results.push({ name: n, status: 200 });
    return results;
  }
  const wanted: Array<{ name: Clark; request?: XmlElement }> = [];
  if (req.mode === 'prop') for (const e of req.props) wanted.push({ name: e.name, request: e });
  else {
    const seen = new Set<Clark>();
    for (const p of lives) if (p.allprop && !seen.has(p.name)) { seen.add(p.name); wanted.push({ name: p.name }); }
    for (const n of Object.keys(dead)) if (!seen.has(n)) { seen.add(n); wanted.push({ name: n }); }
    for (const e of req.include) if (!seen.has(e.name)) { seen.add(e.name); wanted.push({ name: e.name, request: e }); }
  }
  for (const w of wanted) {
    const p = lives.find((l) => l.name === w.name);
    const got = p ? await getLive(env, r, p, w.request) : null;
    if (got) results.push(got);
    else if (dead[w.name] !== undefined) results.push({ name: w.name, status: 200, value: fromStoredValue(w.name, dead[w.name]!) });
    else if (req.mode === 'prop') results.push({ name: w.name, status: 404 });
  }
  return results;
}
