/** Shared helpers for store tests: temp data roots and native git. */
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Author, CommitRequest, WriteOp } from '../../src/store/types.js';

const execFileP = promisify(execFile);

export const ALICE: Author = { name: 'Alice Example', email: 'alice@example.org' };

/** Native git with a fixed identity and nothing from the environment pointing elsewhere. */
export function gitEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const k of Object.keys(env)) if (k.startsWith('GIT_')) delete env[k];
  return {
    ...env,
    GIT_AUTHOR_NAME: 'Native Person',
    GIT_AUTHOR_EMAIL: 'native@example.org',
    GIT_COMMITTER_NAME: 'Native Person',
    GIT_COMMITTER_EMAIL: 'native@example.org',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
  };
}

export function git(args: string[], cwd?: string, input?: string): string {
  return execFileSync('git', args, { cwd, env: gitEnv(), encoding: 'utf8', input, stdio: ['pipe', 'pipe', 'pipe'] });
}

export async function gitAsync(args: string[], cwd?: string): Promise<string> {
  const r = await execFileP('git', args, { cwd, env: gitEnv(), encoding: 'utf8' });
  return r.stdout;
}

/** git --git-dir=<dir> ... */
export function bare(gitDir: string, ...args: string[]): string {
  return git(['--git-dir', gitDir, ...args]);
}

export function tempRoot(): { root: string; cleanup: () => void } {
  const root = mkdtempSync(join(tmpdir(), 'kalends-store-'));
  return { root, cleanup: () => rmSync(root, { recursive: true, force: true }) };
}

export const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
export const dec = (b: Uint8Array): string => new TextDecoder().decode(b);

/** A request whose plan ignores HEAD and writes `ops`. */
export function write(ops: WriteOp[], message = 'test write', author: Author = ALICE): CommitRequest {
  return { author, plan: () => ({ ops, message }) };
}

/** Loose object files under objects/xx/. */
export function looseObjects(gitDir: string): string[] {
  const out: string[] = [];
  const objects = join(gitDir, 'objects');
  for (const d of readdirSync(objects)) {
    if (!/^[0-9a-f]{2}$/.test(d)) continue;
    for (const f of readdirSync(join(objects, d))) if (statSync(join(objects, d, f)).isFile()) out.push(d + f);
  }
  return out.sort();
}

/** `git fsck --strict` must print nothing and exit 0 (execFileSync throws otherwise); dangling objects of a lost race are not errors. */
export function fsckClean(gitDir: string): string {
  return execFileSync('git', ['--git-dir', gitDir, 'fsck', '--strict', '--no-dangling', '--no-progress'], {
    env: gitEnv(),
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  }).trim();
}
