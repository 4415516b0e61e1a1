/**
 * Path rules for the store: data-root paths (where repositories live) and paths inside a
 * repository's tree. Both are '/'-separated, relative, with no tricks that could escape a
 * directory or upset `git fsck`.
 */
import { StoreError } from './types.js';

/** Directories the store keeps for itself at the top of the data root. */
export const RESERVED_ROOT_NAMES: ReadonlySet<string> = new Set(['.tmp', '.trash']);

/** Split a path into checked segments, or throw StoreError('invalid-path'). '' is allowed only if `allowEmpty`. */
export function splitPath(rel: string, allowEmpty: boolean): string[] {
  if (typeof rel !== 'string') throw new StoreError('invalid-path', 'path is not a string');
  if (rel === '') {
    if (allowEmpty) return [];
    throw new StoreError('invalid-path', 'empty path');
  }
  if (rel.startsWith('/')) throw new StoreError('invalid-path', `absolute path: ${rel}`);
  const segs = rel.split('/');
  for (const s of segs) {
    if (s === '' || s === '.' || s === '..') throw new StoreError('invalid-path', `bad segment in ${JSON.stringify(rel)}`);
    if (s.includes('\0') || s.includes('\\')) throw new StoreError('invalid-path', `bad character in ${JSON.stringify(rel)}`);
    // `git fsck` rejects `.git` in any case (case-insensitive file systems would read it as the Git directory).
    if (s.toLowerCase() === '.git') throw new StoreError('invalid-path', `.git segment in ${JSON.stringify(rel)}`);
  }
  return segs;
}

/** A data-root path: may be '' (the root) when `allowRoot`; must not enter the store's own directories. */
export function checkRootPath(rel: string, allowRoot = false): string[] {
  const segs = splitPath(rel, allowRoot);
  if (segs.length > 0 && RESERVED_ROOT_NAMES.has(segs[0]!)) {
    throw new StoreError('invalid-path', `reserved name: ${segs[0]}`);
  }
  return segs;
}

/** A path inside a repository's tree (never empty). */
export function checkTreePath(path: string): string[] {
  return splitPath(path, false);
}

/**
 * Git's tree order: names compared as bytes (UTF-8), with a directory compared as if its name
 * ended in '/'. UTF-8 byte order equals code point order; JavaScript compares UTF-16 code units,
 * which differ only for surrogates versus U+E000..U+FFFF, so those are remapped.
 */
export function gitNameCompare(a: string, aIsTree: boolean, b: string, bIsTree: boolean): number {
  const la = a.length;
  const lb = b.length;
  const n = la < lb ? la : lb;
  for (let i = 0; i < n; i++) {
    let ca = a.charCodeAt(i);
    let cb = b.charCodeAt(i);
    if (ca === cb) continue;
    if (ca >= 0xd800) ca = ca <= 0xdfff ? ca + 0x2000 : ca - 0x800;
    if (cb >= 0xd800) cb = cb <= 0xdfff ? cb + 0x2000 : cb - 0x800;
    return ca - cb;
  }
  // One name is a prefix of the other: the next "character" is '/' for a tree, end for a blob.
  const na = la > n ? a.charCodeAt(n) : aIsTree ? 0x2f : -1;
  const nb = lb > n ? b.charCodeAt(n) : bIsTree ? 0x2f : -1;
  return na - nb;
}
