/**
 * Kalends from the build (dist/), with an htpasswd user (bcrypt, as deployed: the server caches
 * successful checks), access log off, no default collections (the workload creates its own).
 */
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import bcrypt from 'bcryptjs';
import { basicAuth } from '../http.js';
import { pushIntoBare } from './preload.js';
import { freePort, startProcess, waitForPort } from './process.js';
import type { RunningServer, ServerSpec } from './types.js';

const REPO = new URL('../../', import.meta.url).pathname;
export const KALENDS_MAIN = join(REPO, 'dist/cli/main.js');
const USER = 'bench';
const PASSWORD = 'bench-password';

/** Bare repositories under a directory (a HEAD file next to an objects/ directory). */
function bareRepos(dir: string): string[] {
  const out: string[] = [];
  const stack = [dir];
  while (stack.length) {
    const d = stack.pop()!;
    if (existsSync(join(d, 'HEAD')) && existsSync(join(d, 'objects'))) {
      out.push(d);
      continue;
    }
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) stack.push(p);
    }
  }
  return out;
}

/**
 * Copies the build to `dir` (dist/, package.json, a link to node_modules) so the whole run
 * measures one build: in a shared working tree, anyone's `npm test` rebuilds dist/ mid-run.
 * Returns the path of the copied CLI entry point.
 */
export function snapshotBuild(dir: string): string {
  mkdirSync(dir, { recursive: true });
  cpSync(join(REPO, 'dist'), join(dir, 'dist'), { recursive: true });
  cpSync(join(REPO, 'package.json'), join(dir, 'package.json'));
  symlinkSync(join(REPO, 'node_modules'), join(dir, 'node_modules'), 'dir');
  return join(dir, 'dist/cli/main.js');
}

/** What the measured build is: package version, commit, and whether the tree had local changes. */
function describeBuild(): string {
  const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { version?: string };
  const head = spawnSync('git', ['-C', REPO, 'rev-parse', '--short', 'HEAD'], { encoding: 'utf8' });
  const dirty = spawnSync('git', ['-C', REPO, 'status', '--porcelain', '--untracked-files=no', '--', 'src'], { encoding: 'utf8' });
  const state = dirty.status === 0 && dirty.stdout.trim() ? ', src/ with uncommitted changes' : '';
  return `${pkg.version ?? '?'}${head.status === 0 ? ` (commit ${head.stdout.trim()}${state})` : ''}`;
}

/**
 * Kalends; `main` is the CLI entry point to run (a snapshot from snapshotBuild), `nodeArgs` go
 * to node before the script (e.g. --cpu-prof for profiling).
 */
export function makeKalends(main: string = KALENDS_MAIN, nodeArgs: string[] = []): ServerSpec {
  return {
    id: 'kalends',
    label: 'Kalends',
    async probe() {
      if (!existsSync(main)) return new Error(`${main} is missing: run "npm run build" (npm run bench does)`);
      return describeBuild();
    },
    async start(dataDir, workDir): Promise<RunningServer> {
      const htpasswd = join(workDir, 'htpasswd');
      if (!existsSync(htpasswd)) writeFileSync(htpasswd, `${USER}:${bcrypt.hashSync(PASSWORD, 10)}\n`);
      const port = await freePort();
      const args = [main, 'serve', '--root', dataDir, '--host', '127.0.0.1', '--port', String(port), '--htpasswd', htpasswd, '--quiet', '--no-default-collections'];
      const proc = startProcess(process.execPath, [...nodeArgs, ...args], process.env, REPO);
      await waitForPort(proc, port, 60_000);
      return {
        origin: `http://127.0.0.1:${port}`,
        pid: proc.pid,
        calPath: `/${USER}/calendars/bench/`,
        bookPath: `/${USER}/contacts/bench/`,
        calDir: join(dataDir, USER, 'calendars', 'bench'),
        bookDir: join(dataDir, USER, 'contacts', 'bench'),
        dataDir,
        authorization: basicAuth(USER, PASSWORD),
        tail: proc.tail,
        errors: proc.errors,
        stop: proc.stop,
      };
    },
    /** A clone, a commit and a push per collection, as a person importing with git would. */
    async preload(srv, cal, book, workDir) {
      pushIntoBare(srv.calDir, cal, workDir);
      pushIntoBare(srv.bookDir, book, workDir);
    },
    /** The command src/store/maintenance.ts runs in the background, run here on every repository. */
    async maintain(dataDir) {
      for (const gitDir of bareRepos(dataDir)) {
        await new Promise<void>((resolve, reject) => {
          const child = spawn('git', ['--git-dir', gitDir, '-c', 'gc.autoDetach=false', 'gc', '--quiet'], { stdio: 'ignore' });
          child.on('error', reject);
          child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`git gc exited ${code} in ${gitDir}`))));
        });
      }
    },
  };
}
