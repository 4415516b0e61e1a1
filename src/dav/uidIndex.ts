import type { ObjectId, Snapshot } from '../store/types.js';
import type { CollectionView } from './types.js';

interface RepoIndex {
  snapshot: Snapshot;
  paths: Map<string, Set<string>>;
}

/**
 * Which member holds a UID, per repository, kept current by diffing the last indexed snapshot
 * against the new HEAD: a PUT costs O(changes), not a parse of the whole collection. The UID of
 * a blob comes from a content-addressed source (a parse cache), so entries are never stale.
 */
export class UidIndex {
  private readonly repos = new Map<string, RepoIndex>();

  constructor(
    private readonly uidOf: (coll: CollectionView, blob: ObjectId) => Promise<string | undefined>,
    private readonly isMember: (path: string) => boolean,
    private readonly maxRepos = 512,
  ) {}

  async find(coll: CollectionView, snapshot: Snapshot, uid: string): Promise<string | undefined> {
    const index = await this.indexFor(coll, snapshot);
    const holders = index.paths.get(uid);
    if (!holders) return undefined;
    for (const p of holders) return p;
    return undefined;
  }

  private async indexFor(coll: CollectionView, snapshot: Snapshot): Promise<RepoIndex> {
    let index = this.repos.get(coll.rel);
    if (index && index.snapshot.commit === snapshot.commit) return index;
    const from: Snapshot = index?.snapshot ?? { commit: null, time: null, files: new Map(), dirs: new Set() };
    const paths = index ? new Map([...index.paths].map(([k, v]) => [k, new Set(v)])) : new Map<string, Set<string>>();
    const changes = coll.repo.diff(from, snapshot).filter((c) => this.isMember(c.path));
    const removeOld = async (path: string, blob: ObjectId) => {
      const uid = await this.uidOf(coll, blob);
      if (uid === undefined) return;
      const set = paths.get(uid);
      set?.delete(path);
      if (set && set.size === 0) paths.delete(uid);
    };
    for (const c of changes) {
      if (c.from) await removeOld(c.path, c.from);
      if (c.to) {
        const uid = await this.uidOf(coll, c.to);
        if (uid !== undefined && uid !== '') {
          const set = paths.get(uid) ?? new Set<string>();
          set.add(c.path);
          paths.set(uid, set);
        }
      }
    }
    index = { snapshot, paths };
    this.repos.delete(coll.rel);
    this.repos.set(coll.rel, index);
    if (this.repos.size > this.maxRepos) this.repos.delete(this.repos.keys().next().value as string);
    return index;
  }
}

/** Root-level, non-hidden files: the members of a calendar or address book. */
export function isFlatMember(path: string): boolean {
  return !path.includes('/') && !path.startsWith('.');
}
