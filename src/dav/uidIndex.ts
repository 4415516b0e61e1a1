import type { ObjectId, Snapshot } from '../store/types.js';
import { detached } from './blobIndex.js';
import type { CollectionView } from './types.js';

interface RepoIndex {
  snapshot: Snapshot;
  paths: Map<string, Set<string>>;
}

/**
 * Which member holds a UID, per repository, kept current by applying the diff between the last
 * indexed snapshot and the one asked about, in place: a PUT costs O(changes), never a copy or a
 * parse of the whole collection. A diff moves the index to any snapshot, newer or older. UIDs
 * are remembered by blob id (content-addressed, so never stale) without keeping parsed objects.
 */
export class UidIndex {
  private readonly repos = new Map<string, RepoIndex>();
  private readonly uids = new Map<ObjectId, string | undefined>();
  /** Updates of one repository's index run one after another (each applies a diff in place). */
  private readonly queues = new Map<string, Promise<unknown>>();

  constructor(
    private readonly uidOf: (coll: CollectionView, blob: ObjectId) => Promise<string | undefined>,
    private readonly isMember: (path: string) => boolean,
    private readonly maxRepos = 512,
  ) {}

  async find(coll: CollectionView, snapshot: Snapshot, uid: string): Promise<string | undefined> {
    const prev = this.queues.get(coll.rel) ?? Promise.resolve();
    const run = prev.catch(() => undefined).then(() => this.indexFor(coll, snapshot));
    this.queues.set(coll.rel, run);
    let index: RepoIndex;
    try {
      index = await run;
    } finally {
      if (this.queues.get(coll.rel) === run) this.queues.delete(coll.rel);
    }
    const holders = index.paths.get(uid);
    if (!holders) return undefined;
    for (const p of holders) return p;
    return undefined;
  }

  private async uid(coll: CollectionView, blob: ObjectId): Promise<string | undefined> {
    if (this.uids.has(blob)) return this.uids.get(blob);
    const uid = await this.uidOf(coll, blob);
    // Bounded (a repository's index keeps its own UIDs; this only saves re-reading blobs), oldest
    // dropped first. The UID is copied out of the parsed text, which it would otherwise keep alive.
    if (this.uids.size >= 40_000) this.uids.delete(this.uids.keys().next().value as ObjectId);
    this.uids.set(blob, uid === '' || uid === undefined ? undefined : detached(uid));
    return this.uids.get(blob);
  }

  private async indexFor(coll: CollectionView, snapshot: Snapshot): Promise<RepoIndex> {
    let index = this.repos.get(coll.rel);
    if (index && index.snapshot.commit === snapshot.commit) return index;
    if (!index) {
      index = { snapshot: { commit: null, time: null, files: new Map(), dirs: new Set() }, paths: new Map() };
      this.repos.set(coll.rel, index);
      if (this.repos.size > this.maxRepos) this.repos.delete(this.repos.keys().next().value as string);
    }
    const changes = coll.repo.diff(index.snapshot, snapshot).filter((c) => this.isMember(c.path));
    // UIDs are looked up before anything changes, so a failed read leaves the index as it was.
    const resolved = await Promise.all(changes.map(async (c) => ({ c, from: c.from ? await this.uid(coll, c.from) : undefined, to: c.to ? await this.uid(coll, c.to) : undefined })));
    const paths = index.paths;
    for (const { c, from, to } of resolved) {
      if (from !== undefined) {
        const set = paths.get(from);
        set?.delete(c.path);
        if (set && set.size === 0) paths.delete(from);
      }
      if (to !== undefined) {
        const set = paths.get(to) ?? new Set<string>();
        set.add(c.path);
        paths.set(to, set);
      }
    }
    index.snapshot = snapshot;
    return index;
  }
}

/** Root-level, non-hidden files: the members of a calendar or address book. */
export function isFlatMember(path: string): boolean {
  return !path.includes('/') && !path.startsWith('.');
}
