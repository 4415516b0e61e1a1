/**
 * Apply write operations to a tree in memory, rewriting only the trees on changed paths.
 * Untouched entries (including executables, symlinks and submodules) are carried over as they
 * are; each rewritten tree is built by merging its sorted base entries with the (few) changed
 * names and copying runs of untouched entries as bytes, so a flat 10k-entry tree is neither
 * re-sorted nor re-serialised entry by entry.
 */
import { makeObject, type PendingObject } from './objects.js';
import { checkTreePath, gitNameCompare } from './paths.js';
import { EMPTY_PARSED_TREE, MODE_EXEC, MODE_FILE, MODE_TREE, isTreeMode, spliceTree, type ParsedTree, type TreeEntry, type TreePiece } from './format.js';
import { StoreError, type ObjectId } from './types.js';

export type TreeReader = (oid: ObjectId) => Promise<ParsedTree>;

/** A resolved op: `put`'s bytes are already a blob id. */
export type EditOp = { op: 'set'; path: string; blob: ObjectId } | { op: 'delete'; path: string };

class EditNode {
  /** name -> replacement entry, an edited subtree, or null (removed). */
  readonly changes = new Map<string, TreeEntry | EditNode | null>();
  constructor(
    readonly baseOid: ObjectId | null,
    readonly base: ParsedTree,
  ) {}

  /** Current state of `name`: the change, else the base entry (binary search, either type). */
  lookup(name: string): TreeEntry | EditNode | null {
    if (this.changes.has(name)) return this.changes.get(name) ?? null;
    const i = findEntry(this.base.entries, name, false);
    const j = i >= 0 ? i : findEntry(this.base.entries, name, true);
    return j >= 0 ? this.base.entries[j]! : null;
  }
}

function findEntry(entries: readonly TreeEntry[], name: string, asTree: boolean): number {
  let lo = 0;
  let hi = entries.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const e = entries[mid]!;
    const c = gitNameCompare(e.name, isTreeMode(e.mode), name, asTree);
    if (c === 0) return mid;
    if (c < 0) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

/** Index of the first entry that sorts after `e` (entries are in Git order; `e`'s name is not among them). */
function lowerBound(entries: readonly TreeEntry[], e: TreeEntry): number {
  const asTree = isTreeMode(e.mode);
  let lo = 0;
  let hi = entries.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    const m = entries[mid]!;
    if (gitNameCompare(m.name, isTreeMode(m.mode), e.name, asTree) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export interface EditResult {
  /** Root tree id after the edit. */
  root: ObjectId;
  /** Trees that were rewritten (to write), each parsed (to cache). */
  trees: { object: PendingObject; tree: ParsedTree; replaces: ObjectId | null }[];
  /** Every directory the edit went through ('' = root) -> its number of entries afterwards (0: gone). */
  dirCounts: Map<string, number>;
}

/** Apply `ops` in order to the tree `rootOid` (null: empty) and compute the new trees. */
export async function editTree(rootOid: ObjectId | null, ops: readonly EditOp[], read: TreeReader): Promise<EditResult> {
  const root = new EditNode(rootOid, rootOid ? await read(rootOid) : EMPTY_PARSED_TREE);
  for (const op of ops) {
    const segs = checkTreePath(op.path);
    let node = root;
    for (let i = 0; i < segs.length - 1; i++) {
      const seg = segs[i]!;
      const cur = node.lookup(seg);
      if (cur instanceof EditNode) {
        node = cur;
        continue;
      }
      if (cur === null) {
        if (op.op === 'delete') throw new StoreError('missing', `no such path: ${op.path}`);
        const child = new EditNode(null, EMPTY_PARSED_TREE);
        node.changes.set(seg, child);
        node = child;
      } else if (isTreeMode(cur.mode)) {
        const child = new EditNode(cur.oid, await read(cur.oid));
        node.changes.set(seg, child);
        node = child;
      } else if (op.op === 'delete') {
        throw new StoreError('missing', `no such path: ${op.path}`);
      } else {
        throw new StoreError('conflict', `${segs.slice(0, i + 1).join('/')} is a file, not a directory`);
      }
    }
    const leaf = segs[segs.length - 1]!;
    const cur = node.lookup(leaf);
    if (op.op === 'delete') {
      if (cur === null) throw new StoreError('missing', `no such path: ${op.path}`);
      node.changes.set(leaf, null);
    } else {
      if (cur instanceof EditNode || (cur !== null && isTreeMode(cur.mode))) {
        throw new StoreError('conflict', `${op.path} is a directory`);
      }
      // An executable stays executable when its content is replaced; anything else becomes a plain file.
      const mode = cur !== null && cur.mode === MODE_EXEC ? MODE_EXEC : MODE_FILE;
      node.changes.set(leaf, { name: leaf, mode, oid: op.blob });
    }
  }
  const result: EditResult = { root: '', trees: [], dirCounts: new Map() };
  result.root = finish(root, '', result).oid;
  return result;
}

/** Merge a node's base with its changes (children first), recording every tree that changed. */
function finish(node: EditNode, path: string, out: EditResult): { oid: ObjectId; count: number } {
  if (node.changes.size === 0 && node.baseOid !== null) {
    out.dirCounts.set(path, node.base.entries.length);
    return { oid: node.baseOid, count: node.base.entries.length };
  }
  const changed: TreeEntry[] = [];
  for (const [name, v] of node.changes) {
    if (v === null) continue;
    if (v instanceof EditNode) {
      const sub = finish(v, path === '' ? name : `${path}/${name}`, out);
      // Git stores no empty trees: a directory whose last entry went away disappears.
      if (sub.count > 0) changed.push({ name, mode: MODE_TREE, oid: sub.oid });
    } else {
      changed.push(v);
    }
  }
  const isTree = (e: TreeEntry) => isTreeMode(e.mode);
  changed.sort((a, b) => gitNameCompare(a.name, isTree(a), b.name, isTree(b)));
  // Base entries replaced or removed (a name may change between file and tree: look for both).
  const base = node.base.entries;
  const removed: number[] = [];
  for (const name of node.changes.keys()) {
    const i = findEntry(base, name, false);
    if (i >= 0) removed.push(i);
    const j = findEntry(base, name, true);
    if (j >= 0) removed.push(j);
  }
  removed.sort((a, b) => a - b);
  // Where each new entry goes: before the first base entry that sorts after it.
  const at = changed.map((e) => lowerBound(base, e));
  const pieces: TreePiece[] = [];
  let cur = 0;
  let ri = 0;
  let ci = 0;
  for (;;) {
    const nextIns = ci < changed.length ? at[ci]! : Infinity;
    const nextRem = ri < removed.length ? removed[ri]! : Infinity;
    const stop = Math.min(nextIns, nextRem, base.length);
    if (stop > cur) {
      pieces.push({ from: cur, to: stop });
      cur = stop;
    }
    if (nextIns === cur) pieces.push(changed[ci++]!);
    else if (nextRem === cur) {
      cur++;
      ri++;
    } else if (cur >= base.length) break;
  }
  const count = base.length - removed.length + changed.length;
  const tree = spliceTree(node.base, pieces);
  const object = makeObject('tree', tree.data, tree.wrapped);
  out.dirCounts.set(path, count);
  // An emptied subtree is dropped by its parent; only the root may be the empty tree.
  if (object.oid !== node.baseOid && (count > 0 || path === '')) {
    out.trees.push({ object, tree, replaces: node.baseOid });
  }
  return { oid: object.oid, count };
}
