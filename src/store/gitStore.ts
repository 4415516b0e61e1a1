/**
 * The data root: a tree of plain directories and bare Git repositories (one per collection).
 * Opened repositories are kept in an LRU; creation, removal and renames are atomic renames.
 */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as fsp from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { Collection, type CollectionDeps } from './gitCollection.js';
import { ByteLru, LruMap } from './lru.js';
import { Maintenance, type MaintenanceResult } from './maintenance.js';
import { MutexRegistry } from './mutex.js';
import { fsyncDir } from './objects.js';
import { RESERVED_ROOT_NAMES, checkRootPath, splitPath } from './paths.js';
import { StoreError, type CommitRequest, type EntryKind, type GitCollection, type Store } from './types.js';

export interface StoreOptions {
  /** Open repositories kept in memory (least recently used are let go). Default 256. */
  maxOpen?: number;
  /** Bytes of recently read blobs kept for all open repositories together. Default 8 MiB. */
  blobCacheBytes?: number;
  /** Run `git gc` on a repository after this many commits through the store. Default 100. */
  gcAfterCommits?: number;
  /** ...or after this many bytes of new objects. Default 64 MiB (~145 commits on a flat 10k collection). */
  gcAfterBytes?: number;
  /** Watch refs of open repositories with chokidar. Default true. */
  watch?: boolean;
  /** How long a commit waits for a `<ref>.lock` held by someone else before StoreError('busy'). Default 5000 ms. */
  lockTimeoutMs?: number;
  /** Where maintenance failures are reported. Default: stderr. */
  log?: (msg: string) => void;
}

/** The Store plus maintenance hooks for tests, benchmarks and the CLI. */
export interface GitStore extends Store {
  /** Run `git gc` on the repository at `rel` now (under its lock) and wait for it. */
  maintain(rel: string): Promise<MaintenanceResult>;
  /** Wait until background maintenance started so far has finished. */
  maintenanceIdle(): Promise<void>;
}

function statOrNull(p: string): fs.Stats | null {
  try {
    return fs.statSync(p, { throwIfNoEntry: false }) ?? null;
  } catch (e) {
    // A file where a directory was expected (`a/file/x`): nothing there either.
    if (errCode(e) === 'ENOTDIR') return null;
    throw e;
  }
}

/** A bare repository: a `HEAD` file and an `objects/` directory. Synchronous: it runs per request. */
function isRepo(abs: string): boolean {
  return statOrNull(join(abs, 'HEAD'))?.isFile() === true && statOrNull(join(abs, 'objects'))?.isDirectory() === true;
}

function errCode(e: unknown): unknown {
  return typeof e === 'object' && e !== null ? (e as { code?: unknown }).code : undefined;
}

const INITIAL_CONFIG = '[core]\n\trepositoryformatversion = 0\n\tfilemode = true\n\tbare = true\n';

class DataRoot implements GitStore {
  readonly root: string;
  private readonly locks = new MutexRegistry();
  private readonly open_: LruMap<string, Collection>;
  private readonly maintenance: Maintenance;
  private readonly deps: CollectionDeps;
  private readonly watchRefs: boolean;
  private readonly closing = new Set<Promise<void>>();

  constructor(root: string, opts: StoreOptions) {
    this.root = resolve(root);
    this.open_ = new LruMap(Math.max(1, opts.maxOpen ?? 256));
    this.watchRefs = opts.watch ?? true;
    this.maintenance = new Maintenance(
      (gitDir) => {
        for (const [, c] of this.open_.entries()) if (c.gitDir === gitDir) c.dropPackCache();
      },
      { gcAfterCommits: opts.gcAfterCommits, gcAfterBytes: opts.gcAfterBytes, log: opts.log },
    );
    this.deps = {
      locks: this.locks,
      maintenance: this.maintenance,
      lockTimeoutMs: opts.lockTimeoutMs ?? 5000,
      maxAttempts: 20,
      blobs: new ByteLru<string>(opts.blobCacheBytes ?? 8 * 1024 * 1024, 256 * 1024),
    };
  }

  private abs(segs: readonly string[]): string {
    return segs.length === 0 ? this.root : join(this.root, ...segs);
  }

  /**
   * Throws 'conflict' when a proper ancestor of `segs` is a repository (nothing lives inside a Git
   * directory) or a file.
   */
  private checkAncestors(segs: readonly string[]): void {
    for (let i = 1; i < segs.length; i++) {
      const abs = this.abs(segs.slice(0, i));
      const st = statOrNull(abs);
      if (!st) return;
      if (!st.isDirectory()) throw new StoreError('conflict', `${segs.slice(0, i).join('/')} is a file`);
      if (isRepo(abs)) throw new StoreError('conflict', `${segs.slice(0, i).join('/')} is a repository`);
    }
  }

  async kind(rel: string): Promise<EntryKind> {
    const segs = checkRootPath(rel, true);
    try {
      this.checkAncestors(segs);
    } catch (e) {
      if (e instanceof StoreError && e.code === 'conflict') return 'missing';
      throw e;
    }
    const st = statOrNull(this.abs(segs));
    if (!st) return 'missing';
    if (!st.isDirectory()) return 'file';
    return segs.length > 0 && isRepo(this.abs(segs)) ? 'repository' : 'directory';
  }

  async open(rel: string): Promise<GitCollection | null> {
    return this.openCollection(rel);
  }

  /** Synchronous on purpose: no await between the check and the LRU insert, so one rel gets one object. */
  private openCollection(rel: string): Collection | null {
    const segs = checkRootPath(rel, false);
    const key = segs.join('/');
    const hit = this.open_.get(key);
    if (hit) {
      // Still there? One stat: the HEAD file is stat'ed by the collection's HEAD cache right after,
      // and a repository removed or renamed away loses its objects/ directory with it.
      if (statOrNull(join(hit.gitDir, 'objects'))?.isDirectory() === true) return hit;
      this.evict(key);
    }
    const gitDir = this.abs(segs);
    if (!isRepo(gitDir)) return null;
    try {
      this.checkAncestors(segs);
    } catch {
      return null;
    }
    const c = new Collection(key, gitDir, this.deps);
    if (this.watchRefs) c.watch();
    for (const [, old] of this.open_.set(key, c)) this.closeLater(old);
    return c;
  }

  private evict(key: string): void {
    const c = this.open_.peek(key);
    if (c) {
      this.open_.delete(key);
      this.closeLater(c);
    }
  }

  /** Close an evicted collection's watcher in the background; close() waits for these. */
  private closeLater(c: Collection): void {
    c.dropPackCache(); // closes the pack files it keeps open
    const p = c.closeWatcher().catch(() => undefined);
    this.closing.add(p);
    void p.finally(() => this.closing.delete(p));
  }

  /** Drop `key` and everything below it from the open set. */
  private evictTree(key: string): void {
    for (const [k] of [...this.open_.entries()]) if (k === key || k.startsWith(`${key}/`)) this.evict(k);
  }

  async create(rel: string, init: CommitRequest): Promise<GitCollection> {
    const segs = checkRootPath(rel, false);
    this.checkAncestors(segs);
    const target = this.abs(segs);
    if (statOrNull(target)) throw new StoreError('exists', `${rel} exists`);
    const tmpRoot = join(this.root, '.tmp');
    await fsp.mkdir(tmpRoot, { recursive: true });
    await sweepStaging(tmpRoot);
    const tmp = join(tmpRoot, `new-${Date.now()}-${randomBytes(6).toString('hex')}`);
    try {
      await this.initBare(tmp);
      const staging = new Collection(`.tmp/${rel}`, tmp, { ...this.deps, maintenance: null });
      await this.locks.run(tmp, () => staging.commitLocked(init, true));
      await fsp.mkdir(dirname(target), { recursive: true });
      // Claim the name with an exclusive mkdir, then rename over the empty directory we own.
      try {
        await fsp.mkdir(target);
      } catch (e) {
        if (errCode(e) === 'EEXIST') throw new StoreError('exists', `${rel} exists`);
        throw e;
      }
      try {
        await fsp.rename(tmp, target);
      } catch (e) {
        await fsp.rmdir(target).catch(() => undefined);
        throw e;
      }
      await fsyncDir(dirname(target));
    } catch (e) {
      await fsp.rm(tmp, { recursive: true, force: true }).catch(() => undefined);
      throw e;
    }
    const c = this.openCollection(segs.join('/'));
    if (!c) throw new StoreError('missing', `${rel} vanished right after it was created`);
    return c;
  }

  private async initBare(dir: string): Promise<void> {
    for (const d of ['objects/info', 'objects/pack', 'refs/heads', 'refs/tags', 'info']) {
      await fsp.mkdir(join(dir, d), { recursive: true });
    }
    const files: [string, string][] = [
      ['HEAD', 'ref: refs/heads/main\n'],
      ['config', INITIAL_CONFIG],
      ['description', 'Kalends collection\n'],
    ];
    for (const [name, text] of files) {
      const fh = await fsp.open(join(dir, name), 'wx', 0o644);
      try {
        await fh.writeFile(text);
        await fh.sync();
      } finally {
        await fh.close();
      }
    }
    await fsyncDir(dir);
  }

  async list(rel: string): Promise<string[]> {
    const segs = checkRootPath(rel, true);
    const kind = await this.kind(rel);
    if (kind === 'missing' || kind === 'file') throw new StoreError('missing', `no directory ${rel}`);
    if (kind === 'repository') throw new StoreError('invalid-path', `${rel} is a repository, not a directory`);
    const dir = this.abs(segs);
    const out: string[] = [];
    for (const d of await fsp.readdir(dir, { withFileTypes: true })) {
      if (segs.length === 0 && RESERVED_ROOT_NAMES.has(d.name)) continue;
      const isDir = d.isDirectory() || (d.isSymbolicLink() && statOrNull(join(dir, d.name))?.isDirectory() === true);
      if (!isDir || !validSegment(d.name)) continue;
      out.push(d.name);
    }
    return out.sort();
  }

  async ensureDir(rel: string): Promise<void> {
    const segs = checkRootPath(rel, true);
    this.checkAncestors(segs);
    const abs = this.abs(segs);
    const st = statOrNull(abs);
    if (st) {
      if (st.isDirectory() && !(segs.length > 0 && isRepo(abs))) return;
      throw new StoreError('exists', `${rel} exists and is not a plain directory`);
    }
    await fsp.mkdir(abs, { recursive: true });
  }

  async remove(rel: string): Promise<void> {
    const segs = checkRootPath(rel, false);
    const key = segs.join('/');
    const kind = await this.kind(key);
    if (kind !== 'repository' && kind !== 'directory') throw new StoreError('missing', `nothing to remove at ${rel}`);
    const src = this.abs(segs);
    const trash = join(this.root, '.trash');
    await fsp.mkdir(trash, { recursive: true });
    const stamp = new Date().toISOString().replace(/:/g, '-');
    const base = `${stamp}-${segs.join('__')}`;
    await this.locks.run(src, async () => {
      this.evictTree(key);
      await this.maintenance.settle(src);
      for (let n = 0; ; n++) {
        const dest = join(trash, n === 0 ? base : `${base}-${n}`);
        if (statOrNull(dest)) continue;
        try {
          await fsp.rename(src, dest);
          break;
        } catch (e) {
          const code = errCode(e);
          if ((code === 'EEXIST' || code === 'ENOTEMPTY') && n < 100) continue;
          if (code === 'ENOENT') throw new StoreError('missing', `nothing to remove at ${rel}`);
          throw e;
        }
      }
      this.maintenance.forget(src);
      await fsyncDir(dirname(src));
      await fsyncDir(trash);
    });
  }

  async rename(from: string, to: string): Promise<void> {
    const fromSegs = checkRootPath(from, false);
    const toSegs = checkRootPath(to, false);
    const fromKey = fromSegs.join('/');
    const toKey = toSegs.join('/');
    if (toKey === fromKey || toKey.startsWith(`${fromKey}/`)) throw new StoreError('invalid-path', `cannot move ${from} into itself`);
    const kind = await this.kind(fromKey);
    if (kind !== 'repository' && kind !== 'directory') throw new StoreError('missing', `nothing at ${from}`);
    this.checkAncestors(toSegs);
    const src = this.abs(fromSegs);
    const dest = this.abs(toSegs);
    if (statOrNull(dest)) throw new StoreError('exists', `${to} exists`);
    await this.locks.run(src, async () => {
      this.evictTree(fromKey);
      await this.maintenance.settle(src);
      await fsp.mkdir(dirname(dest), { recursive: true });
      try {
        await fsp.mkdir(dest);
      } catch (e) {
        if (errCode(e) === 'EEXIST') throw new StoreError('exists', `${to} exists`);
        throw e;
      }
      try {
        await fsp.rename(src, dest);
      } catch (e) {
        await fsp.rmdir(dest).catch(() => undefined);
        if (errCode(e) === 'ENOENT') throw new StoreError('missing', `nothing at ${from}`);
        throw e;
      }
      this.maintenance.forget(src);
      await fsyncDir(dirname(src));
      if (dirname(dest) !== dirname(src)) await fsyncDir(dirname(dest));
    });
  }

  async maintain(rel: string): Promise<MaintenanceResult> {
    const c = this.openCollection(rel);
    if (!c) throw new StoreError('missing', `no repository at ${rel}`);
    return this.maintenance.run(c.gitDir);
  }

  maintenanceIdle(): Promise<void> {
    return this.maintenance.idle();
  }

  async close(): Promise<void> {
    const open = [...this.open_.entries()].map(([, c]) => c);
    this.open_.clear();
    for (const c of open) c.dropPackCache();
    await Promise.all([...open.map((c) => c.closeWatcher()), ...this.closing]);
    await this.maintenance.close();
  }
}

/** Repositories half-built by a process that died (older than an hour) are of no use to anyone. */
async function sweepStaging(tmpRoot: string): Promise<void> {
  const cutoff = Date.now() - 60 * 60 * 1000;
  for (const name of await fsp.readdir(tmpRoot).catch(() => [] as string[])) {
    if (!name.startsWith('new-')) continue;
    const st = statOrNull(join(tmpRoot, name));
    if (st && st.mtimeMs < cutoff) await fsp.rm(join(tmpRoot, name), { recursive: true, force: true }).catch(() => undefined);
  }
}

function validSegment(name: string): boolean {
  try {
    splitPath(name, false);
    return true;
  } catch {
    return false;
  }
}

/** Open the data root at `root` (created on the first write). */
export function createStore(root: string, opts: StoreOptions = {}): GitStore {
  return new DataRoot(root, opts);
}
