/** Flattening trees into Snapshots, and diffs between Snapshots. Pure apart from the tree reader. */
import { isFileMode, isTreeMode } from './format.js';
import { FileMap } from './fileMap.js';
import type { EditOp, TreeReader } from './treeEdit.js';
import type { Change, ObjectId, Snapshot } from './types.js';

export const EMPTY_SNAPSHOT: Snapshot = Object.freeze({
  commit: null,
  time: null,
  files: new Map<string, ObjectId>(),
  dirs: new Set<string>(),
});

export interface Flattened {
  files: Map<string, ObjectId>;
  dirs: Set<string>;
  /** Every tree id visited (root included), so a cache can keep exactly these. */
  trees: Set<ObjectId>;
}

/**
 * Flatten the tree `root` into path -> blob id and the set of directories. Symlinks and
 * submodules are not files; a directory is listed when it has any entry at all.
 */
export async function flattenTree(root: ObjectId, read: TreeReader): Promise<Flattened> {
  const files = new Map<string, ObjectId>();
  const dirs = new Set<string>();
  const trees = new Set<ObjectId>([root]);
  const stack: { oid: ObjectId; prefix: string }[] = [{ oid: root, prefix: '' }];
  while (stack.length > 0) {
    const { oid, prefix } = stack.pop()!;
    const { entries } = await read(oid);
    if (prefix !== '' && entries.length > 0) dirs.add(prefix.slice(0, -1));
    for (const e of entries) {
      if (isTreeMode(e.mode)) {
        trees.add(e.oid);
        stack.push({ oid: e.oid, prefix: `${prefix}${e.name}/` });
      } else if (isFileMode(e.mode)) {
        files.set(prefix === '' ? e.name : prefix + e.name, e.oid);
      }
    }
  }
  return { files, dirs, trees };
}

/**
 * The files and directories after `edits`, derived from the snapshot before them in
 * O(changes) plus one copy of the maps, instead of walking the new tree. `dirCounts` comes from
 * the tree edit: how many entries each directory it went through holds afterwards.
 */
export function deriveSnapshot(
  before: Snapshot,
  edits: readonly EditOp[],
  dirCounts: ReadonlyMap<string, number>,
): { files: FileMap; dirs: Set<string> } {
  const base = FileMap.from(before.files);
  const changes = new Map<string, ObjectId | null>();
  const current = (path: string) => (changes.has(path) ? changes.get(path) : base.get(path));
  const dirs = new Set(before.dirs);
  for (const e of edits) {
    if (e.op === 'set') {
      changes.set(e.path, e.blob);
    } else if (current(e.path)) {
      changes.set(e.path, null);
    } else {
      // A directory (or a symlink or submodule, which are not listed): drop everything below it.
      const prefix = `${e.path}/`;
      for (const k of base.keys()) if (k.startsWith(prefix)) changes.set(k, null);
      for (const k of changes.keys()) if (k.startsWith(prefix)) changes.set(k, null);
      for (const d of dirs) if (d === e.path || d.startsWith(prefix)) dirs.delete(d);
    }
  }
  for (const [path, count] of dirCounts) {
    if (path === '') continue;
    if (count > 0) dirs.add(path);
    else dirs.delete(path);
  }
  return { files: base.with(changes), dirs };
}

/** Files that differ between two snapshots, sorted by path. */
export function diffSnapshots(from: Snapshot, to: Snapshot): Change[] {
  if (from === to || (from.commit !== null && from.commit === to.commit)) return [];
  const out: Change[] = [];
  // Snapshots of nearby commits share a base map: only their overlays can differ.
  const changed = FileMap.changedPaths(from.files, to.files);
  if (changed) {
    for (const path of changed) out.push({ path, from: from.files.get(path) ?? null, to: to.files.get(path) ?? null });
    return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  }
  for (const [path, oid] of from.files) {
    const next = to.files.get(path);
    if (next !== oid) out.push({ path, from: oid, to: next ?? null });
  }
  for (const [path, oid] of to.files) {
    if (!from.files.has(path)) out.push({ path, from: null, to: oid });
  }
  out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return out;
}
