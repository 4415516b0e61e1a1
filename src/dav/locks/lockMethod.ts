import { DavError } from '../errors.js';
import { multistatus, writePropValue, writeStatusResponse, xmlResponse } from '../multistatus.js';
import { parseDepth } from '../propfind.js';
import type { DavEnv, DavRequest, DavResponse, Resource } from '../types.js';
import { el } from '../xml/element.js';
import { dav } from '../xml/names.js';
import { parseOptionalXml } from '../xml/parse.js';
import { commitTo, splitParent } from '../write.js';
import { MAX_LOCKS_PER_USER, parseLockInfo, parseLockTokenHeader, parseTimeout, type LockInfo } from './lockXml.js';
import type { KalendsLockManager } from './manager.js';
import { covers, lockKey, type ActiveLock } from './table.js';

function notLockable(r: Resource): DavError | null {
  if (r.kind === 'root' || r.kind === 'principal' || r.kind === 'home') {
    return new DavError(405, 'This resource cannot be locked', { headers: { Allow: 'OPTIONS, GET, HEAD, PROPFIND, REPORT' } });
  }
  if (r.kind === 'missing' && r.target.type === 'none') return new DavError(409, 'Nothing can be created or locked at this URL');
  if (r.kind === 'missing' && r.target.type === 'repository') {
    return new DavError(409, 'A LOCK on an unmapped URL creates an empty file, and files cannot live here; create a collection with MKCOL first');
  }
  return null;
}

function lockDiscoveryResponse(m: KalendsLockManager, status: number, href: string, headers: Record<string, string>): DavResponse {
  const res = xmlResponse(status, dav('prop'), (w) => writePropValue(w, dav('lockdiscovery'), m.discovery(href)));
  return { ...res, headers: { ...res.headers, ...headers } };
}

/** Locks that a new lock with `info` and `depth` at `key` would conflict with (RFC 4918 §6.2). */
function conflicts(m: KalendsLockManager, key: string, info: LockInfo, depth: '0' | 'infinity'): { at: ActiveLock[]; below: ActiveLock[] } {
  const clash = (l: ActiveLock) => info.scope === 'exclusive' || l.scope === 'exclusive';
  return {
    at: m.table.covering(key).filter(clash),
    below: depth === 'infinity' ? m.table.below(key).filter(clash) : [],
  };
}

/** 423 DAV:no-conflicting-lock, or (a conflict below the request URI) 207 with 423 there and 424 here (RFC 4918 §9.10.6). */
function conflictResponse(found: { at: ActiveLock[]; below: ActiveLock[] }, href: string): DavResponse | null {
  if (found.at.length) {
    throw new DavError(423, `${found.at[0]!.href} holds a conflicting lock`, {
      condition: dav('no-conflicting-lock'),
      content: [el(dav('href'), [found.at[0]!.href])],
    });
  }
  if (!found.below.length) return null;
  const roots = [...new Set(found.below.map((l) => l.href))];
  return multistatus(async (w) => {
    for (const root of roots) {
      writeStatusResponse(w, root, 423, new DavError(423, 'This resource holds a conflicting lock', { condition: dav('no-conflicting-lock') }));
    }
    writeStatusResponse(w, href, 424);
  });
}

/** LOCK without a body: refresh the locks whose tokens the If header submits (RFC 4918 §9.10.2). */
async function refresh(m: KalendsLockManager, req: DavRequest, r: Resource, timeout: number): Promise<DavResponse> {
  if (req.headers['if'] === undefined) throw new DavError(400, 'A LOCK without a body refreshes a lock: send its token in an If header');
  const { submitted } = await m.checkIf(req);
  const key = lockKey(r.href);
  const mine = [...submitted].map((t) => m.table.get(t)).filter((l): l is ActiveLock => l !== undefined && covers(l, key));
  if (mine.length === 0) {
    throw new DavError(412, 'No lock submitted in the If header applies to this resource', { condition: dav('lock-token-matches-request-uri') });
  }
  for (const l of mine) m.table.refresh(l.token, timeout);
  return lockDiscoveryResponse(m, 200, r.href, {});
}

/**
 * LOCK (RFC 4918 §9.10): a new write lock, or a refresh. A lock on an unmapped URL inside a
 * collection creates an empty file (§7.3), committed like a PUT of 0 bytes; a collection type
 * that validates content (calendars, address books) refuses it with its own precondition.
 */
export async function lockMethod(m: KalendsLockManager, env: DavEnv, req: DavRequest, r: Resource): Promise<DavResponse> {
  const refusal = notLockable(r);
  if (refusal) throw refusal;
  const timeout = parseTimeout(req.headers['timeout']);
  const body = parseOptionalXml(req.body);
  if (!body) return refresh(m, req, r, timeout);
  const info = parseLockInfo(body);
  const depth = parseDepth(req.headers['depth'], 'infinity');
  if (depth === '1') throw new DavError(400, 'LOCK takes Depth 0 or infinity');
  const key = lockKey(r.href);
  if (m.table.countFor(req.user) >= MAX_LOCKS_PER_USER) {
    throw new DavError(503, `You hold ${MAX_LOCKS_PER_USER} locks already; unlock some or let them time out`, { headers: { 'Retry-After': '60' } });
  }

  let created = false;
  if (r.kind === 'missing' && r.target.type === 'member') {
    const { coll, path, parentExists, isCollectionUrl } = r.target;
    if (isCollectionUrl) throw new DavError(409, 'A LOCK on an unmapped URL creates an empty file, not a collection; use MKCOL first');
    if (!parentExists) throw new DavError(409, 'The parent collection does not exist');
    const empty = new Uint8Array(0);
    if (coll.type.checkPut) await coll.type.checkPut({ name: splitParent(path).name, body: empty, contentType: undefined, coll });
    const found = conflicts(m, key, info, depth);
    const c = conflictResponse(found, r.href);
    if (c) return c;
    const res = await commitTo(env, coll, async (head) => {
      if (head.files.has(path)) return null; // created meanwhile: lock what is there
      if (head.dirs.has(path)) throw new DavError(409, 'A collection exists at this URL now');
      const { dir } = splitParent(path);
      if (dir !== '' && !head.dirs.has(dir)) throw new DavError(409, 'The parent collection does not exist');
      await m.checkWrite(req, [{ href: r.href, membership: true }]);
      return { ops: [{ op: 'put', path, data: empty }], message: `Create empty file ${path} (locked before its first write)` };
    });
    created = res.committed;
  } else {
    await m.checkIf(req);
  }

  // Checked again right before the lock is taken: nothing awaits between this check and create().
  const c = conflictResponse(conflicts(m, key, info, depth), r.href);
  if (c) return c;
  const lock = m.table.create({ key, href: r.href, scope: info.scope, depth, owner: info.owner, timeout, user: req.user });
  return lockDiscoveryResponse(m, created ? 201 : 200, r.href, { 'Lock-Token': `<${lock.token}>` });
}

/** UNLOCK (RFC 4918 §9.11): the token must name a lock whose scope holds the Request-URI. */
export async function unlockMethod(m: KalendsLockManager, _env: DavEnv, req: DavRequest, r: Resource): Promise<DavResponse> {
  const token = parseLockTokenHeader(req.headers['lock-token']);
  const lock = m.table.get(token);
  if (!lock || !covers(lock, lockKey(r.href)) || lock.user !== req.user) {
    throw new DavError(409, 'The Lock-Token does not name a lock on this resource', { condition: dav('lock-token-matches-request-uri') });
  }
  m.table.remove(token);
  return { status: 204, headers: {} };
}
