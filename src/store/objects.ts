/**
 * Git object I/O. Writes are loose objects made here (deflate, SHA-1, temp file, fsync, rename),
 * reads take a synchronous fast path for loose objects and fall back to isomorphic-git, which
 * understands packfiles (after `git gc`).
 */
import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as fsp from 'node:fs/promises';
import { join } from 'node:path';
import { deflateSync, inflateSync } from 'node:zlib';
import git from 'isomorphic-git';
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

/** Opaque per-repository cache handed to isomorphic-git so pack indexes are loaded once. */
export type PackCache = Record<string | symbol, unknown>;

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
 * Read an object, or null when the repository does not have it. Loose objects are read
 * synchronously: they are small, usually in the page cache, and a synchronous read costs ~10 µs
 * where the promise API costs ~150 µs here.
 */
export async function readObject(gitDir: string, oid: ObjectId, cache: PackCache): Promise<GitObject | null> {
  if (!isObjectId(oid)) return null;
  if (oid === EMPTY_TREE_ID) return { type: 'tree', data: Buffer.alloc(0) };
  let deflated: Buffer | undefined;
  try {
    deflated = fs.readFileSync(loosePath(gitDir, oid));
  } catch (e) {
    if (!isNotFound(e)) throw e;
  }
  if (deflated) {
    let raw: Buffer;
    try {
      raw = inflateSync(deflated);
    } catch (e) {
      throw new StoreError('corrupt', `object ${oid}: cannot inflate`, { cause: e });
    }
    return parseWrapped(oid, raw);
  }
  try {
    const r = await git.readObject({ fs, gitdir: gitDir, oid, format: 'content', cache });
    if (r.format !== 'content' || !(r.object instanceof Uint8Array) || !isType(r.type)) {
      throw new StoreError('corrupt', `object ${oid}: unexpected read result`);
    }
    const data = Buffer.from(r.object.buffer, r.object.byteOffset, r.object.byteLength);
    return { type: r.type, data };
  } catch (e) {
    if (e instanceof StoreError) throw e;
    if (isIsoGitNotFound(e)) return null;
    throw new StoreError('corrupt', `object ${oid}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
}

/** Whether the repository holds the object (loose or packed). */
export async function hasObject(gitDir: string, oid: ObjectId, cache: PackCache): Promise<boolean> {
  if (!isObjectId(oid)) return false;
  if (fs.existsSync(loosePath(gitDir, oid))) return true;
  return (await readObject(gitDir, oid, cache)) !== null;
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
}

export function makeObject(type: ObjectType, data: Uint8Array): PendingObject {
  return { oid: hashObject(type, data), type, data };
}

async function fsyncDir(dir: string): Promise<void> {
  const fh = await fsp.open(dir, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/**
 * Write objects durably as loose objects: each is deflated into a temp file beside its final
 * place, fsynced and renamed; then every directory touched is fsynced. Objects already present
 * (loose) are skipped. Returns the number of bytes written.
 */
export async function writeObjects(gitDir: string, objects: readonly PendingObject[]): Promise<number> {
  const objectsDir = join(gitDir, 'objects');
  const dirsToSync = new Set<string>();
  let bytes = 0;
  const seen = new Set<string>();
  await Promise.all(
    objects.map(async (o) => {
      if (seen.has(o.oid)) return;
      seen.add(o.oid);
      const dir = join(objectsDir, o.oid.slice(0, 2));
      const final = join(dir, o.oid.slice(2));
      if (fs.existsSync(final)) return;
      try {
        await fsp.mkdir(dir);
        dirsToSync.add(objectsDir);
      } catch (e) {
        if ((e as { code?: unknown }).code !== 'EEXIST') throw e;
      }
      const header = Buffer.from(`${o.type} ${o.data.length}\0`, 'latin1');
      // Level 1: trees of big flat collections are rewritten on every commit; gc recompresses later.
      const deflated = deflateSync(Buffer.concat([header, o.data]), { level: 1 });
      const tmp = join(dir, `tmp_obj_${randomBytes(6).toString('hex')}`);
      const fh = await fsp.open(tmp, 'wx', 0o444);
      try {
        await fh.writeFile(deflated);
        await fh.sync();
      } catch (e) {
        await fh.close().catch(() => undefined);
        await fsp.unlink(tmp).catch(() => undefined);
        throw e;
      }
      await fh.close();
      await fsp.rename(tmp, final);
      dirsToSync.add(dir);
      bytes += deflated.length;
    }),
  );
  await Promise.all([...dirsToSync].map(fsyncDir));
  return bytes;
}

export { fsyncDir };
