import type { CommitPlan, Snapshot, WriteOp } from '../store/types.js';
import { META_FILE, serializeMeta, storedText, type Meta } from './meta.js';
import { readMeta } from './resolve.js';
import type { CollectionView, DavEnv } from './types.js';
import { dav } from './xml/names.js';

/** `Work` for a collection with a displayname, else its last path segment. */
export function collectionLabel(coll: Pick<CollectionView, 'rel' | 'meta' | 'type'>): string {
  const name = storedText(coll.meta.properties[dav('displayname')]) || coll.rel.split('/').pop()!;
  return `${coll.type.noun} "${name}"`;
}

/**
 * Commit to a collection with a plan evaluated against the real HEAD (under the repository's
 * lock). The plan may throw a DavError (failed precondition) and nothing is written.
 */
export async function commitTo(
  env: DavEnv,
  coll: CollectionView,
  plan: (head: Snapshot) => Promise<CommitPlan | null> | CommitPlan | null,
): Promise<{ snapshot: Snapshot; committed: boolean }> {
  const res = await coll.repo.commit({ author: env.author, plan });
  return { snapshot: res.snapshot, committed: res.committed };
}

export function metaPath(dir: string): string {
  return dir === '' ? META_FILE : `${dir}/${META_FILE}`;
}

export function putMeta(dir: string, meta: Meta): WriteOp {
  return { op: 'put', path: metaPath(dir), data: serializeMeta(meta) };
}

/** Metadata of a directory as of `head` (not as of the request's resolution). */
export function metaAt(coll: CollectionView, head: Snapshot, dir: string): Promise<Meta> {
  return readMeta(coll, head, dir);
}

export function splitParent(path: string): { dir: string; name: string } {
  const i = path.lastIndexOf('/');
  return i < 0 ? { dir: '', name: path } : { dir: path.slice(0, i), name: path.slice(i + 1) };
}
