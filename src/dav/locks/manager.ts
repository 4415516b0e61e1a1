import { DavError } from '../errors.js';
import { hrefOf, segmentsOfHref } from '../href.js';
import type { DavEnv, DavRequest, DavResponse, LiveProperty, LockManager, Resource, WriteTarget } from '../types.js';
import { el, type XmlElement } from '../xml/element.js';
import { dav } from '../xml/names.js';
import { evaluateIf, parseIfHeader, stateTokens, type IfList, type IfResourceState } from './ifHeader.js';
import { lockMethod, unlockMethod } from './lockMethod.js';
import { activeLockElement, supportedLockValue } from './lockXml.js';
import { covers, lockKey, LockTable, type ActiveLock } from './table.js';

export interface LockManagerDeps {
  /** Resolve a URL for the user making the request (used for ETags of tagged If lists). */
  resolve(user: string, segments: string[], trailingSlash: boolean): Promise<Resource>;
  now?: () => number;
}

/** The ETag a resource answers with (getetag): the blob id of a file, the commit of a collection. */
export function etagOf(r: Resource): string | undefined {
  if (r.kind === 'file') return `"${r.blob}"`;
  if (r.kind === 'collection' && r.coll.snapshot.commit) return `"${r.coll.snapshot.commit}"`;
  return undefined;
}

/** 423 with the root of the lock whose token is missing (RFC 4918 §16 DAV:lock-token-submitted). */
export function lockedError(lock: ActiveLock): DavError {
  return new DavError(423, `${lock.href} is locked; submit its lock token in an If header`, {
    condition: dav('lock-token-submitted'),
    content: [el(dav('href'), [lock.href])],
  });
}

/** The parsed If header of a request, with the tokens it submits. */
export interface IfContext {
  lists: IfList[];
  submitted: Set<string>;
}

/**
 * Kalends' LockManager (WebDAV class 2): write locks held in memory, per URL, exclusive or
 * shared, depth 0 or infinity, with timeouts; the If header evaluated against the current
 * state of the resources it names.
 */
export class KalendsLockManager implements LockManager {
  readonly class2 = true;
  readonly table: LockTable;
  private readonly deps: LockManagerDeps;

  constructor(deps: LockManagerDeps) {
    this.deps = deps;
    this.table = new LockTable(deps.now);
  }

  /** Normal form of the Request-URI. */
  requestKey(req: DavRequest): string {
    return lockKey(hrefOf(req.segments, false));
  }

  /** Normal form of a Resource-Tag; null when it is not a URL of this server. */
  private tagKey(req: DavRequest, tag: string): { key: string; segments: string[]; trailingSlash: boolean } | null {
    try {
      const { segments, trailingSlash } = segmentsOfHref(tag, req.origin);
      return { key: lockKey(hrefOf(segments, false)), segments, trailingSlash };
    } catch {
      return null;
    }
  }

  /**
   * Parse and evaluate the request's If header (RFC 4918 §10.4); 412 when it does not hold.
   * `known` gives ETags already read from the HEAD the write builds on; any other resource an
   * ETag condition names is resolved now.
   */
  async checkIf(req: DavRequest, known: ReadonlyMap<string, string | undefined> = new Map()): Promise<IfContext> {
    const header = req.headers['if'];
    if (header === undefined || header.trim() === '') return { lists: [], submitted: new Set() };
    const lists = parseIfHeader(header);
    const states = new Map<string | null, IfResourceState>();
    for (const list of lists) {
      if (states.has(list.resource)) continue;
      const target =
        list.resource === null
          ? { key: this.requestKey(req), segments: req.segments, trailingSlash: req.trailingSlash }
          : this.tagKey(req, list.resource);
      const needsEtag = lists.some((l) => l.resource === list.resource && l.conditions.some((c) => c.kind === 'etag'));
      let etag: string | undefined;
      if (target && needsEtag) {
        if (known.has(target.key)) etag = known.get(target.key);
        else etag = await this.currentEtag(req.user, target.segments, target.trailingSlash);
      }
      states.set(list.resource, {
        etag,
        hasToken: (token) => {
          if (!target) return false;
          const lock = this.table.get(token);
          return lock !== undefined && covers(lock, target.key);
        },
      });
    }
    if (!evaluateIf(lists, (res) => states.get(res)!)) throw new DavError(412, 'The If header conditions do not hold');
    return { lists, submitted: stateTokens(lists) };
  }

  private async currentEtag(user: string, segments: string[], trailingSlash: boolean): Promise<string | undefined> {
    try {
      return etagOf(await this.deps.resolve(user, segments, trailingSlash));
    } catch (err) {
      // Another user's URL or an invalid one: treated as unmapped (no ETag matches it).
      if (err instanceof DavError) return undefined;
      throw err;
    }
  }

  /** Every lock that protects a write to `target`, grouped by lock root. */
  private applicable(target: WriteTarget): ActiveLock[][] {
    const key = lockKey(target.href);
    const all = [
      ...this.table.covering(key),
      ...(target.collection ? this.table.below(key) : []),
      ...(target.membership ? this.table.parentMembership(key) : []),
    ];
    const byRoot = new Map<string, ActiveLock[]>();
    for (const l of all) {
      const g = byRoot.get(l.key) ?? [];
      if (!g.includes(l)) g.push(l);
      byRoot.set(l.key, g);
    }
    return [...byRoot.values()];
  }

  /**
   * 412 when the If header does not hold; 423 when a lock protecting a target has none of its
   * tokens submitted. Shared locks on one root need one of their tokens, not all.
   */
  async checkWrite(req: DavRequest, targets: WriteTarget[]): Promise<void> {
    const known = new Map<string, string | undefined>();
    for (const t of targets) if (t.etag !== undefined) known.set(lockKey(t.href), t.etag);
    const { submitted } = await this.checkIf(req, known);
    this.requireTokens(targets, submitted);
  }

  requireTokens(targets: readonly WriteTarget[], submitted: ReadonlySet<string>): void {
    for (const t of targets) {
      for (const group of this.applicable(t)) {
        if (!group.some((l) => submitted.has(l.token))) throw lockedError(group[0]!);
      }
    }
  }

  forget(href: string): void {
    this.table.forget(lockKey(href));
  }

  /** The activelock elements of every lock whose scope includes the resource. */
  discovery(href: string): XmlElement[] {
    return this.table.covering(lockKey(href)).map((l) => activeLockElement(l, this.table.remaining(l)));
  }

  lock(env: DavEnv, req: DavRequest, r: Resource): Promise<DavResponse> {
    return lockMethod(this, env, req, r);
  }

  unlock(env: DavEnv, req: DavRequest, r: Resource): Promise<DavResponse> {
    return unlockMethod(this, env, req, r);
  }

  /** DAV:lockdiscovery and DAV:supportedlock (RFC 4918 §15.8, §15.10) for the registry. */
  properties(): LiveProperty[] {
    const lockable = (r: Resource) => r.kind === 'file' || r.kind === 'collection';
    return [
      { name: dav('lockdiscovery'), allprop: true, get: ({ resource: r }) => (lockable(r) ? this.discovery(r.href) : undefined) },
      { name: dav('supportedlock'), allprop: true, get: ({ resource: r }) => (lockable(r) ? supportedLockValue() : undefined) },
    ];
  }
}

export function createLockManager(deps: LockManagerDeps): KalendsLockManager {
  return new KalendsLockManager(deps);
}
