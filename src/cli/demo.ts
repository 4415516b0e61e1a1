/**
 * Demo data: `sample-repos/` holds plain files, one directory per collection with a `.kalends.json`
 * (`sample-repos/<user>/calendars/<cal>/*.ics`, `sample-repos/<user>/contacts/<book>/*.vcf`, or a
 * plain folder `sample-repos/<user>/<folder>/`). Importing turns each such directory into a bare
 * repository in the data root with one commit, and writes an htpasswd with a known password per user.
 */
import { lstat, mkdir, mkdtemp, readdir, readFile, rename, rm, rmdir } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Author, WriteOp } from '../store/types.js';
import { hashBcrypt, setHtpasswdEntry } from '../http/auth/htpasswd.js';
import { isValidUserName } from '../http/auth/userName.js';
import { CliError, packageRoot } from './common.js';
import { editHtpasswdFile } from './htpasswdFile.js';

const META_FILE = '.kalends.json';
export const DEMO_AUTHOR: Author = { name: 'Kalends', email: 'kalends@localhost' };
export const DEMO_MESSAGE = 'Import demo data';
/** Every demo user's password is the user name (`demo` / `demo`): the data is public anyway. */
export const DEMO_USER = 'demo';

export interface DemoCollection {
  /** Data-root path, e.g. `demo/calendars/work`. */
  rel: string;
  /** Absolute source directory. */
  source: string;
}

export interface DemoResult {
  users: { name: string; password: string }[];
  collections: string[];
}

export function defaultSampleDir(): string {
  return join(packageRoot(), 'sample-repos');
}

function safeSegment(name: string): boolean {
  return name !== '' && !name.startsWith('.') && !/[\\/\0]/.test(name);
}

async function isDir(path: string): Promise<boolean> {
  try {
    return (await lstat(path)).isDirectory();
  } catch {
    return false;
  }
}

/** Finds the collection directories (those holding a `.kalends.json`) under each user of `sampleDir`. */
export async function findSampleCollections(sampleDir: string): Promise<{ users: string[]; collections: DemoCollection[] }> {
  if (!(await isDir(sampleDir))) throw new CliError(`sample data directory ${sampleDir} does not exist`, 1);
  const users: string[] = [];
  const collections: DemoCollection[] = [];
  const walk = async (abs: string, rel: string, depth: number): Promise<void> => {
    const names = (await readdir(abs)).sort();
    if (names.includes(META_FILE)) {
      collections.push({ rel, source: abs });
      return; // a collection's subdirectories are part of its tree
    }
    if (depth >= 4) return;
    for (const name of names) {
      if (safeSegment(name) && (await isDir(join(abs, name)))) await walk(join(abs, name), `${rel}/${name}`, depth + 1);
    }
  };
  for (const user of (await readdir(sampleDir)).sort()) {
    if (!(await isDir(join(sampleDir, user))) || user.startsWith('.')) continue;
    if (!isValidUserName(user)) throw new CliError(`sample user directory ${JSON.stringify(user)} is not a valid user name`, 1);
    users.push(user);
    await walk(join(sampleDir, user), user, 0);
  }
  return { users, collections };
}

/** Every regular file below `dir` as a put operation (paths '/'-separated, sorted). */
async function collectFiles(dir: string, prefix = ''): Promise<WriteOp[]> {
  const ops: WriteOp[] = [];
  for (const name of (await readdir(dir)).sort()) {
    if (name === '.git' || name === '.gitkeep') continue;
    const abs = join(dir, name);
    const st = await lstat(abs);
    const path = prefix ? `${prefix}/${name}` : name;
    if (st.isDirectory()) ops.push(...(await collectFiles(abs, path)));
    else if (st.isFile()) ops.push({ op: 'put', path, data: new Uint8Array(await readFile(abs)) });
  }
  return ops;
}

/** Imports every sample collection into the store at `root` (which must not hold them yet). */
export async function importSampleData(sampleDir: string, root: string): Promise<DemoResult> {
  const { users, collections } = await findSampleCollections(sampleDir);
  const { createStore } = await import('../store/gitStore.js');
  const store = createStore(root);
  try {
    for (const c of collections) {
      const ops = await collectFiles(c.source);
      await store.create(c.rel, { author: DEMO_AUTHOR, plan: () => ({ ops, message: DEMO_MESSAGE }) });
    }
  } finally {
    await store.close();
  }
  if (!users.includes(DEMO_USER)) users.unshift(DEMO_USER);
  return { users: users.map((name) => ({ name, password: name })), collections: collections.map((c) => c.rel) };
}

/** True when `dir` does not exist or is an empty directory. */
export async function isMissingOrEmpty(dir: string): Promise<boolean> {
  try {
    return (await readdir(dir)).length === 0;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return true;
    if (code === 'ENOTDIR') throw new CliError(`${dir} exists and is not a directory`, 1);
    throw err;
  }
}

/**
 * Creates a demo data root at `root` (absolute): repositories from `sampleDir` plus `<root>/htpasswd`.
 * Built in a sibling temp directory and renamed into place, so a failed import leaves nothing
 * half-made. Refuses when `root` exists and is not empty.
 */
export async function initDemoRoot(root: string, sampleDir = defaultSampleDir()): Promise<DemoResult> {
  if (!(await isMissingOrEmpty(root))) throw new CliError(`${root} exists and is not empty; choose a new directory`, 1);
  await mkdir(dirname(root), { recursive: true });
  const staging = await mkdtemp(join(dirname(root), `.${basename(root)}.init-`));
  try {
    const result = await importSampleData(sampleDir, staging);
    let text = '';
    for (const u of result.users) text = setHtpasswdEntry(text, u.name, await hashBcrypt(u.password)).text;
    await editHtpasswdFile(join(staging, 'htpasswd'), () => text);
    if (await isDir(root)) await rmdir(root); // empty (checked above)
    await rename(staging, root);
    return result;
  } catch (err) {
    await rm(staging, { recursive: true, force: true });
    throw err;
  }
}
