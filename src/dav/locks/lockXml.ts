import { DavError } from '../errors.js';
import { child, el, elements, type XmlElement } from '../xml/element.js';
import { dav } from '../xml/names.js';
import type { ActiveLock } from './table.js';

/** Longest lock Kalends grants, in seconds; also what `Infinite` and a missing Timeout get. */
export const MAX_LOCK_SECONDS = 3600;

/** Active locks one user may hold at once: locks live in memory, so their number is bounded. */
export const MAX_LOCKS_PER_USER = 1000;

export interface LockInfo {
  scope: 'exclusive' | 'shared';
  owner: XmlElement | undefined;
}

/** Read a `<D:lockinfo>` body (RFC 4918 §14.11): write locks only, exclusive or shared. */
export function parseLockInfo(body: XmlElement): LockInfo {
  if (body.name !== dav('lockinfo')) throw new DavError(400, 'LOCK body must be a DAV:lockinfo element');
  const scopeEl = child(body, dav('lockscope'));
  const typeEl = child(body, dav('locktype'));
  if (!scopeEl || !typeEl) throw new DavError(400, 'DAV:lockinfo needs DAV:lockscope and DAV:locktype');
  const scopeKids = elements(scopeEl).map((e) => e.name);
  let scope: LockInfo['scope'];
  if (scopeKids.length === 1 && scopeKids[0] === dav('exclusive')) scope = 'exclusive';
  else if (scopeKids.length === 1 && scopeKids[0] === dav('shared')) scope = 'shared';
  else throw new DavError(400, 'DAV:lockscope must hold DAV:exclusive or DAV:shared');
  const typeKids = elements(typeEl).map((e) => e.name);
  if (typeKids.length !== 1 || typeKids[0] !== dav('write')) throw new DavError(422, 'Only write locks are supported');
  return { scope, owner: child(body, dav('owner')) };
}

/**
 * The Timeout request header (RFC 4918 §10.7): the first value we understand wins, capped at
 * MAX_LOCK_SECONDS; `Infinite`, an absent header or nothing usable gets the cap.
 */
export function parseTimeout(value: string | undefined): number {
  if (value === undefined) return MAX_LOCK_SECONDS;
  for (const part of value.split(',')) {
    const v = part.trim();
    if (/^infinite$/i.test(v)) return MAX_LOCK_SECONDS;
    const m = /^second-(\d+)$/i.exec(v);
    if (m) return Math.max(1, Math.min(MAX_LOCK_SECONDS, Number(m[1]!.slice(0, 12))));
  }
  return MAX_LOCK_SECONDS;
}

/** One `<D:activelock>` (RFC 4918 §14.1). */
export function activeLockElement(lock: ActiveLock, remainingSeconds: number): XmlElement {
  const href = (h: string) => el(dav('href'), [h]);
  return el(dav('activelock'), [
    el(dav('locktype'), [el(dav('write'))]),
    el(dav('lockscope'), [el(dav(lock.scope))]),
    el(dav('depth'), [lock.depth]),
    ...(lock.owner ? [lock.owner] : []),
    el(dav('timeout'), [`Second-${remainingSeconds}`]),
    el(dav('locktoken'), [href(lock.token)]),
    el(dav('lockroot'), [href(lock.href)]),
  ]);
}

/** DAV:supportedlock (RFC 4918 §15.10): exclusive and shared write locks. */
export function supportedLockValue(): XmlElement[] {
  return (['exclusive', 'shared'] as const).map((s) =>
    el(dav('lockentry'), [el(dav('lockscope'), [el(dav(s))]), el(dav('locktype'), [el(dav('write'))])]),
  );
}

/** The Lock-Token request header of UNLOCK: `<token>`. */
export function parseLockTokenHeader(value: string | undefined): string {
  const m = value === undefined ? null : /^\s*<([^>]+)>\s*$/.exec(value);
  if (!m) throw new DavError(400, 'UNLOCK needs a Lock-Token header of the form <token>');
  return m[1]!.trim();
}
