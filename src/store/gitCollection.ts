/**
 * One bare Git repository as a collection: cached snapshots of HEAD (checked on every call),
 * reads, diffs, and serialised commits that compare-and-swap the branch ref.
 */
import { parseCommit, parseTreeFull, serializeCommit, type ParsedTree } from './format.js';
import { FileMap } from './fileMap.js';
import { ByteLru, LruMap } from './lru.js';
import type { Maintenance } from './maintenance.js';
import type { MutexRegistry } from './mutex.js';
import { compact } from './packReader.js';
import { ObjectReader, isObjectId, makeObject, writeObjects, type PendingObject } from './objects.js';
import { prepareRefUpdate, readHead, type HeadState } from './refs.js';
import { HeadCache } from './headCache.js';
import { EMPTY_SNAPSHOT, deriveSnapshot, diffSnapshots, flattenTree } from './snapshot.js';
import { editTree, type EditOp, type TreeReader } from './treeEdit.js';
import {
  StoreError,
  type Change,
  type CommitPlan,
  type CommitRequest,
  type CommitResult,
  type GitCollection,
  type ObjectId,
  type Snapshot,
} from './types.js';
import { watchRefs, type RefWatcher } from './watch.js';

export interface CollectionDeps {
  locks: MutexRegistry;
  maintenance: Maintenance | null;
  /** How long to wait for a `<ref>.lock` held by someone else. */
  lockTimeoutMs: number;
  /** How often to re-plan when the ref moved under us before giving up with 'conflict'. */
  maxAttempts: number;
  /**
   * Recently read blobs of every open repository, keyed `<gitDir>\0<blob id>`: one byte budget for
   * the whole store, so memory does not grow with the number of open repositories.
   */
  blobs: ByteLru<string>;
}

/** A snapshot plus what is needed to build on it. */
interface HeadInfo {
  snapshot: Snapshot;
  tree: ObjectId | null;
  /** Tree ids reachable from `tree`, so the tree cache can keep exactly HEAD's trees. */
  treeIds: ReadonlySet<ObjectId>;
}

type Settled = { ok: true; value: CommitResult } | { ok: false; error: unknown };

interface Queued {
  req: CommitRequest;
  resolve: (r: CommitResult) => void;
  reject: (e: unknown) => void;
}

/** Most requests one group commit takes: bounds the latency of the first in the queue. */
const MAX_GROUP = 32;

const EMPTY_INFO: HeadInfo = { snapshot: EMPTY_SNAPSHOT, tree: null, treeIds: new Set() };
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export class Collection implements GitCollection {
  /** Parsed trees of the current HEAD (and of commits being built): unchanged subtrees are never re-read. */
  private readonly trees = new Map<ObjectId, ParsedTree>();
  private current: HeadInfo | null = null;
  /** Recent snapshots by commit id: the previous HEAD is what sync tokens usually name. */
  private readonly recent = new LruMap<ObjectId, HeadInfo>(8);
  private readonly loading = new Map<ObjectId, Promise<HeadInfo | null>>();
  private readonly headFiles: HeadCache;
  private watcher: RefWatcher | null = null;
  private readonly objects: ObjectReader;
  private readonly queue: Queued[] = [];
  /** Blobs and trees of a group commit being built: later steps of the group read them before they are on disk. */
  private readonly pending = new Map<ObjectId, Uint8Array>();
  private readonly pendingTrees = new Map<ObjectId, ParsedTree>();

  constructor(
    readonly id: string,
    readonly gitDir: string,
    private readonly deps: CollectionDeps,
  ) {
    this.objects = new ObjectReader(gitDir);
    this.headFiles = new HeadCache(gitDir);
  }

  /** Start the ref watcher (a hint to refresh HEAD before the next request). */
  watch(): void {
    if (this.watcher) return;
    this.watcher = watchRefs(this.gitDir, () => {
      this.head().catch(() => undefined);
    });
  }

  async closeWatcher(): Promise<void> {
    const w = this.watcher;
    this.watcher = null;
    if (w) await w.close();
  }

  get watching(): boolean {
    return this.watcher !== null;
  }

  /** Packs change after gc: forget what was loaded about them. */
  dropPackCache(): void {
    this.objects.refresh();
  }

  async head(): Promise<Snapshot> {
    return (await this.headInfo(this.headFiles.read())).snapshot;
  }

  async snapshotAt(commit: ObjectId): Promise<Snapshot | null> {
    if (!isObjectId(commit)) return null;
    const info = await this.loadCommit(commit, false);
    return info ? info.snapshot : null;
  }

  /** Key in the store-wide blob cache. */
  private blobKey(id: ObjectId): string {
    return `${this.gitDir}\0${id}`;
  }

  /** The returned bytes are shared with a cache: do not modify them. */
  async readBlob(id: ObjectId): Promise<Uint8Array> {
    const key = this.blobKey(id);
    const hit = this.deps.blobs.get(key) ?? this.pending.get(id);
    if (hit) return hit;
    const o = await this.objects.read(id);
    if (!o || o.type !== 'blob') throw new StoreError('missing', `no blob ${id} in ${this.id}`);
    // A view into a larger buffer (inflate output, pool slab) would pin more than the cache counts.
    const data = compact(o.data);
    this.deps.blobs.set(key, data);
    return data;
  }

  diff(from: Snapshot, to: Snapshot): Change[] {
    return diffSnapshots(from, to);
  }

  /**
   * Requests queue up; whoever gets the lock takes every queued request (group commit): each is
   * planned on top of the previous one and gets a commit of its own (own author, own message),
   * but objects and ref are written once for the whole chain. Each caller resolves only once the
   * ref points at (a descendant of) its commit, durably.
   */
  commit(req: CommitRequest): Promise<CommitResult> {
    return new Promise<CommitResult>((resolve, reject) => {
      this.queue.push({ req, resolve, reject });
      if (this.queue.length === 1) void this.deps.locks.run(this.gitDir, () => this.drain());
    });
  }

  private async drain(): Promise<void> {
    const batch = this.queue.splice(0, MAX_GROUP);
    if (this.queue.length > 0) void this.deps.locks.run(this.gitDir, () => this.drain());
    if (batch.length === 0) return;
    try {
      const results = await this.commitGroup(batch.map((b) => b.req), false);
      results.forEach((r, i) => (r.ok ? batch[i]!.resolve(r.value) : batch[i]!.reject(r.error)));
    } catch (e) {
      for (const b of batch) b.reject(e);
    }
  }

  /** One commit for `req` under a lock the caller holds (new collections: `forceFirst` commits even an empty plan). */
  async commitLocked(req: CommitRequest, forceFirst: boolean): Promise<CommitResult> {
    const [r] = await this.commitGroup([req], forceFirst);
    if (!r!.ok) throw r!.error;
    return r!.value;
  }

  /**
   * Plan every request in order on top of the one before, write all objects, then move the ref
   * once from the HEAD we started on. If the ref moved under us (a native commit), everything is
   * planned again on the new HEAD. A request whose plan or ops fail is left out of the chain.
   */
  private async commitGroup(reqs: readonly CommitRequest[], forceFirst: boolean): Promise<Settled[]> {
    try {
      return await this.commitGroupAttempts(reqs, forceFirst);
    } finally {
      this.pending.clear();
      this.pendingTrees.clear();
    }
  }

  private async commitGroupAttempts(reqs: readonly CommitRequest[], forceFirst: boolean): Promise<Settled[]> {
    for (let attempt = 0; attempt < this.deps.maxAttempts; attempt++) {
      if (attempt > 0) await sleep(Math.random() * Math.min(2 * attempt, 20));
      this.pending.clear();
      this.pendingTrees.clear();
      const hs = readHead(this.gitDir);
      let base = await this.headInfo(hs);
      const results: Settled[] = [];
      const objects: PendingObject[] = [];
      const blobs: PendingObject[] = [];
      let commits = 0;
      for (const req of reqs) {
        try {
          const plan = (await req.plan(base.snapshot)) ?? null;
          const mustCommit = forceFirst && base.snapshot.commit === null;
          const step = await this.prepare(base, plan, req, mustCommit);
          if (!step) {
            results.push({ ok: true, value: { snapshot: base.snapshot, committed: false, plan } });
            continue;
          }
          objects.push(...step.objects);
          blobs.push(...step.blobs);
          for (const b of step.blobs) this.pending.set(b.oid, b.data);
          base = step.info;
          commits++;
          results.push({ ok: true, value: { snapshot: base.snapshot, committed: true, plan } });
        } catch (e) {
          results.push({ ok: false, error: e });
        }
      }
      if (commits === 0) return results;
      // Snapshots of commits that did not land are forgotten (their objects may not even exist).
      const forget = () => {
        for (const r of results) if (r.ok && r.value.committed) this.recent.delete(r.value.snapshot.commit!);
      };
      let landed: boolean;
      try {
        landed = await this.land(hs, base, objects, commits);
      } catch (e) {
        forget();
        throw e;
      }
      if (!landed) {
        forget();
        continue;
      }
      for (const b of blobs) this.deps.blobs.set(this.blobKey(b.oid), b.data);
      this.adopt(base);
      return results;
    }
    throw new StoreError('conflict', `${this.id}: the branch kept moving under us; gave up after ${this.deps.maxAttempts} attempts`);
  }

  /** Write the chain's objects and move the ref from where the chain started; false when the ref moved. */
  private async land(hs: HeadState, top: HeadInfo, objects: readonly PendingObject[], commits: number): Promise<boolean> {
    // Objects and the ref's lock file are written side by side; the ref moves only once both are durable.
    // Objects of a lost race stay unreachable on disk until gc prunes them: harmless.
    const lock = { lockTimeoutMs: this.deps.lockTimeoutMs };
    const [written, prepared] = await Promise.allSettled([
      writeObjects(this.gitDir, objects),
      prepareRefUpdate(this.gitDir, hs.ref, hs.oid, top.snapshot.commit!, lock),
    ]);
    if (written.status === 'rejected') {
      if (prepared.status === 'fulfilled') await prepared.value.abort();
      throw written.reason;
    }
    if (prepared.status === 'rejected') throw prepared.reason;
    if (!prepared.value.ok) return false;
    await prepared.value.commit();
    this.deps.maintenance?.recordCommit(this.gitDir, written.value, commits);
    return true;
  }

  /** Build (in memory) the commit of one plan on top of `base`; null when it changes nothing. */
  private async prepare(base: HeadInfo, plan: CommitPlan | null, req: CommitRequest, mustCommit: boolean) {
    const ops = plan?.ops ?? [];
    if (ops.length === 0 && !mustCommit) return null;
    const blobs: PendingObject[] = [];
    const edits: EditOp[] = [];
    for (const op of ops) {
      if (op.op === 'put') {
        // Our own copy: the bytes are hashed now and written later, and the caller's buffer is theirs.
        const b = makeObject('blob', Buffer.from(op.data));
        blobs.push(b);
        edits.push({ op: 'set', path: op.path, blob: b.oid });
      } else if (op.op === 'link') {
        await this.checkBlob(op.blob);
        edits.push({ op: 'set', path: op.path, blob: op.blob });
      } else if (op.op === 'delete') {
        edits.push({ op: 'delete', path: op.path });
      } else {
        throw new StoreError('invalid-path', `unknown write op ${JSON.stringify((op as { op?: unknown }).op)}`);
      }
    }
    const edit = await editTree(base.tree, edits, this.treeReader);
    if (edit.root === base.tree && !mustCommit) return null;
    const now = Date.now();
    const seconds = Math.floor(now / 1000);
    const commit = makeObject(
      'commit',
      serializeCommit({
        tree: edit.root,
        parents: base.snapshot.commit ? [base.snapshot.commit] : [],
        author: req.author,
        time: seconds,
        tzMinutes: -new Date(now).getTimezoneOffset(),
        message: plan?.message || 'Create collection',
      }),
    );
    for (const t of edit.trees) {
      this.trees.set(t.object.oid, t.tree);
      this.pendingTrees.set(t.object.oid, t.tree);
    }
    // The new snapshot from the old one plus the edit: no walk over a 10k-entry tree.
    const { files, dirs } = deriveSnapshot(base.snapshot, edits, edit.dirCounts);
    const treeIds = new Set(base.treeIds);
    for (const t of edit.trees) {
      if (t.replaces) treeIds.delete(t.replaces);
      treeIds.add(t.object.oid);
    }
    const info: HeadInfo = {
      snapshot: { commit: commit.oid, time: new Date(seconds * 1000), files, dirs },
      tree: edit.root,
      treeIds,
    };
    this.recent.set(commit.oid, info);
    return { info, blobs, objects: [...blobs, ...edit.trees.map((t) => t.object), commit] };
  }

  private async checkBlob(oid: ObjectId): Promise<void> {
    if (this.pending.has(oid)) return;
    const o = isObjectId(oid) ? await this.objects.read(oid) : null;
    if (!o || o.type !== 'blob') throw new StoreError('missing', `no blob ${oid} in ${this.id}`);
    this.deps.blobs.set(this.blobKey(oid), compact(o.data));
  }

  private async headInfo(hs: HeadState): Promise<HeadInfo> {
    if (hs.oid === null) return EMPTY_INFO;
    const cur = this.current;
    if (cur && cur.snapshot.commit === hs.oid) return cur;
    const info = await this.loadCommit(hs.oid, true);
    if (!info) throw new StoreError('corrupt', `${this.id}: ${hs.ref} points to ${hs.oid}, which is not a readable commit`);
    return info;
  }

  /** Snapshot of a commit (deduplicated, cached); null when it is missing or not a commit. */
  private loadCommit(oid: ObjectId, asHead: boolean): Promise<HeadInfo | null> {
    const cached = this.recent.get(oid);
    if (cached) {
      if (asHead) this.adopt(cached);
      return Promise.resolve(cached);
    }
    let p = this.loading.get(oid);
    if (!p) {
      p = (async () => {
        const o = await this.objects.read(oid);
        if (!o || o.type !== 'commit') return null;
        const c = parseCommit(oid, o.data);
        // Only HEAD's trees stay cached; an old commit's trees are read and let go.
        return this.buildInfo(oid, c.tree, c.committerTime, asHead ? this.treeReader : this.uncachedReader);
      })().finally(() => this.loading.delete(oid));
      this.loading.set(oid, p);
    }
    return asHead ? p.then((info) => (info ? this.adopt(info) : null)) : p;
  }

  private async buildInfo(commit: ObjectId, tree: ObjectId, seconds: number, read: TreeReader = this.treeReader): Promise<HeadInfo> {
    const flat = await flattenTree(tree, read);
    const snapshot: Snapshot = { commit, time: new Date(seconds * 1000), files: FileMap.from(flat.files), dirs: flat.dirs };
    const info: HeadInfo = { snapshot, tree, treeIds: flat.trees };
    this.recent.set(commit, info);
    return info;
  }

  /** Make `info` the cached HEAD and keep only its trees in the tree cache. */
  private adopt(info: HeadInfo): HeadInfo {
    if (this.current === info) return info;
    this.current = info;
    for (const k of this.trees.keys()) if (!info.treeIds.has(k)) this.trees.delete(k);
    return info;
  }

  private async readTree(oid: ObjectId, keep: boolean): Promise<ParsedTree> {
    const hit = this.trees.get(oid) ?? this.pendingTrees.get(oid);
    if (hit) return hit;
    const o = await this.objects.read(oid);
    if (!o || o.type !== 'tree') throw new StoreError('corrupt', `${this.id}: tree ${oid} is missing`);
    const tree = parseTreeFull(oid, o.data);
    if (keep) this.trees.set(oid, tree);
    return tree;
  }

  /** Trees from the cache, else from disk (then cached until the next HEAD change prunes them). */
  private readonly treeReader: TreeReader = (oid) => this.readTree(oid, true);
  private readonly uncachedReader: TreeReader = (oid) => this.readTree(oid, false);
}
