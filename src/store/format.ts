/** Pure parsing and serialisation of Git tree and commit objects. */
import { StoreError, type Author, type ObjectId } from './types.js';

export const MODE_FILE = '100644';
export const MODE_EXEC = '100755';
export const MODE_TREE = '40000';
export const MODE_LINK = '120000';
export const MODE_GITLINK = '160000';

export interface TreeEntry {
  readonly name: string;
  readonly mode: string;
  readonly oid: ObjectId;
  /** The name's bytes when they are not valid UTF-8, so a rewrite keeps them exactly. */
  readonly raw?: Buffer;
}

export function isTreeMode(mode: string): boolean {
  return mode === MODE_TREE;
}

export function isFileMode(mode: string): boolean {
  return mode === MODE_FILE || mode === MODE_EXEC || mode === '100664';
}

/**
 * A tree as held in memory: its entries, its serialised bytes and where each entry ends in them,
 * so a rewrite copies runs of untouched entries as bytes instead of serialising them again.
 */
export interface ParsedTree {
  readonly entries: readonly TreeEntry[];
  readonly data: Buffer;
  /** ends[i] = offset just past entry i in `data`. */
  readonly ends: Uint32Array;
  /**
   * `tree <size>\0` followed by `data` (which is a view into it), when the tree was built here:
   * hashed and deflated as it is, so a 440 KB root tree is not copied once more per commit.
   */
  readonly wrapped?: Buffer;
}

export const EMPTY_PARSED_TREE: ParsedTree = { entries: [], data: Buffer.alloc(0), ends: new Uint32Array(0) };

/** Parse a tree object's content into its entries (in stored order, which is Git order). */
export function parseTree(oid: ObjectId, data: Buffer): TreeEntry[] {
  return parseTreeFull(oid, data).entries as TreeEntry[];
}

export function parseTreeFull(oid: ObjectId, data: Buffer): ParsedTree {
  const out: TreeEntry[] = [];
  const ends: number[] = [];
  let p = 0;
  const len = data.length;
  while (p < len) {
    const sp = data.indexOf(0x20, p);
    const nul = sp < 0 ? -1 : data.indexOf(0, sp + 1);
    if (sp < 0 || nul < 0 || nul + 21 > len) throw new StoreError('corrupt', `tree ${oid}: truncated entry`);
    // Git writes "40000", some tools "040000": normalise, it is the same mode.
    let mode = data.toString('latin1', p, sp);
    if (mode === '040000') mode = MODE_TREE;
    let ascii = true;
    for (let i = sp + 1; i < nul; i++) {
      if (data[i]! >= 0x80) {
        ascii = false;
        break;
      }
    }
    let name: string;
    let raw: Buffer | undefined;
    if (ascii) {
      name = data.toString('latin1', sp + 1, nul);
    } else {
      name = data.toString('utf8', sp + 1, nul);
      // Names that are not valid UTF-8 keep their original bytes so a rewrite does not rename them.
      if (name.includes('\ufffd') && !Buffer.from(name, 'utf8').equals(data.subarray(sp + 1, nul))) {
        raw = Buffer.from(data.subarray(sp + 1, nul));
      }
    }
    const id = data.toString('hex', nul + 1, nul + 21);
    out.push(raw ? { name, mode, oid: id, raw } : { name, mode, oid: id });
    p = nul + 21;
    ends.push(p);
  }
  return { entries: out, data, ends: Uint32Array.from(ends) };
}

/** One entry's bytes: `<mode> <name>\0<20-byte id>`. */
export function serializeEntry(e: TreeEntry): Buffer {
  const nameLen = e.raw ? e.raw.length : Buffer.byteLength(e.name);
  const buf = Buffer.allocUnsafe(e.mode.length + 1 + nameLen + 1 + 20);
  let p = buf.write(e.mode, 0, 'latin1');
  buf[p++] = 0x20;
  if (e.raw) p += e.raw.copy(buf, p);
  else p += buf.write(e.name, p, 'utf8');
  buf[p++] = 0;
  buf.write(e.oid, p, 'hex');
  return buf;
}

/** A run of base entries [from, to), or a new entry. */
export type TreePiece = { from: number; to: number } | TreeEntry;

/**
 * Build a tree from a base tree and pieces in Git order: runs of base entries are copied as one
 * block of bytes (their offsets shifted), new entries are serialised.
 */
export function spliceTree(base: ParsedTree, pieces: readonly TreePiece[]): ParsedTree {
  const start = (i: number) => (i === 0 ? 0 : base.ends[i - 1]!);
  const fresh: Buffer[] = [];
  let size = 0;
  let count = 0;
  for (const piece of pieces) {
    if ('from' in piece) {
      if (piece.to > piece.from) size += base.ends[piece.to - 1]! - start(piece.from);
      count += piece.to - piece.from;
    } else {
      const b = serializeEntry(piece);
      fresh.push(b);
      size += b.length;
      count++;
    }
  }
  const header = `tree ${size}\0`;
  const wrapped = Buffer.allocUnsafe(header.length + size);
  wrapped.write(header, 0, 'latin1');
  const data = wrapped.subarray(header.length);
  const ends = new Uint32Array(count);
  const entries = new Array<TreeEntry>(count);
  let p = 0;
  let k = 0;
  let f = 0;
  for (const piece of pieces) {
    if ('from' in piece) {
      if (piece.to <= piece.from) continue;
      const s = start(piece.from);
      base.data.copy(data, p, s, base.ends[piece.to - 1]!);
      const shift = p - s;
      for (let i = piece.from; i < piece.to; i++, k++) {
        entries[k] = base.entries[i]!;
        ends[k] = base.ends[i]! + shift;
      }
      p = ends[k - 1]!;
    } else {
      const b = fresh[f++]!;
      b.copy(data, p);
      p += b.length;
      entries[k] = piece;
      ends[k++] = p;
    }
  }
  return { entries, data, ends, wrapped };
}

/** Serialise entries that are already in Git order. */
export function serializeTree(entries: readonly TreeEntry[]): Buffer {
  let size = 0;
  for (const e of entries) {
    size += e.mode.length + 1 + (e.raw ? e.raw.length : Buffer.byteLength(e.name)) + 1 + 20;
  }
  const buf = Buffer.allocUnsafe(size);
  let p = 0;
  for (const e of entries) {
    p += buf.write(e.mode, p, 'latin1');
    buf[p++] = 0x20;
    if (e.raw) p += e.raw.copy(buf, p);
    else p += buf.write(e.name, p, 'utf8');
    buf[p++] = 0;
    p += buf.write(e.oid, p, 'hex');
  }
  return buf;
}

export interface ParsedCommit {
  tree: ObjectId;
  parents: ObjectId[];
  /** Committer time in seconds since the epoch. */
  committerTime: number;
}

/** Parse just what the store needs from a commit: tree, parents, committer time. */
export function parseCommit(oid: ObjectId, data: Buffer): ParsedCommit {
  const end = data.indexOf('\n\n');
  const head = data.toString('utf8', 0, end < 0 ? data.length : end);
  let tree: string | undefined;
  const parents: string[] = [];
  let committerTime = 0;
  for (const line of head.split('\n')) {
    if (line.startsWith('tree ')) tree = line.slice(5).trim();
    else if (line.startsWith('parent ')) parents.push(line.slice(7).trim());
    else if (line.startsWith('committer ')) {
      const m = /> (-?\d+) [+-]\d{4}$/.exec(line);
      if (m) committerTime = Number(m[1]);
    }
  }
  if (!tree || !/^[0-9a-f]{40}$/.test(tree)) throw new StoreError('corrupt', `commit ${oid}: no tree`);
  return { tree, parents, committerTime };
}

/** `+hhmm` / `-hhmm` for an offset in minutes east of UTC. */
export function formatTz(minutesEast: number): string {
  const sign = minutesEast < 0 ? '-' : '+';
  const a = Math.abs(minutesEast);
  return `${sign}${String(Math.floor(a / 60)).padStart(2, '0')}${String(a % 60).padStart(2, '0')}`;
}

/** Git identities may not hold '<', '>' or newlines; an empty name upsets `git fsck`. */
function cleanIdent(s: string): string {
  return s.replace(/[<>\n\r\0]/g, '').trim();
}

export function formatIdent(a: Author, seconds: number, tz: string): string {
  const email = cleanIdent(a.email);
  const name = cleanIdent(a.name) || email || 'unknown';
  return `${name} <${email}> ${seconds} ${tz}`;
}

export interface CommitFields {
  tree: ObjectId;
  parents: readonly ObjectId[];
  author: Author;
  /** Seconds since the epoch. */
  time: number;
  /** Offset in minutes east of UTC. */
  tzMinutes: number;
  message: string;
}

export function serializeCommit(c: CommitFields): Buffer {
  const tz = formatTz(c.tzMinutes);
  const ident = formatIdent(c.author, c.time, tz);
  let s = `tree ${c.tree}\n`;
  for (const p of c.parents) s += `parent ${p}\n`;
  s += `author ${ident}\ncommitter ${ident}\n\n`;
  // Git messages are text: no NUL bytes (they would cut the message short for every reader).
  const message = c.message.replace(/\0/g, '');
  s += message.endsWith('\n') ? message : `${message}\n`;
  return Buffer.from(s, 'utf8');
}
