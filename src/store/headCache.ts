/**
 * HEAD of one repository, re-read only when one of the files it came from changed. Every request
 * asks for HEAD (a native commit must be visible on the next request); reading HEAD, the branch
 * and packed-refs costs three open/read/close rounds; a stat of HEAD and the branch (and of
 * packed-refs while the branch has no loose file) costs one syscall each.
 *
 * Files are stat'ed before they are read, so a change racing the read leaves a stale signature
 * and the next call reads again. Like Git's "racy clean" rule, a signature taken soon after the
 * file's last change is not trusted: a second write within the same timestamp tick (and a reused
 * inode number) could otherwise look unchanged. How soon depends on the file system's timestamps:
 * a tick is at most 10 ms where they carry sub-second parts (the kernel's coarse clock), but a
 * whole second (ext3, HFS+) or two (FAT) where they do not.
 */
import * as fs from 'node:fs';
import { join } from 'node:path';
import { readHead, type HeadState } from './refs.js';

const RACY_FINE_MS = 50;
const RACY_COARSE_MS = 2000;

/** A time stamp with no sub-second part probably comes from a file system that has none. */
const racyMs = (mtimeMs: number): number => (mtimeMs % 1000 === 0 ? RACY_COARSE_MS : RACY_FINE_MS);

interface Sig {
  ino: number;
  size: number;
  mtimeMs: number;
  ctimeMs: number;
}

function sigOf(path: string): Sig | null {
  let st: fs.Stats | undefined;
  try {
    st = fs.statSync(path, { throwIfNoEntry: false });
  } catch {
    return null; // ENOTDIR and the like: the reader will see nothing there either
  }
  return st ? { ino: st.ino, size: st.size, mtimeMs: st.mtimeMs, ctimeMs: st.ctimeMs } : null;
}

const same = (a: Sig | null, b: Sig | null): boolean =>
  a === b || (a !== null && b !== null && a.ino === b.ino && a.size === b.size && a.mtimeMs === b.mtimeMs && a.ctimeMs === b.ctimeMs);

/**
 * Settled: written long enough before `at` that any later write must carry a later mtime. (ctime
 * is compared but not required settled: only a utimes() moving mtime back would need it.)
 */
const settled = (s: Sig | null, at: number): boolean => s === null || at - s.mtimeMs >= racyMs(s.mtimeMs);

export class HeadCache {
  private readonly headPath: string;
  private readonly packedPath: string;
  /** The branch file HEAD named last time (null: detached, only HEAD matters). */
  private refPath: string | null = null;
  private ref = 'HEAD';
  private sigs: Array<Sig | null> = [];
  private state: HeadState | null = null;

  constructor(private readonly gitDir: string) {
    this.headPath = join(gitDir, 'HEAD');
    this.packedPath = join(gitDir, 'packed-refs');
  }

  /** Signatures of what HEAD's value depends on: packed-refs only while the branch has no loose file. */
  private signatures(): Array<Sig | null> {
    const head = sigOf(this.headPath);
    if (this.refPath === null) return [head];
    const ref = sigOf(this.refPath);
    return ref ? [head, ref] : [head, null, sigOf(this.packedPath)];
  }

  read(): HeadState {
    const at = Date.now();
    const sigs = this.signatures();
    if (this.state !== null && sigs.length === this.sigs.length && sigs.every((s, i) => same(s, this.sigs[i]!))) return this.state;
    this.state = null;
    const hs = readHead(this.gitDir);
    // Cache only when the files stat'ed are all HEAD depends on: detached, or HEAD naming the
    // branch directly (a chain of symbolic refs is followed uncached).
    const direct = hs.ref === 'HEAD' || fs.readFileSync(this.headPath, 'utf8').trim() === `ref: ${hs.ref}`;
    if (hs.ref === this.ref && direct && sigs.every((s) => settled(s, at))) {
      this.sigs = sigs;
      this.state = hs;
    } else if (hs.ref !== this.ref) {
      this.ref = hs.ref;
      this.refPath = hs.ref === 'HEAD' ? null : join(this.gitDir, hs.ref);
    }
    return hs;
  }
}
