/**
 * Native preloading for large N: items written straight into a stopped server's storage (a Git
 * commit for Kalends and Xandikos, plain files for Radicale), so a 10k collection exists without
 * hours of PUTs into the slow peers. The last items are then PUT over HTTP and measured.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Item } from '../data/dataset.js';

/** Native git with an environment that points nowhere else, and a fixed identity. */
function git(args: string[], cwd?: string): void {
  const env = { ...process.env };
  for (const k of Object.keys(env)) if (k.startsWith('GIT_')) delete env[k];
  // gc.auto=0: no `git gc --auto` detaching into the background while the bench measures.
  const config = ['user.name=Kalends bench', 'user.email=bench@localhost', 'commit.gpgsign=false', 'gc.auto=0', 'maintenance.auto=false'];
  const r = spawnSync('git', [...config.flatMap((c) => ['-c', c]), ...args], {
    cwd,
    env,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`git ${args.join(' ')} failed: ${r.stderr.trim()}`);
}

export function writeItems(dir: string, items: readonly Item[]): void {
  for (const it of items) writeFileSync(join(dir, it.name), it.body);
}

/** Commit the items into a non-bare repository's working tree (Xandikos' layout). */
export function commitIntoWorkTree(dir: string, items: readonly Item[]): void {
  writeItems(dir, items);
  git(['add', '-A', '.'], dir);
  git(['commit', '-q', '-m', `Import ${items.length} items`], dir);
}

/** Clone a bare repository, commit the items, push back (what a person does with `git push`). */
export function pushIntoBare(gitDir: string, items: readonly Item[], tmpParent: string): void {
  const work = mkdtempSync(join(tmpParent, 'preload-'));
  try {
    git(['clone', '-q', gitDir, work]);
    commitIntoWorkTree(work, items);
    git(['push', '-q', 'origin', 'HEAD'], work);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
