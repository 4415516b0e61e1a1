/**
 * Apply write operations to a tree in memory, rewriting only the trees on changed paths.
 * Untouched entries (including executables, symlinks and submodules) are carried over as they
 * are; each rewritten tree is serialised once by merging its sorted base entries with the
 * (few) changed names, so a flat 10k-entry tree is never re-sorted.
 */
import { makeObject, type PendingObject } from './objects.js';
import { checkTreePath, gitNameCompare } from './paths.js';
import { MODE_EXEC, MODE_FILE, MODE_TREE, isTreeMode, serializeTree, type TreeEntry } from './format.js';
import { StoreError, type ObjectId } from './types.js';

export type TreeReader = (oid: ObjectId) => Promise<readonly TreeEntry[]>;

/** A resolved op: `put`'s bytes are already a blob id. */
export type EditOp = { op: 'set'; path: string; blob: ObjectId } | { op: 'delete'; path: string };

class EditNode {
  /** name -> replacement entry, an edited subtree, or null (removed). */
  readonly changes = new Map<string, TreeEntry | EditNode | null>();
  constructor(
    readonly baseOid: ObjectId | null,
    readonly base: readonly TreeEntry[],
  ) {}

  /** Current state of `name`: the base entry (binary search, either type), or the change. */
  lookup(name: string): TreeEntry | EditNode | null {
    if (this.changes.has(name)) return this.changes.get(name) ?? null;
    return findEntry(this.base, name, false) ?? findEntry(this.base, name, true);
  }
}

function findEntry(entries: readonly TreeEntry[], name: string, asTree: boolean): TreeEntry | null {
  let lo = 0;
  let hi = entries.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const e = entries[mid]!;
    const c = gitNameCompare(e.name, isTreeMode(e.mode), name, asTree);
    if (c === 0) return e;
    if (c < 0) lo = mid + 1;
    else hi = mid - 1;
  }
  return null;
}

export interface EditResult {
  /** Root tree id after the edit. */
  root: ObjectId;
  /** Trees that were rewritten (to write), each with its entries (to cache). */
  trees: { object: PendingObject; entries: readonly TreeEntry[] }[];
}

/** Apply `ops` in order to the tree `rootOid` (null: empty) and compute the new trees. */
export async function editTree(rootOid: ObjectId | null, ops: readonly EditOp[], read: TreeReader): Promise<EditResult> {
  const root = new EditNode(rootOid, rootOid ? await read(rootOid) : []);
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
        const child = new EditNode(null, []);
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
  const trees: EditResult['trees'] = [];
  const done = finish(root, trees, true);
  return { root: done.oid, trees };
}

interface Finished {
  oid: ObjectId;
  entries: readonly TreeEntry[];
}

/** Merge a node's base with its changes (children first), pushing every tree that changed. */
function finish(node: EditNode, out: EditResult['trees'], isRoot = false): Finished {
  if (node.changes.size === 0 && node.baseOid !== null) return { oid: node.baseOid, entries: node.base };
  const changed: TreeEntry[] = [];
  for (const [name, v] of node.changes) {
    if (v === null) continue;
    if (v instanceof EditNode) {
      const sub = finish(v, out);
      // Git stores no empty trees: a directory whose last entry went away disappears.
      if (sub.entries.length > 0) changed.push({ name, mode: MODE_TREE, oid: sub.oid });
    } else {
      changed.push(v);
    }
  }
  const isTree = (e: TreeEntry) => isTreeMode(e.mode);
  changed.sort((a, b) => gitNameCompare(a.name, isTree(a), b.name, isTree(b)));
  const entries: TreeEntry[] = [];
  let j = 0;
  for (const e of node.base) {
    // Replaced or removed; a name may also move between file and tree, so changes are merged in order.
    if (node.changes.has(e.name)) continue;
    while (j < changed.length && gitNameCompare(changed[j]!.name, isTree(changed[j]!), e.name, isTree(e)) < 0) {
      entries.push(changed[j++]!);
    }
    entries.push(e);
  }
  while (j < changed.length) entries.push(changed[j++]!);
  const object = makeObject('tree', serializeTree(entries));
  // An emptied subtree is dropped by its parent; only the root may be the empty tree.
  if (object.oid !== node.baseOid && (entries.length > 0 || isRoot)) out.push({ object, entries });
  return { oid: object.oid, entries };
}
