/**
 * Writing many objects at once (an import) as one packfile plus its version-2 index, as
 * `git receive-pack` does past its unpack limit: two fsyncs instead of one per object.
 * Objects are stored whole (no deltas); `git gc` repacks them later.
 */
import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as fsp from 'node:fs/promises';
import { join } from 'node:path';
import { crc32, deflateSync } from 'node:zlib';
import type { ObjectType, PendingObject } from './objects.js';

const TYPE_NUM: Record<ObjectType, number> = { commit: 1, tree: 2, blob: 3, tag: 4 };

/** Pack entry header: type and size, little-endian base-128 after the first 4 bits. */
function entryHeader(type: ObjectType, size: number): Buffer {
  const out: number[] = [];
  let c = (TYPE_NUM[type] << 4) | (size & 0x0f);
  let rest = Math.floor(size / 16);
  while (rest > 0) {
    out.push(c | 0x80);
    c = rest & 0x7f;
    rest = Math.floor(rest / 128);
  }
  out.push(c);
  return Buffer.from(out);
}

export interface BuiltPack {
  name: string;
  pack: Buffer;
  idx: Buffer;
}

/** Build pack and index in memory (pure). Offsets must stay below 2 GiB: the caller keeps batches small. */
export function buildPack(objects: readonly PendingObject[]): BuiltPack {
  const head = Buffer.alloc(12);
  head.write('PACK', 0, 'latin1');
  head.writeUInt32BE(2, 4);
  head.writeUInt32BE(objects.length, 8);
  const parts: Buffer[] = [head];
  const entries: { oid: string; offset: number; crc: number }[] = [];
  let offset = 12;
  for (const o of objects) {
    const h = entryHeader(o.type, o.data.length);
    const z = deflateSync(o.data, { level: 1 });
    entries.push({ oid: o.oid, offset, crc: crc32(z, crc32(h)) });
    parts.push(h, z);
    offset += h.length + z.length;
  }
  if (offset >= 0x80000000) throw new Error('pack too large for 32-bit offsets');
  const body = Buffer.concat(parts);
  const packSum = createHash('sha1').update(body).digest();
  const pack = Buffer.concat([body, packSum]);

  entries.sort((a, b) => (a.oid < b.oid ? -1 : a.oid > b.oid ? 1 : 0));
  const n = entries.length;
  const idx = Buffer.alloc(8 + 256 * 4 + n * (20 + 4 + 4) + 40);
  idx.writeUInt32BE(0xff744f63, 0);
  idx.writeUInt32BE(2, 4);
  let p = 8;
  let k = 0;
  for (let b = 0; b < 256; b++) {
    while (k < n && parseInt(entries[k]!.oid.slice(0, 2), 16) <= b) k++;
    idx.writeUInt32BE(k, p);
    p += 4;
  }
  for (const e of entries) p += idx.write(e.oid, p, 'hex');
  for (const e of entries) p = idx.writeUInt32BE(e.crc >>> 0, p);
  for (const e of entries) p = idx.writeUInt32BE(e.offset, p);
  packSum.copy(idx, p);
  p += 20;
  createHash('sha1').update(idx.subarray(0, p)).digest().copy(idx, p);
  return { name: `pack-${packSum.toString('hex')}`, pack, idx };
}

async function writeSynced(path: string, data: Buffer): Promise<void> {
  const fh = await fsp.open(path, 'wx', 0o444);
  try {
    await fh.writeFile(data);
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/**
 * Write `objects` as one pack into `<gitDir>/objects/pack`, durably: the .pack is in place
 * before its .idx (readers find packs by their index). Returns bytes written.
 */
export async function writePack(gitDir: string, objects: readonly PendingObject[]): Promise<number> {
  const dir = join(gitDir, 'objects', 'pack');
  const created = fs.mkdirSync(dir, { recursive: true }) !== undefined;
  const built = buildPack(objects);
  const finalIdx = join(dir, `${built.name}.idx`);
  if (fs.existsSync(finalIdx)) return 0;
  const tag = randomBytes(6).toString('hex');
  const tmpPack = join(dir, `tmp_pack_${tag}`);
  const tmpIdx = join(dir, `tmp_idx_${tag}`);
  try {
    await Promise.all([writeSynced(tmpPack, built.pack), writeSynced(tmpIdx, built.idx)]);
    await fsp.rename(tmpPack, join(dir, `${built.name}.pack`));
    await fsp.rename(tmpIdx, finalIdx);
  } finally {
    await fsp.unlink(tmpPack).catch(() => undefined);
    await fsp.unlink(tmpIdx).catch(() => undefined);
  }
  for (const d of created ? [dir, join(gitDir, 'objects')] : [dir]) {
    const fh = await fsp.open(d, 'r');
    try {
      await fh.sync();
    } finally {
      await fh.close();
    }
  }
  return built.pack.length + built.idx.length;
}
