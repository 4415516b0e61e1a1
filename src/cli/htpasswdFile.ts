/**
 * Updating an htpasswd file safely: under an exclusive `<file>.lock`, the new text goes to a temp
 * file that is fsynced and renamed over the old one, so a running server never reads half a file
 * (and sees a new inode, which drops its login cache).
 */
import { constants } from 'node:fs';
import { mkdir, open, readFile, rename, rm, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { setHtpasswdEntry } from '../http/auth/htpasswd.js';
import { CliError } from './common.js';

async function readIfExists(file: string): Promise<{ text: string; mode: number } | null> {
  try {
    const [text, st] = await Promise.all([readFile(file, 'utf8'), stat(file)]);
    return { text, mode: st.mode & 0o777 };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

/** Applies `edit` to the file's text (or '' when it does not exist) and writes the result atomically. */
export async function editHtpasswdFile(file: string, edit: (text: string) => string): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  const lock = file + '.lock';
  let lockHandle;
  try {
    lockHandle = await open(lock, constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY, 0o600);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') {
      throw new CliError(`${lock} exists: another change is in progress (remove it if it is stale)`, 1);
    }
    throw err;
  }
  const tmp = `${file}.tmp-${process.pid}`;
  try {
    const old = await readIfExists(file);
    const text = edit(old?.text ?? '');
    const fh = await open(tmp, 'w', old?.mode ?? 0o600);
    try {
      await fh.writeFile(text, 'utf8');
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, file);
    const dir = await open(dirname(file), 'r');
    try {
      await dir.sync();
    } finally {
      await dir.close();
    }
  } finally {
    await rm(tmp, { force: true });
    await lockHandle.close();
    await rm(lock, { force: true });
  }
}

/** Sets `user`'s hash; returns true when an existing entry was replaced. */
export async function setUserHash(file: string, user: string, hash: string): Promise<boolean> {
  let replaced = false;
  await editHtpasswdFile(file, (text) => {
    const r = setHtpasswdEntry(text, user, hash);
    replaced = r.replaced;
    return r.text;
  });
  return replaced;
}

/** Removes `user`'s entries; returns true when there was one. */
export async function removeUser(file: string, user: string): Promise<boolean> {
  let removed = false;
  await editHtpasswdFile(file, (text) => {
    const lines = text.split(/\r?\n/).filter((l) => l !== '');
    const kept = lines.filter((l) => {
      const t = l.trim();
      const colon = t.indexOf(':');
      const isUser = !t.startsWith('#') && colon > 0 && t.slice(0, colon) === user;
      if (isUser) removed = true;
      return !isUser;
    });
    return kept.length ? kept.join('\n') + '\n' : '';
  });
  return removed;
}
