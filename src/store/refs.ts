/**
 * Refs: resolve HEAD and branches (loose or packed), and update a branch with Git's own
 * lock-file protocol plus a compare-and-swap of the old value, so that a concurrent native
 * `git commit` / `git push` (which follow the same protocol) is never overwritten.
 */
import * as fs from 'node:fs';
import * as fsp from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fsyncDir, isObjectId } from './objects.js';
import { StoreError, type ObjectId } from './types.js';

export interface HeadState {
  /** The ref HEAD points to (`refs/heads/main`), or 'HEAD' when HEAD is detached. */
  ref: string;
  /** Its commit id, or null for an unborn branch. */
  oid: ObjectId | null;
}

function readSmall(path: string): string | null {
  try {
    return fs.readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as { code?: unknown }).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return null;
    throw e;
  }
}

/** Look `ref` up in `packed-refs` (null when absent). */
export function readPackedRef(gitDir: string, ref: string): ObjectId | null {
  const text = readSmall(join(gitDir, 'packed-refs'));
  if (text === null) return null;
  // Lines are `<oid> <ref>`; '#' header and '^' peeled lines never match this suffix.
  const needle = ` ${ref}\n`;
  let i = text.indexOf(needle);
  while (i >= 0) {
    const start = text.lastIndexOf('\n', i) + 1;
    const oid = text.slice(start, i);
    if (isObjectId(oid)) return oid;
    i = text.indexOf(needle, i + 1);
  }
  // The last line may lack its newline.
  if (text.endsWith(` ${ref}`)) {
    const start = text.lastIndexOf('\n', text.length - ref.length - 2) + 1;
    const oid = text.slice(start, text.length - ref.length - 1);
    if (isObjectId(oid)) return oid;
  }
  return null;
}

function checkRefName(ref: string): void {
  if (ref !== 'HEAD' && !/^refs\/[^\0\\]+$/.test(ref)) throw new StoreError('corrupt', `bad ref name ${ref}`);
  if (ref.split('/').some((s) => s === '' || s === '.' || s === '..' || s.endsWith('.lock'))) {
    throw new StoreError('corrupt', `bad ref name ${ref}`);
  }
}

/** The direct value of a ref (loose first, then packed): an oid, `ref: <name>`, or null. */
function readRefValue(gitDir: string, ref: string): string | null {
  const loose = readSmall(join(gitDir, ref));
  if (loose !== null) return loose.trim();
  if (ref === 'HEAD') return null;
  return readPackedRef(gitDir, ref);
}

/**
 * Resolve HEAD: follow symbolic refs (bounded) to the branch and read its commit id. Synchronous
 * on purpose: it runs on every request and reads two files of a few dozen bytes.
 */
export function readHead(gitDir: string): HeadState {
  let ref = 'HEAD';
  for (let depth = 0; depth < 5; depth++) {
    const v = readRefValue(gitDir, ref);
    if (v === null) {
      if (ref === 'HEAD') throw new StoreError('missing', `no HEAD in ${gitDir}`);
      return { ref, oid: null };
    }
    if (v.startsWith('ref:')) {
      ref = v.slice(4).trim();
      checkRefName(ref);
      continue;
    }
    if (!isObjectId(v)) throw new StoreError('corrupt', `ref ${ref} in ${gitDir} holds ${JSON.stringify(v)}`);
    return { ref, oid: v };
  }
  throw new StoreError('corrupt', `symbolic ref loop at HEAD in ${gitDir}`);
}

function currentValue(gitDir: string, ref: string): ObjectId | null {
  const v = readRefValue(gitDir, ref);
  if (v === null) return null;
  if (!isObjectId(v)) throw new StoreError('corrupt', `ref ${ref} holds ${JSON.stringify(v)}`);
  return v;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export interface CasOptions {
  /** How long to wait for someone else's `<ref>.lock` before giving up with 'busy'. */
  lockTimeoutMs?: number;
}

/** A ref update made ready under its lock: the new value is written and fsynced, not yet in place. */
export interface PreparedRefUpdate {
  /** False when the ref no longer held the expected value: nothing was written and the lock is gone. */
  readonly ok: boolean;
  /** Put the new value in place (rename over the ref, fsync of its directory). */
  commit(): Promise<void>;
  /** Give the lock up, leaving the ref as it was. */
  abort(): Promise<void>;
}

/**
 * Take `<ref>.lock` (O_CREAT|O_EXCL, retried with short jittered waits up to the timeout, then
 * StoreError('busy')), compare the ref's current value (loose or packed) with `expected` (null:
 * must not exist), and write + fsync `next` into the lock file. The caller commits once whatever
 * the ref will point to is durable, so this can run alongside the object writes.
 */
export async function prepareRefUpdate(
  gitDir: string,
  ref: string,
  expected: ObjectId | null,
  next: ObjectId,
  opts: CasOptions = {},
): Promise<PreparedRefUpdate> {
  checkRefName(ref);
  const path = join(gitDir, ref);
  const lock = `${path}.lock`;
  const deadline = Date.now() + (opts.lockTimeoutMs ?? 5000);
  if (!fs.existsSync(dirname(path))) await fsp.mkdir(dirname(path), { recursive: true });
  let fh: fsp.FileHandle | undefined;
  for (let attempt = 0; ; attempt++) {
    try {
      fh = await fsp.open(lock, fs.constants.O_CREAT | fs.constants.O_EXCL | fs.constants.O_WRONLY, 0o644);
      break;
    } catch (e) {
      if ((e as { code?: unknown }).code !== 'EEXIST') throw e;
      if (Date.now() >= deadline) throw new StoreError('busy', `${lock} is held by another writer`);
      // Short, growing, jittered waits: native git holds the lock for milliseconds.
      const base = Math.min(2 * 2 ** Math.min(attempt, 5), 50);
      await sleep(base / 2 + Math.random() * base);
    }
  }
  let state: 'locked' | 'done' = 'locked';
  const release = async () => {
    if (state === 'done') return;
    state = 'done';
    await fsp.unlink(lock).catch(() => undefined);
  };
  try {
    // Re-read under the lock: this is the compare of compare-and-swap.
    if (currentValue(gitDir, ref) !== expected) {
      await fh.close();
      await release();
      return { ok: false, commit: () => Promise.reject(new Error('ref update was refused')), abort: release };
    }
    await fh.writeFile(`${next}\n`);
    await fh.sync();
    await fh.close();
  } catch (e) {
    await fh.close().catch(() => undefined);
    await release();
    throw e;
  }
  return {
    ok: true,
    abort: release,
    async commit() {
      if (state === 'done') throw new Error('ref update already finished');
      try {
        await fsp.rename(lock, path);
      } catch (e) {
        await release();
        throw e;
      }
      state = 'done';
      await fsyncDir(dirname(path));
    },
  };
}

/**
 * Move `ref` from `expected` (null: must not exist) to `next`. Returns false, writing nothing,
 * when the ref no longer holds `expected`. Throws StoreError('busy') when the lock stays taken.
 */
export async function compareAndSwapRef(
  gitDir: string,
  ref: string,
  expected: ObjectId | null,
  next: ObjectId,
  opts: CasOptions = {},
): Promise<boolean> {
  const update = await prepareRefUpdate(gitDir, ref, expected, next, opts);
  if (!update.ok) return false;
  await update.commit();
  return true;
}
