/**
 * Git object I/O. Writes are made here: loose objects (deflate, SHA-1, temp file, fsync, rename)
 * or, for big batches, one pack. Reads take synchronous paths for loose objects and packs, and
 * fall back to isomorphic-git for packs our reader does not understand.
 */
import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as fsp from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { deflate, deflateSync, inflateSync } from 'node:zlib';
import { storedZlib } from './storedZlib.js';
import { writePack } from './pack.js';
import { PackReader, compact } from './packReader.js';
import { StoreError, type ObjectId } from './types.js';

export type ObjectType = 'blob' | 'tree' | 'commit' | 'tag';

export interface GitObject {
  type: ObjectType;
  data: Buffer;
}

export const EMPTY_TREE_ID = '4b825dc642cb6eb9a060e54bf8d69288fbee4904';
const OID_RE = /^[0-9a-f]{40}$/;

export function isObjectId(s: string): boolean {
  return OID_RE.test(s);
}

/** Object id of `<type> <len>\0<data>`. */
export function hashObject(type: ObjectType, data: Uint8Array): ObjectId {
  return createHash('sha1').update(`${type} ${data.length}\0`).update(data).digest('hex');
}

function loosePath(gitDir: string, oid: ObjectId): string {
  return join(gitDir, 'objects', oid.slice(0, 2), oid.slice(2));
}

function parseWrapped(oid: ObjectId, raw: Buffer): GitObject {
  const sp = raw.indexOf(0x20);
  const nul = raw.indexOf(0, sp + 1);
  if (sp < 0 || nul < 0) throw new StoreError('corrupt', `object ${oid}: bad header`);
  const type = raw.toString('latin1', 0, sp);
  const len = Number(raw.toString('latin1', sp + 1, nul));
  if (!isType(type) || len !== raw.length - nul - 1) throw new StoreError('corrupt', `object ${oid}: bad header`);
  return { type, data: raw.subarray(nul + 1) };
}

function isType(s: string): s is ObjectType {
  return s === 'blob' || s === 'tree' || s === 'commit' || s === 'tag';
}

/**
 * Reads objects of one repository: loose objects and packs synchronously (small, usually in the
 * page cache: a synchronous read costs ~10 µs where the promise API costs ~150 µs here), with
 * isomorphic-git as the fallback for packs our reader does not understand.
 */
export class ObjectReader {
  private readonly packs: PackReader;
  /** isomorphic-git keeps pack indexes in this object: one per repository. */
  private isoCache: Record<string | symbol, unknown> = {};

  constructor(private readonly gitDir: string) {
    this.packs = new PackReader(gitDir);
  }

  /** Packs changed (gc): forget what was loaded about them. */
  refresh(): void {
    this.packs.refresh();
    this.isoCache = {};
  }

  /** The object, or null when the repository does not have it. */
  async read(oid: ObjectId): Promise<GitObject | null> {
    const o = await this.readRaw(oid);
    return o && { type: o.type, data: compact(o.data) };
  }

  private async readRaw(oid: ObjectId): Promise<GitObject | null> {
    if (!isObjectId(oid)) return null;
    if (oid === EMPTY_TREE_ID) return { type: 'tree', data: Buffer.alloc(0) };
    const loose = this.readLoose(oid);
    if (loose) return loose;
    let packErr: unknown;
    try {
      const packed = this.packs.read(oid);
      if (packed) return packed;
      // gc may have packed and pruned it between our two looks.
      const again = this.readLoose(oid);
      if (again) return again;
      if (!this.packs.unsupported) return null;
    } catch (e) {
      packErr = e;
    }
    return this.readIsomorphic(oid, packErr);
  }

  private readLoose(oid: ObjectId): GitObject | null {
    const path = loosePath(this.gitDir, oid);
    // stat first: a thrown ENOENT (with its stack trace) costs more than the read itself.
    if (!fs.existsSync(path)) return null;
    let deflated: Buffer;
    try {
      deflated = fs.readFileSync(path);
    } catch (e) {
      if (isNotFound(e)) return null;
      throw e;
    }
    let raw: Buffer;
    try {
      raw = inflateSync(deflated);
    } catch (e) {
      throw new StoreError('corrupt', `object ${oid}: cannot inflate`, { cause: e });
    }
    return parseWrapped(oid, raw);
  }

  private async readIsomorphic(oid: ObjectId, packErr: unknown): Promise<GitObject | null> {
    try {
      // Loaded on first use only: it is a rare fallback, and importing it costs ~0.3-1.5 s of startup.
      const { default: git } = await import('isomorphic-git');
      const r = await git.readObject({ fs, gitdir: this.gitDir, oid, format: 'content', cache: this.isoCache });
      if (r.format !== 'content' || !(r.object instanceof Uint8Array) || !isType(r.type)) {
        throw new StoreError('corrupt', `object ${oid}: unexpected read result`);
      }
      return { type: r.type, data: Buffer.from(r.object.buffer, r.object.byteOffset, r.object.byteLength) };
    } catch (e) {
      if (packErr) throw packErr;
      if (e instanceof StoreError) throw e;
      if (isIsoGitNotFound(e)) return null;
      throw new StoreError('corrupt', `object ${oid}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
    }
  }
}

function isNotFound(e: unknown): boolean {
  return typeof e === 'object' && e !== null && (e as { code?: unknown }).code === 'ENOENT';
}

function isIsoGitNotFound(e: unknown): boolean {
  if (typeof e !== 'object' || e === null) return false;
  const code = (e as { code?: unknown }).code;
  return code === 'NotFoundError' || code === 'ENOENT';
}

/** An object computed in memory, not yet on disk. */
export interface PendingObject {
  oid: ObjectId;
  type: ObjectType;
  data: Uint8Array;
  /** `<type> <len>\0` + data in one buffer, when the caller built it so (big trees): written without a copy. */
  wrapped?: Buffer;
}

export function makeObject(type: ObjectType, data: Uint8Array, wrapped?: Buffer): PendingObject {
  if (!wrapped) return { oid: hashObject(type, data), type, data };
  return { oid: createHash('sha1').update(wrapped).digest('hex'), type, data, wrapped };
}

async function fsyncDir(dir: string): Promise<void> {
  const fh = await fsp.open(dir, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

const PACK_THRESHOLD = 100;
/** Keeps a pack far below the 2 GiB limit of 32-bit index offsets for any sane item size. */
const PACK_MAX_OBJECTS = 20000;

const deflateAsync = promisify(deflate);
/** Above this size compression runs on the thread pool, so it does not stall the event loop. */
const ASYNC_DEFLATE_BYTES = 64 * 1024;
/**
 * Trees this big are a flat collection's root, rewritten whole on every commit: they are stored
 * uncompressed (a valid zlib stream of stored blocks, ~6x cheaper than level 1 here) and gc
 * compresses them properly when it packs them.
 */
const STORE_TREE_BYTES = 64 * 1024;

/**
 * Level 1 for everything else: cheap, and gc recompresses loose objects when it packs them.
 * Stored blocks are views plus a checksum (~0.5 ms for a 440 KB tree), so they stay on this
 * thread: the thread pool's default 16 KiB chunks cost a round trip each (~8 ms per commit at 10k).
 */
function compress(type: ObjectType, data: Buffer): Promise<Buffer[]> | Buffer[] {
  // Stored blocks as views of `data` (storedZlib.ts): no second copy of a big tree per commit.
  if (type === 'tree' && data.length >= STORE_TREE_BYTES) return storedZlib(data);
  const chunkSize = Math.min(Math.max(data.length + 1024, 16 * 1024), 4 * 1024 * 1024);
  return data.length >= ASYNC_DEFLATE_BYTES ? deflateAsync(data, { level: 1, chunkSize }).then((b) => [b]) : [deflateSync(data, { level: 1 })];
}

/** Write every byte of `pieces` at the file's position (writev may write less than asked). */
async function writeAll(fh: fsp.FileHandle, pieces: Buffer[]): Promise<void> {
  let rest = pieces;
  while (rest.length) {
    let { bytesWritten } = await fh.writev(rest);
    let i = 0;
    while (i < rest.length && bytesWritten >= rest[i]!.length) bytesWritten -= rest[i++]!.length;
    rest = rest.slice(i);
    if (bytesWritten > 0) rest[0] = rest[0]!.subarray(bytesWritten);
  }
}

/** Unique temp names without asking the random generator per object. */
const TMP_PREFIX = `${process.pid.toString(36)}_${randomBytes(4).toString('hex')}_`;
let tmpCounter = 0;

/** Open file handles per phase: bounded so a 10k-item import does not run out of descriptors. */
const WRITE_CHUNK = 128;

/**
 * Open a new temp file in an object fan-out directory, creating the directory when it is missing.
 * gc prunes empty fan-out directories, also between our look and our open (it runs beside writes):
 * like git, make it and try again. Asynchronous: a synchronous mkdir waits on the event loop for the
 * journal behind other writers' fsyncs (~7 ms per PUT at 10k).
 */
async function openCreatingDir(tmp: string, dir: string, created: () => void): Promise<fsp.FileHandle> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await fsp.open(tmp, 'wx', 0o444);
    } catch (e) {
      if ((e as { code?: unknown }).code !== 'ENOENT' || attempt >= 5) throw e;
    }
    await fsp.mkdir(dir, { recursive: true });
    created();
  }
}

/**
 * Write objects durably as loose objects, skipping those already present (loose). In chunks:
 * deflate each into a temp file beside its final place, then fsync them all (after the first,
 * most find nothing left to flush), then rename them into place; last, fsync every directory
 * touched. A crash leaves only complete objects or stray temp files. Returns bytes written.
 */
export async function writeObjects(gitDir: string, objects: readonly PendingObject[]): Promise<number> {
  const objectsDir = join(gitDir, 'objects');
  const dirsToSync = new Set<string>();
  const seen = new Set<string>();
  const todo: PendingObject[] = [];
  const reused: { o: PendingObject; path: string }[] = [];
  for (const o of objects) {
    if (seen.has(o.oid)) continue;
    seen.add(o.oid);
    const path = join(objectsDir, o.oid.slice(0, 2), o.oid.slice(2));
    if (fs.existsSync(path)) reused.push({ o, path });
    else todo.push(o);
  }
  // An object we reuse may be old and unreachable: freshen it, as git does, so a gc running beside
  // us does not prune it before our ref points at it; if it went away meanwhile, write it again.
  const now = new Date();
  await Promise.all(
    reused.map(({ o, path }) =>
      fsp.utimes(path, now, now).catch((e: unknown) => {
        if ((e as { code?: unknown }).code !== 'ENOENT') throw e;
        todo.push(o);
      }),
    ),
  );
  // Imports: one pack instead of thousands of fsynced files (git receive-pack's unpack limit is 100 too).
  if (todo.length >= PACK_THRESHOLD) {
    let bytes = 0;
    for (let i = 0; i < todo.length; i += PACK_MAX_OBJECTS) bytes += await writePack(gitDir, todo.slice(i, i + PACK_MAX_OBJECTS));
    return bytes;
  }
  let bytes = 0;
  for (let i = 0; i < todo.length; i += WRITE_CHUNK) {
    const chunk = todo.slice(i, i + WRITE_CHUNK);
    const written = await Promise.all(
      chunk.map(async (o) => {
        const dir = join(objectsDir, o.oid.slice(0, 2));
        const whole = o.wrapped ?? Buffer.concat([Buffer.from(`${o.type} ${o.data.length}\0`, 'latin1'), o.data]);
        const deflated = await compress(o.type, whole);
        const tmp = join(dir, `tmp_obj_${TMP_PREFIX}${(tmpCounter++).toString(36)}`);
        const fh = await openCreatingDir(tmp, dir, () => dirsToSync.add(objectsDir));
        dirsToSync.add(dir);
        for (const b of deflated) bytes += b.length;
        return { fh, tmp, final: join(dir, o.oid.slice(2)), deflated };
      }),
    );
    try {
      await Promise.all(written.map((w) => writeAll(w.fh, w.deflated)));
      await Promise.all(written.map((w) => w.fh.sync()));
    } catch (e) {
      await Promise.all(written.map((w) => w.fh.close().catch(() => undefined)));
      await Promise.all(written.map((w) => fsp.unlink(w.tmp).catch(() => undefined)));
      throw e;
    }
    await Promise.all(written.map((w) => w.fh.close()));
    // Another writer may have stored the same object meanwhile: same bytes, so replacing it is harmless.
    await Promise.all(written.map((w) => fsp.rename(w.tmp, w.final)));
  }
  await Promise.all([...dirsToSync].map(fsyncDir));
  return bytes;
}

export { fsyncDir };
