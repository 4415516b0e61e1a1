import { randomUUID } from 'node:crypto';
import type { XmlElement } from '../xml/element.js';

/**
 * The in-memory lock table. Locks are keyed by their root URL path in a normal form (`key`:
 * the encoded path without a trailing slash), so a lock covers whatever is at or (depth
 * infinity) below that path, mapped or not. Nothing here is persisted: a restart drops every
 * lock, which is what clients of a lock that timed out already have to handle.
 */
export interface ActiveLock {
  /** `urn:uuid:...` (RFC 4918 §6.5). */
  token: string;
  /** Normal form of the lock root (see `lockKey`). */
  key: string;
  /** The lock root as an href (collections end in '/'). */
  href: string;
  scope: 'exclusive' | 'shared';
  depth: '0' | 'infinity';
  /** The client's `<D:owner>` element, returned unchanged in lockdiscovery. */
  owner: XmlElement | undefined;
  /** Seconds granted by the last LOCK or refresh. */
  timeout: number;
  /** Epoch milliseconds. */
  expires: number;
  user: string;
}

/** Normal form of an href or path: no trailing slash ('/a/b/' and '/a/b' name the same resource). */
export function lockKey(href: string): string {
  return href.length > 1 && href.endsWith('/') ? href.slice(0, -1) : href;
}

function parentKey(key: string): string | null {
  const i = key.lastIndexOf('/');
  return i <= 0 ? null : key.slice(0, i);
}

export function isBelow(key: string, ancestor: string): boolean {
  return key.startsWith(ancestor === '/' ? '/' : `${ancestor}/`) && key !== ancestor;
}

/** True when `key` is in the lock's scope: its root, or below it for depth infinity. */
export function covers(lock: ActiveLock, key: string): boolean {
  return lock.key === key || (lock.depth === 'infinity' && isBelow(key, lock.key));
}

export class LockTable {
  private readonly locks = new Map<string, ActiveLock>();
  private readonly now: () => number;

  constructor(now: () => number = Date.now) {
    this.now = now;
  }

  /** Drop expired locks; called before every read so an expired lock never counts. */
  private purge(): void {
    const t = this.now();
    for (const [token, l] of this.locks) if (l.expires <= t) this.locks.delete(token);
  }

  create(input: Omit<ActiveLock, 'token' | 'expires'>): ActiveLock {
    this.purge();
    const lock: ActiveLock = { ...input, token: `urn:uuid:${randomUUID()}`, expires: this.now() + input.timeout * 1000 };
    this.locks.set(lock.token, lock);
    return lock;
  }

  get(token: string): ActiveLock | undefined {
    this.purge();
    return this.locks.get(token);
  }

  refresh(token: string, timeout: number): ActiveLock | undefined {
    const l = this.get(token);
    if (!l) return undefined;
    l.timeout = timeout;
    l.expires = this.now() + timeout * 1000;
    return l;
  }

  remove(token: string): boolean {
    return this.locks.delete(token);
  }

  /** Seconds left on a lock (at least 0). */
  remaining(lock: ActiveLock): number {
    return Math.max(0, Math.ceil((lock.expires - this.now()) / 1000));
  }

  /** Locks whose scope includes `key`. */
  covering(key: string): ActiveLock[] {
    this.purge();
    return [...this.locks.values()].filter((l) => covers(l, key));
  }

  /** Locks rooted strictly below `key`. */
  below(key: string): ActiveLock[] {
    this.purge();
    return [...this.locks.values()].filter((l) => isBelow(l.key, key));
  }

  /** Depth-0 locks on the parent collection of `key` (they protect its membership, RFC 4918 §7.4). */
  parentMembership(key: string): ActiveLock[] {
    const p = parentKey(key);
    if (p === null) return [];
    this.purge();
    return [...this.locks.values()].filter((l) => l.key === p && l.depth === '0');
  }

  /** Remove the locks rooted at `key` or below it (the resources are gone). */
  forget(key: string): void {
    for (const [token, l] of this.locks) if (l.key === key || isBelow(l.key, key)) this.locks.delete(token);
  }

  /** Active locks held by one user. */
  countFor(user: string): number {
    this.purge();
    let n = 0;
    for (const l of this.locks.values()) if (l.user === user) n++;
    return n;
  }

  get size(): number {
    this.purge();
    return this.locks.size;
  }
}
