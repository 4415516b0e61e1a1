/**
 * A synchronous reader for objects in packfiles (version-2 indexes), with OFS/REF deltas.
 * isomorphic-git reads packs too, but lists the pack directory and awaits several promises per
 * object (~0.5 ms here); this one binary-searches the index in memory and reads exactly the
 * entry's bytes with one positional read. Anything it does not understand falls back to
 * isomorphic-git (see objects.ts).
 */
import * as fs from 'node:fs';
import { join } from 'node:path';
import { inflateSync } from 'node:zlib';
import { ByteLru } from './lru.js';
import { StoreError, type ObjectId } from './types.js';

export interface PackedObject {
  type: 'commit' | 'tree' | 'blob' | 'tag';
  data: Buffer;
}

const TYPES = [undefined, 'commit', 'tree', 'blob', 'tag'] as const;

/**
 * zlib hands back views into its 16 KiB output chunks: a 200-byte commit kept in a cache would pin
 * the whole chunk. Copy small views out so caches hold what they count.
 */
export function compact(data: Buffer): Buffer {
  if (data.buffer.byteLength <= data.length + 1024) return data;
  // Own memory: Buffer.from would take small copies from the shared 8 KiB pool again.
  const out = Buffer.allocUnsafeSlow(data.length);
  data.copy(out);
  return out;
}

/**
 * Inflate into one buffer of the size the entry header announces (+1, so zlib sees room left and
 * stops): the default 16 KiB output chunks, one or two per object read, were most of the memory
 * churned by reads (e.g. 600 MB of them in one 10k bench run) and fragmented the malloc heap.
 * Capped, so a corrupt header cannot ask for a huge buffer (bigger objects take several chunks).
 */
function inflateSized(deflated: Buffer, size: number): Buffer {
  return inflateSync(deflated, { chunkSize: Math.min(Math.max(size + 1, 64), 8 * 1024 * 1024) });
}

interface PackIndex {
  packPath: string;
  count: number;
  idx: Buffer;
  /** Byte offset in `idx` of the sorted object ids, the 32-bit offsets and the 64-bit offsets. */
  oidsAt: number;
  offsAt: number;
  bigAt: number;
  /** Entry start offsets, ascending, plus the end of the last entry: entry length = next - this. */
  bounds: Float64Array;
  /** The pack, opened on first read and kept open until the pack list is refreshed. */
  fd: number | null;
}

function loadIndex(idxPath: string): PackIndex | null {
  const idx = fs.readFileSync(idxPath);
  if (idx.length < 8 + 1024 + 40 || idx.readUInt32BE(0) !== 0xff744f63 || idx.readUInt32BE(4) !== 2) return null;
  const count = idx.readUInt32BE(8 + 255 * 4);
  const oidsAt = 8 + 1024;
  const offsAt = oidsAt + count * 24; // ids, then CRCs
  const bigAt = offsAt + count * 4;
  const packPath = idxPath.slice(0, -4) + '.pack';
  const packSize = fs.statSync(packPath).size;
  const bounds = new Float64Array(count + 1);
  const pi: PackIndex = { packPath, count, idx, oidsAt, offsAt, bigAt, bounds, fd: null };
  for (let i = 0; i < count; i++) bounds[i] = offsetAt(pi, i);
  bounds.subarray(0, count).sort();
  bounds[count] = packSize - 20;
  return pi;
}

function offsetAt(p: PackIndex, i: number): number {
  const v = p.idx.readUInt32BE(p.offsAt + i * 4);
  if ((v & 0x80000000) === 0) return v;
  const j = v & 0x7fffffff;
  return p.idx.readUInt32BE(p.bigAt + j * 8) * 2 ** 32 + p.idx.readUInt32BE(p.bigAt + j * 8 + 4);
}

/** Position of `oid` in the index, or -1. */
function findOid(p: PackIndex, oid: Buffer): number {
  const first = oid[0]!;
  let lo = first === 0 ? 0 : p.idx.readUInt32BE(8 + (first - 1) * 4);
  let hi = p.idx.readUInt32BE(8 + first * 4) - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const at = p.oidsAt + mid * 20;
    const c = p.idx.compare(oid, 0, 20, at, at + 20);
    if (c === 0) return mid;
    if (c < 0) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

function entryLength(p: PackIndex, offset: number): number {
  let lo = 0;
  let hi = p.count - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const v = p.bounds[mid]!;
    if (v === offset) return p.bounds[mid + 1]! - offset;
    if (v < offset) lo = mid + 1;
    else hi = mid - 1;
  }
  throw new StoreError('corrupt', `${p.packPath}: no entry at offset ${offset}`);
}

/**
 * One positional read. The descriptor stays open (an open+close per object was a third of a
 * cold multiget's blob reads); a pack deleted by gc stays readable through it, and its objects
 * are the same bytes wherever they live, until refresh() closes it.
 */
function readAt(p: PackIndex, offset: number, length: number): Buffer {
  p.fd ??= fs.openSync(p.packPath, 'r');
  const buf = Buffer.allocUnsafe(length);
  const n = fs.readSync(p.fd, buf, 0, length, offset);
  if (n !== length) throw new StoreError('corrupt', `${p.packPath}: short read at ${offset}`);
  return buf;
}

function closePack(p: PackIndex): void {
  if (p.fd === null) return;
  const fd = p.fd;
  p.fd = null;
  try {
    fs.closeSync(fd);
  } catch {
    // Already closed: nothing is leaked.
  }
}

/** Apply a Git delta (copy/insert instructions) to `base`. */
export function applyDelta(base: Buffer, delta: Buffer): Buffer {
  let p = 0;
  const varint = () => {
    let v = 0;
    let shift = 0;
    let c: number;
    do {
      c = delta[p++]!;
      v += (c & 0x7f) * 2 ** shift;
      shift += 7;
    } while (c & 0x80);
    return v;
  };
  const srcSize = varint();
  const dstSize = varint();
  if (srcSize !== base.length) throw new StoreError('corrupt', 'delta base size mismatch');
  // Not from the shared 8 KiB pool: a cached small object would pin a whole pool slab.
  const out = Buffer.allocUnsafeSlow(dstSize);
  let o = 0;
  while (p < delta.length) {
    const op = delta[p++]!;
    if (op & 0x80) {
      let off = 0;
      let size = 0;
      if (op & 0x01) off += delta[p++]!;
      if (op & 0x02) off += delta[p++]! * 0x100;
      if (op & 0x04) off += delta[p++]! * 0x10000;
      if (op & 0x08) off += delta[p++]! * 0x1000000;
      if (op & 0x10) size += delta[p++]!;
      if (op & 0x20) size += delta[p++]! * 0x100;
      if (op & 0x40) size += delta[p++]! * 0x10000;
      if (size === 0) size = 0x10000;
      if (off + size > base.length || o + size > dstSize) throw new StoreError('corrupt', 'delta copy out of range');
      base.copy(out, o, off, off + size);
      o += size;
    } else if (op !== 0) {
      if (o + op > dstSize || p + op > delta.length) throw new StoreError('corrupt', 'delta insert out of range');
      delta.copy(out, o, p, p + op);
      p += op;
      o += op;
    } else {
      throw new StoreError('corrupt', 'delta opcode 0');
    }
  }
  if (o !== dstSize) throw new StoreError('corrupt', 'delta result size mismatch');
  return out;
}

/**
 * One budget for every reader in the process (keys carry the pack's path, whose name is the
 * pack's hash): a per-repository cache would grow memory with the number of open repositories.
 */
const SHARED_BASES = new ByteLru<string, PackedObject>(12 * 1024 * 1024, 1024 * 1024, (o) => o.data.length + 64);

export class PackReader {
  private packs: PackIndex[] | null = null;
  /** Some index this reader cannot parse: the caller must also ask isomorphic-git. */
  unsupported = false;
  /** Delta bases are shared along chains: recently resolved entries by pack path and offset (see SHARED_BASES). */
  private readonly bases = SHARED_BASES;

  constructor(private readonly gitDir: string) {}

  /** Forget the list of packs (after gc, or when an object was not found). */
  refresh(): void {
    for (const p of this.packs ?? []) closePack(p);
    this.packs = null;
  }

  private list(): PackIndex[] {
    if (this.packs) return this.packs;
    const dir = join(this.gitDir, 'objects', 'pack');
    let names: string[];
    try {
      names = fs.readdirSync(dir).filter((n) => n.endsWith('.idx'));
    } catch {
      names = [];
    }
    const packs: PackIndex[] = [];
    this.unsupported = false;
    for (const n of names) {
      try {
        const p = loadIndex(join(dir, n));
        if (p) packs.push(p);
        else this.unsupported = true;
      } catch {
        // A pack being written or deleted right now: the next refresh sees it settled.
        this.unsupported = true;
      }
    }
    this.packs = packs;
    return packs;
  }

  /** The object, or null when no known pack has it (after one refresh of the pack list). */
  read(oid: ObjectId, refreshed = false): PackedObject | null {
    const key = Buffer.from(oid, 'hex');
    for (const p of this.list()) {
      const i = findOid(p, key);
      if (i < 0) continue;
      try {
        return this.readEntry(p, offsetAt(p, i), 0);
      } catch (e) {
        // The pack vanished under us (gc replaced it): look again in the new set.
        if ((e as { code?: unknown }).code === 'ENOENT' && !refreshed) {
          this.refresh();
          return this.read(oid, true);
        }
        throw e;
      }
    }
    if (refreshed) return null;
    this.refresh();
    return this.read(oid, true);
  }

  private readEntry(p: PackIndex, offset: number, depth: number): PackedObject {
    if (depth > 1000) throw new StoreError('corrupt', `${p.packPath}: delta chain too deep`);
    const cacheKey = `${p.packPath}:${offset}`;
    const hit = this.bases.get(cacheKey);
    if (hit) return hit;
    const buf = readAt(p, offset, entryLength(p, offset));
    let c = buf[0]!;
    const typeNum = (c >> 4) & 7;
    let size = c & 0x0f;
    let shift = 4;
    let q = 1;
    while (c & 0x80) {
      c = buf[q++]!;
      size += (c & 0x7f) * 2 ** shift;
      shift += 7;
    }
    let result: PackedObject;
    if (typeNum === 6) {
      c = buf[q++]!;
      let back = c & 0x7f;
      while (c & 0x80) {
        c = buf[q++]!;
        back = (back + 1) * 128 + (c & 0x7f);
      }
      const base = this.readEntry(p, offset - back, depth + 1);
      result = { type: base.type, data: applyDelta(base.data, inflateSized(buf.subarray(q), size)) };
    } else if (typeNum === 7) {
      const baseOid = buf.toString('hex', q, q + 20);
      const base = this.read(baseOid);
      if (!base) throw new StoreError('corrupt', `${p.packPath}: delta base ${baseOid} missing`);
      result = { type: base.type, data: applyDelta(base.data, inflateSized(buf.subarray(q + 20), size)) };
    } else {
      const type = TYPES[typeNum];
      if (!type) throw new StoreError('corrupt', `${p.packPath}: bad object type ${typeNum} at ${offset}`);
      const data = compact(inflateSized(buf.subarray(q), size));
      if (data.length !== size) throw new StoreError('corrupt', `${p.packPath}: size mismatch at ${offset}`);
      result = { type, data };
    }
    this.bases.set(cacheKey, result);
    return result;
  }
}
