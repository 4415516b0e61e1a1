/**
 * The path -> blob map of a snapshot, persistent: a shared, materialised base map plus a small
 * overlay of changes. A commit that changes a few files of a 10k-item collection costs O(changes)
 * instead of a 10k-entry copy, and two snapshots on the same base diff in O(changes).
 */
import type { ObjectId } from './types.js';

export class FileMap implements ReadonlyMap<string, ObjectId> {
  private constructor(
    private readonly base: ReadonlyMap<string, ObjectId>,
    /** path -> new blob id, or null when the path is gone. */
    private readonly over: ReadonlyMap<string, ObjectId | null>,
    readonly size: number,
  ) {}

  static from(map: ReadonlyMap<string, ObjectId>): FileMap {
    return map instanceof FileMap ? map : new FileMap(map, new Map(), map.size);
  }

  /** A new map with `changes` applied (null: remove). The overlay is folded into a new base once it grows. */
  with(changes: Iterable<readonly [string, ObjectId | null]>): FileMap {
    const over = new Map(this.over);
    let size = this.size;
    for (const [path, oid] of changes) {
      const before = this.getIn(over, path);
      if (oid === null) {
        if (before !== undefined) size--;
      } else if (before === undefined) size++;
      const inBase = this.base.get(path);
      if (oid === (inBase ?? null)) over.delete(path);
      else over.set(path, oid);
    }
    const next = new FileMap(this.base, over, size);
    return over.size > 64 + this.base.size / 32 ? new FileMap(new Map(next), new Map(), size) : next;
  }

  private getIn(over: ReadonlyMap<string, ObjectId | null>, path: string): ObjectId | undefined {
    const o = over.get(path);
    if (o !== undefined) return o ?? undefined;
    return over.has(path) ? undefined : this.base.get(path);
  }

  get(path: string): ObjectId | undefined {
    return this.getIn(this.over, path);
  }

  has(path: string): boolean {
    return this.get(path) !== undefined;
  }

  *entries(): MapIterator<[string, ObjectId]> {
    for (const [k, v] of this.base) if (!this.over.has(k)) yield [k, v];
    for (const [k, v] of this.over) if (v !== null) yield [k, v];
  }

  *keys(): MapIterator<string> {
    for (const [k] of this.entries()) yield k;
  }

  *values(): MapIterator<ObjectId> {
    for (const [, v] of this.entries()) yield v;
  }

  [Symbol.iterator](): MapIterator<[string, ObjectId]> {
    return this.entries();
  }

  forEach(fn: (value: ObjectId, key: string, map: ReadonlyMap<string, ObjectId>) => void, thisArg?: unknown): void {
    for (const [k, v] of this.entries()) fn.call(thisArg, v, k, this);
  }

  /** Paths whose blob differs between `a` and `b`, when both share a base (else null: compare in full). */
  static changedPaths(a: ReadonlyMap<string, ObjectId>, b: ReadonlyMap<string, ObjectId>): string[] | null {
    if (!(a instanceof FileMap) || !(b instanceof FileMap) || a.base !== b.base) return null;
    const paths = new Set<string>([...a.over.keys(), ...b.over.keys()]);
    return [...paths].filter((p) => a.get(p) !== b.get(p));
  }
}
